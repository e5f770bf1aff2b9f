/**
 * Views of a snapshot: the same numbers narrowed to queues and teams. The full snapshot is
 * computed once per tick; each distinct view is derived from it once and fanned out.
 */
import type { OpsConfig } from '../contracts/config.js';
import { sumTotals, type MetricsSnapshot } from '../contracts/metrics-snapshot.js';
import type { Principal } from './access.js';

export interface ViewFilter {
  queues?: string[];
  teams?: string[];
}

/** The filter a principal may actually use: a lead limited to teams never sees other teams. */
export function effectiveFilter(principal: Principal, requested: ViewFilter): ViewFilter {
  const allowed = principal.role === 'lead' ? principal.teams : undefined;
  if (!allowed) return requested;
  const teams = requested.teams ? requested.teams.filter((t) => allowed.includes(t)) : allowed;
  return { queues: requested.queues, teams };
}

/** A stable key per distinct filter, so identical views share one computation. */
export function viewKey(view: string, filter: ViewFilter): string {
  const norm = (list?: string[]) => (list ? [...new Set(list)].sort().join(',') : '*');
  return `${view}|q=${norm(filter.queues)}|t=${norm(filter.teams)}`;
}

/** Narrows a snapshot: queues to those asked for (and served by the teams), team rows to the teams. */
export function applyView(snapshot: MetricsSnapshot, config: OpsConfig, filter: ViewFilter): MetricsSnapshot {
  if (!filter.queues && !filter.teams) return snapshot;
  const teams = filter.teams;
  const queues = snapshot.queues
    .filter((q) => !filter.queues || filter.queues.includes(q.queue))
    .filter((q) => !teams || teams.some((t) => config.teamIndex.get(t)?.queues.includes(q.queue) || q.teams.some((row) => row.team === t && row.backlog + row.started + row.completions > 0)))
    .map((q) => (teams ? { ...q, teams: q.teams.filter((row) => teams.includes(row.team)) } : q));
  return { ...snapshot, queues, totals: sumTotals(queues) };
}
