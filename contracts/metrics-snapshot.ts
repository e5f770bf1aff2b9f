/**
 * The shape of what the product computes (SPEC section 3) and answers on `GET /api/metrics`,
 * `GET /api/metrics/history` and the `metrics:snapshot` push: zod schemas with their inferred
 * types, shared by server, stores and client (which validates every pushed frame with them).
 */
import { z } from 'zod';
import type { OpsConfig } from './config.js';

const count = z.number().int().nonnegative();
const seconds = z.number().nonnegative();
const share = z.number().min(0).max(1);

/** The counts and measures that exist per queue and per team. */
export const metricValuesSchema = z.object({
  backlog: count,
  waiting: count,
  in_progress: count,
  oldest_wait_seconds: seconds,
  breached: count,
  at_risk: count,
  arrivals: count,
  started: count,
  completions: count,
  wait_p50_seconds: seconds.nullable(),
  wait_p90_seconds: seconds.nullable(),
  sla_attainment: share.nullable(),
  staffed_agents: count,
});
export type MetricValues = z.infer<typeof metricValuesSchema>;

/** Per team, by the team of each task's first `task.started` (SPEC section 3). */
export const teamMetricsSchema = metricValuesSchema.extend({
  team: z.string(),
  name: z.string(),
  kind: z.enum(['inhouse', 'partner']),
});
export type TeamMetrics = z.infer<typeof teamMetricsSchema>;

export const queueMetricsSchema = metricValuesSchema.extend({
  queue: z.string(),
  name: z.string(),
  sla_target_seconds: z.number().positive(),
  sla_goal: share,
  /** Wall colour thresholds on SLA attainment, when the configuration sets them. */
  thresholds: z.object({ amber_below: share, red_below: share }).optional(),
  /**
   * Filled by the server's alerting (server/alerts), not by the stores: Erlang C agents needed to
   * meet the SLA goal over the next hour, and minutes until a waiting task will pass the target
   * (null: none expected to). Absent until the first evaluation.
   */
  agents_needed: count.optional(),
  time_to_breach_minutes: z.number().nonnegative().nullable().optional(),
  teams: z.array(teamMetricsSchema),
});
export type QueueMetrics = z.infer<typeof queueMetricsSchema>;

/** `totals` sums the counts over queues. */
export const totalMetricsSchema = z.object({
  backlog: count,
  waiting: count,
  in_progress: count,
  breached: count,
  at_risk: count,
  arrivals: count,
  started: count,
  completions: count,
  staffed_agents: count,
});
export type TotalMetrics = z.infer<typeof totalMetricsSchema>;

export const metricsSnapshotSchema = z.object({
  generated_at: z.iso.datetime({ offset: true }),
  window_minutes: z.number().int().positive(),
  queues: z.array(queueMetricsSchema),
  totals: totalMetricsSchema,
  /** The site the view is narrowed to (`?site=`, or a lead limited to one site): its name heads the screen. */
  site: z.object({ id: z.string(), name: z.string() }).optional(),
});
export type MetricsSnapshot = z.infer<typeof metricsSnapshotSchema>;

/** One minute of `GET /api/metrics/history`: the minute [minute, minute + 60 s). */
export const historyPointSchema = z.object({
  minute: z.string(),
  arrivals: count,
  completions: count,
  /** Backlog at the end of the minute (at `now` for the current, partial minute). */
  backlog: count,
  wait_p50_seconds: seconds.nullable(),
  wait_p90_seconds: seconds.nullable(),
  sla_attainment: share.nullable(),
});
export type HistoryPoint = z.infer<typeof historyPointSchema>;

export const metricsHistorySchema = z.object({
  generated_at: z.string(),
  queue: z.string(),
  minutes: z.number().int().positive(),
  points: z.array(historyPointSchema),
});
export type MetricsHistory = z.infer<typeof metricsHistorySchema>;

export const COUNT_FIELDS = [
  'backlog',
  'waiting',
  'in_progress',
  'breached',
  'at_risk',
  'arrivals',
  'started',
  'completions',
  'staffed_agents',
] as const satisfies readonly (keyof TotalMetrics)[];

/** Sums the count fields of the queues into `totals`. */
export function sumTotals(queues: readonly MetricValues[]): TotalMetrics {
  const totals = Object.fromEntries(COUNT_FIELDS.map((f) => [f, 0])) as unknown as TotalMetrics;
  for (const q of queues) for (const f of COUNT_FIELDS) totals[f] += q[f];
  return totals;
}

/**
 * Nearest-rank quantile of an ascending array: the value at rank ceil(q * n).
 * NOTE: it always lies between the two order statistics around the rank q * (n - 1), so it is
 * right under either common convention (SPEC section 3).
 */
export function nearestRank(sortedAscending: ArrayLike<number>, q: number): number | null {
  const n = sortedAscending.length;
  if (n === 0) return null;
  const index = Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1));
  return sortedAscending[index];
}

/** Index (0-based) of the nearest-rank quantile in a collection of n values. */
export function nearestRankIndex(n: number, q: number): number {
  return Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1));
}

/** The per-team values of one queue, by team id, and the queue's own. */
export interface QueueValues {
  all: MetricValues;
  teams: Map<string, MetricValues>;
}

/**
 * Assembles the snapshot both stores answer: every queue of the config in order, each with the
 * teams the config assigns to it, plus any other team with something to show (sorted by id).
 */
export function assembleSnapshot(config: OpsConfig, nowMs: number, valuesOf: (queue: string) => QueueValues): MetricsSnapshot {
  const queues: QueueMetrics[] = config.queues.map((q) => {
    const { all, teams } = valuesOf(q.id);
    const configured = config.teams.filter((t) => t.queues.includes(q.id)).map((t) => t.id);
    const extra = [...teams.entries()]
      .filter(([id, v]) => !configured.includes(id) && v.backlog + v.arrivals + v.started + v.completions + v.staffed_agents > 0)
      .map(([id]) => id)
      .sort();
    return {
      queue: q.id,
      name: q.name,
      ...all,
      sla_target_seconds: q.sla.target_seconds,
      sla_goal: q.sla.goal,
      ...(q.thresholds ? { thresholds: q.thresholds } : {}),
      teams: [...configured, ...extra].map((id) => {
        const team = config.teamIndex.get(id)!;
        return { team: id, name: team.name, kind: team.kind, ...(teams.get(id) ?? emptyValues()) };
      }),
    };
  });
  return { generated_at: new Date(nowMs).toISOString(), window_minutes: config.window_minutes, queues, totals: sumTotals(queues) };
}

/** Values of a team or queue with nothing in it. */
export function emptyValues(): MetricValues {
  return {
    backlog: 0, waiting: 0, in_progress: 0, oldest_wait_seconds: 0, breached: 0, at_risk: 0, arrivals: 0, started: 0,
    completions: 0, wait_p50_seconds: null, wait_p90_seconds: null, sla_attainment: null, staffed_agents: 0,
  };
}
