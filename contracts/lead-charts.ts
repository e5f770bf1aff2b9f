/**
 * What the lead's queue page asks for beyond the per-minute history: the arrivals forecast the
 * alerting uses with staffed agents against agents needed (`GET /api/metrics/forecast`), and the
 * teams of a queue over the chosen range (`GET /api/metrics/teams`).
 */
import { z } from 'zod';

const count = z.number().int().nonnegative();
const seconds = z.number().nonnegative();

/** The ranges of the lead's charts: minutes back from now, at most 7 days. */
export const rangeQuerySchema = z.strictObject({
  queue: z.string().min(1),
  minutes: z.coerce.number().int().min(1).max(7 * 24 * 60).default(60),
});

/** One 15-minute interval [start, start + 15 min) of the forecast. */
export const forecastIntervalSchema = z.object({
  start: z.string(),
  /** Arrivals the alerting's forecast expected for the interval, from what it knew at its start; null before it knew anything. */
  forecast_arrivals: z.number().nonnegative().nullable(),
  /** Erlang C agents needed for that forecast (the queue's handling time, SLA target and goal); null with no forecast. */
  agents_needed: count.nullable(),
  /** Agents staffed on the queue (all teams) at the interval's end, or now for the current interval. */
  staffed_agents: count,
});
export type ForecastInterval = z.infer<typeof forecastIntervalSchema>;

export const queueForecastSchema = z.object({
  generated_at: z.string(),
  queue: z.string(),
  minutes: z.number().int().positive(),
  interval_minutes: z.number().int().positive(),
  intervals: z.array(forecastIntervalSchema),
});
export type QueueForecast = z.infer<typeof queueForecastSchema>;

/** One team's first starts on the queue within the range (SPEC section 3: the team of the first start). */
export const rangeTeamSchema = z.object({
  team: z.string(),
  name: z.string(),
  kind: z.enum(['inhouse', 'partner']),
  started: count,
  wait_p50_seconds: seconds.nullable(),
  wait_p90_seconds: seconds.nullable(),
  sla_attainment: z.number().min(0).max(1).nullable(),
});
export type RangeTeam = z.infer<typeof rangeTeamSchema>;

export const queueTeamsSchema = z.object({
  generated_at: z.string(),
  queue: z.string(),
  minutes: z.number().int().positive(),
  teams: z.array(rangeTeamSchema),
});
export type QueueTeams = z.infer<typeof queueTeamsSchema>;
