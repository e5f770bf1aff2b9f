/**
 * Views of a snapshot: the same numbers narrowed to queues, teams and sites. The full snapshot is
 * computed once per tick; each distinct view is derived from it once and fanned out.
 */
import { queuesOfSites, siteById, type OpsConfig } from '../contracts/config.js';
import type { ErrorKind } from '../contracts/errors.js';
import { quoteIfOpaque } from '../contracts/issues.js';
import { sumTotals, type MetricsSnapshot } from '../contracts/metrics-snapshot.js';
import type { Principal } from './access.js';

export interface ViewFilter {
  queues?: string[];
  teams?: string[];
  /** The sites whose queues the view shows: a `?site=`, or the sites a lead is limited to. */
  sites?: string[];
}

/** What a screen or a query string asks for: queues, teams and at most one site. */
export interface ViewRequest {
  queues?: string[];
  teams?: string[];
  site?: string;
}

/** The filter a principal may actually use: a lead limited to teams or sites never sees others. */
export function effectiveFilter(principal: Principal, requested: ViewRequest): ViewFilter {
  const lead = principal.role === 'lead';
  const allowedTeams = lead ? principal.teams : undefined;
  const teams = allowedTeams ? (requested.teams ? requested.teams.filter((t) => allowedTeams.includes(t)) : allowedTeams) : requested.teams;
  // NOTE: a requested site outside the lead's sites is refused first (siteProblem), never widened.
  const sites = requested.site !== undefined ? [requested.site] : lead ? principal.sites : undefined;
  return { ...(requested.queues && { queues: requested.queues }), ...(teams && { teams }), ...(sites && { sites }) };
}

/**
 * What is wrong with a requested `site`, if anything: unknown (invalid, named only when it is an
 * opaque id) or outside the sites a lead is limited to (forbidden).
 */
export function siteProblem(config: OpsConfig, principal: Principal, site: string | undefined): { kind: ErrorKind; message: string } | undefined {
  if (site === undefined) return undefined;
  if (!siteById(config, site)) return { kind: 'invalid', message: `site: unknown site${quoteIfOpaque(site) ? ` ${quoteIfOpaque(site)}` : ''}` };
  if (principal.role === 'lead' && principal.sites && !principal.sites.includes(site)) return { kind: 'forbidden', message: 'site: not one of the sites this token may see' };
  return undefined;
}

/** A stable key per distinct filter, so identical views share one computation. */
export function viewKey(view: string, filter: ViewFilter): string {
  const norm = (list?: string[]) => (list ? [...new Set(list)].sort().join(',') : '*');
  return `${view}|q=${norm(filter.queues)}|t=${norm(filter.teams)}|s=${norm(filter.sites)}`;
}

/**
 * The queues a principal may see at all (a lead limited to teams: those its teams serve; to
 * sites: those of its sites; both: both); undefined when it may see every queue.
 */
export function principalQueues(config: OpsConfig, principal: Principal): Set<string> | undefined {
  if (principal.role !== 'lead' || (!principal.teams && !principal.sites)) return undefined;
  const served = principal.teams ? new Set(principal.teams.flatMap((t) => config.teamIndex.get(t)?.queues ?? [])) : undefined;
  const sited = principal.sites ? new Set(queuesOfSites(config, principal.sites)) : undefined;
  return new Set(config.queues.map((q) => q.id).filter((q) => (!served || served.has(q)) && (!sited || sited.has(q))));
}

/** Narrows a snapshot: queues to those asked for (of the sites, served by the teams), team rows to the teams. */
export function applyView(snapshot: MetricsSnapshot, config: OpsConfig, filter: ViewFilter): MetricsSnapshot {
  if (!filter.queues && !filter.teams && !filter.sites) return snapshot;
  const teams = filter.teams;
  const sited = filter.sites ? new Set(queuesOfSites(config, filter.sites)) : undefined;
  const queues = snapshot.queues
    .filter((q) => !filter.queues || filter.queues.includes(q.queue))
    .filter((q) => !sited || sited.has(q.queue))
    .filter((q) => !teams || teams.some((t) => config.teamIndex.get(t)?.queues.includes(q.queue) || q.teams.some((row) => row.team === t && row.backlog + row.started + row.completions > 0)))
    .map((q) => (teams ? { ...q, teams: q.teams.filter((row) => teams.includes(row.team)) } : q));
  const site = filter.sites?.length === 1 ? siteById(config, filter.sites[0]) : undefined;
  return { ...snapshot, queues, totals: sumTotals(queues), ...(site && { site: { id: site.id, name: site.name } }) };
}
