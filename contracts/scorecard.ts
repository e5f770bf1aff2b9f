/**
 * The partner scorecard (SPEC section 11): `GET /api/partners/scorecard?range=24h|7d|30d`, one
 * entry per partner team over the range (now - range, now]: how it answered capacity requests,
 * the work it took and how fast, against the in-house teams of the same queues. The query and the
 * answer as zod schemas, shared by the server, its tests and the lead view.
 */
import { z } from 'zod';

export const SCORECARD_RANGES = ['24h', '7d', '30d'] as const;
export type ScorecardRange = (typeof SCORECARD_RANGES)[number];

/** Each range's length in milliseconds. */
export const RANGE_MS: Record<ScorecardRange, number> = { '24h': 24 * 3600_000, '7d': 7 * 24 * 3600_000, '30d': 30 * 24 * 3600_000 };

/** The query string: `range` (default 7d) and `format=csv|json` (CSV also by `Accept: text/csv`). */
export const scorecardQuerySchema = z.strictObject({
  range: z.enum(SCORECARD_RANGES, { error: 'must be one of 24h, 7d, 30d' }).default('7d'),
  format: z.enum(['json', 'csv'], { error: 'must be json or csv' }).optional(),
});
export type ScorecardQuery = z.infer<typeof scorecardQuerySchema>;

const count = z.int().min(0);
const share = z.number().min(0).max(1);
const instant = z.iso.datetime({ offset: true });

/**
 * Capacity requests sent to the partner, created in the range, by their state now. `total` also
 * counts requests still open (being delivered or awaiting the answer), which are in no other field.
 */
export const scorecardRequestsSchema = z.strictObject({
  total: count,
  accepted: count,
  partial: count,
  declined: count,
  /** No answer by `respond_by` (state `expired`). */
  no_answer: count,
  undeliverable: count,
});

/**
 * The trend's buckets: an hour over 24 h, a UTC day over 7 and 30 days. Buckets are aligned on
 * the hour or the UTC midnight and cut to the range, so the first and the last may be shorter.
 */
export const TREND_BUCKET_MS: Record<ScorecardRange, number> = { '24h': 3600_000, '7d': 24 * 3600_000, '30d': 24 * 3600_000 };

/** One bucket (from, to] of a partner's trend, by the same rules as the range's totals. */
export const trendPointSchema = z.strictObject({
  from: instant,
  to: instant,
  /** Over the tasks the partner first started in the bucket; null when it started none. */
  sla_attainment: share.nullable(),
  /** Nearest-rank p50 over the answered requests created in the bucket; null when none. */
  answer_seconds_p50: z.number().min(0).nullable(),
});
export type TrendPoint = z.infer<typeof trendPointSchema>;

export const partnerScoreSchema = z.strictObject({
  team: z.string(),
  name: z.string(),
  /** The queues the configuration contracts it for. */
  queues: z.array(z.string()),
  requests: scorecardRequestsSchema,
  /** (accepted + partial) / answered (accepted + partial + declined); null when none was answered. */
  acceptance_rate: share.nullable(),
  /** Nearest-rank quantiles over answered requests of answered_at - created_at (the request was sent at creation). */
  answer_seconds_p50: z.number().min(0).nullable(),
  answer_seconds_p90: z.number().min(0).nullable(),
  /** Summed over the requests of the range. */
  agents_requested: count,
  /** Summed over the answered requests (0 for a decline). */
  agents_committed: count,
  /** The partner's first starts / all first starts on its queues in the range; null when none. */
  share_of_starts: share.nullable(),
  /** Over the tasks the partner first started in the range: wait <= the queue's target (SPEC section 3). */
  sla_attainment: share.nullable(),
  wait_p90_seconds: z.number().min(0).nullable(),
  /** The same over the in-house teams' first starts on the partner's queues. */
  inhouse_sla_attainment: share.nullable(),
  /**
   * The partner's agent-hours in the range (its staffing.updated history on every queue, a head
   * count standing until changed) times its `cost_per_agent_hour`, to the cent; null when the
   * configuration gives it no cost.
   */
  cost: z.number().min(0).nullable(),
  /** The range in buckets (TREND_BUCKET_MS), oldest first; not in the CSV, which stays one flat row per partner. */
  trend: z.array(trendPointSchema),
});
export type PartnerScore = z.infer<typeof partnerScoreSchema>;

export const scorecardSchema = z.strictObject({
  range: z.enum(SCORECARD_RANGES),
  from: instant,
  to: instant,
  partners: z.array(partnerScoreSchema),
});
export type Scorecard = z.infer<typeof scorecardSchema>;

/** The CSV columns, in order: one row per partner, the nested `requests` flattened as `requests_*`. */
export const SCORECARD_CSV_COLUMNS = [
  'range', 'from', 'to', 'team', 'name', 'queues',
  'requests_total', 'requests_accepted', 'requests_partial', 'requests_declined', 'requests_no_answer', 'requests_undeliverable',
  'acceptance_rate', 'answer_seconds_p50', 'answer_seconds_p90', 'agents_requested', 'agents_committed',
  'share_of_starts', 'sla_attainment', 'wait_p90_seconds', 'inhouse_sla_attainment', 'cost',
] as const;
