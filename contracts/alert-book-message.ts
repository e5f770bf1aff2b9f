/**
 * What the leading server publishes to `ops.alerts` after every evaluation and acknowledgement
 * (issue 10, several servers): its alert book (open alerts with where their lifecycle stands, and
 * recently resolved ones) and the latest measures per queue. Followers show it; a server taking
 * the lead goes on from it, so a peak keeps its alert (and its capacity round) across a hand-over.
 */
import { z } from 'zod';
import { alertSchema, peakMeasuresSchema } from './alerts.js';

export const trackingSchema = z.strictObject({
  raisingSince: z.number().nullable(),
  clearSince: z.number().nullable(),
  lastRaised: z.number(),
  owed: z.boolean(),
});

export const alertBookMessageSchema = z.strictObject({
  /** Wall-clock ms of publication: a follower keeps the newest. */
  published_at: z.number(),
  alerts: z.array(z.strictObject({ alert: alertSchema, tracking: trackingSchema.nullable() })),
  /** [queue, measures] of the last evaluation (fills `agents_needed` in every server's snapshots). */
  measures: z.array(z.tuple([z.string(), peakMeasuresSchema])),
});
export type AlertBookMessage = z.infer<typeof alertBookMessageSchema>;
