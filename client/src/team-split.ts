/**
 * In-house against partner on one queue, from its per-team rows (SPEC section 3: a task belongs to
 * the team of its first `task.started`). Everything here is measured on the tasks started in the
 * window, the same tasks the queue's waits and SLA attainment are measured on.
 */
import type { TeamMetrics } from '../../contracts/metrics-snapshot';

export type TeamKind = TeamMetrics['kind'];

/** One side of the split. */
export interface KindShare {
  kind: TeamKind;
  /** Teams of this kind on the queue (configured or with work on it). */
  teams: number;
  /** Tasks started by these teams in the window. */
  started: number;
  /** started / all started on the queue; null when nothing started. */
  share: number | null;
  /** Share of these starts within the SLA target; null when none. Exact: counts are summed. */
  slaAttainment: number | null;
  /**
   * p90 wait of these starts: exact when one team of the kind started tasks; with several, the
   * highest of their p90s, which bounds the combined p90 from above (`p90Exact` false).
   */
  p90: number | null;
  p90Exact: boolean;
  inProgress: number;
  staffedAgents: number;
}

export interface KindSplit {
  inhouse: KindShare;
  partner: KindShare;
  /** All tasks started on the queue by any team in the window. */
  started: number;
}

function side(kind: TeamKind, rows: readonly TeamMetrics[], total: number): KindShare {
  const own = rows.filter((row) => row.kind === kind);
  const starting = own.filter((row) => row.started > 0);
  const started = starting.reduce((sum, row) => sum + row.started, 0);
  // attainment * started is a whole count per team; rounding removes the float's dust.
  const attained = starting.reduce((sum, row) => sum + Math.round((row.sla_attainment ?? 0) * row.started), 0);
  const p90s = starting.map((row) => row.wait_p90_seconds).filter((v): v is number => v != null);
  return {
    kind,
    teams: own.length,
    started,
    share: total > 0 ? started / total : null,
    slaAttainment: started > 0 ? attained / started : null,
    p90: p90s.length > 0 ? Math.max(...p90s) : null,
    p90Exact: p90s.length <= 1,
    inProgress: own.reduce((sum, row) => sum + row.in_progress, 0),
    staffedAgents: own.reduce((sum, row) => sum + row.staffed_agents, 0),
  };
}

/** In-house and partner teams of one queue, side by side. */
export function splitByKind(rows: readonly TeamMetrics[]): KindSplit {
  const started = rows.reduce((sum, row) => sum + row.started, 0);
  return { inhouse: side('inhouse', rows, started), partner: side('partner', rows, started), started };
}

/** Each team's share of the queue's started tasks in the window; null when nothing started. */
export function teamShare(row: Pick<TeamMetrics, 'started'>, rows: readonly Pick<TeamMetrics, 'started'>[]): number | null {
  const total = rows.reduce((sum, r) => sum + r.started, 0);
  return total > 0 ? row.started / total : null;
}
