/**
 * The lead view's state lives in its URL, so a view can be shared: `/lead?queues=a,b&teams=x`
 * for the overview, `/lead/queues/<id>?range=24h&teams=x` for one queue; `&site=<id>` narrows
 * either to one site's queues.
 */
import { parseRange, type RangeKey } from './history-buckets';
import { siteParam } from './site-url';

export interface LeadFilter {
  /** Queues to show; empty: all the token may see. */
  queues: string[];
  /** Teams to show; empty: all the token may see. */
  teams: string[];
  /** One site's queues only (`?site=`); absent: every site the token may see. */
  site?: string;
}

export type LeadRoute =
  | { page: 'overview'; filter: LeadFilter }
  | { page: 'queue'; queue: string; range: RangeKey; filter: LeadFilter };

function list(params: URLSearchParams, name: string): string[] {
  const raw = params.get(name);
  if (!raw) return [];
  return [...new Set(raw.split(',').map((s) => s.trim()).filter(Boolean))];
}

/** Reads a lead route from a path and query string; null when the path is not a lead page. */
export function parseLeadRoute(pathname: string, search: string): LeadRoute | null {
  const params = new URLSearchParams(search);
  const site = siteParam(search);
  const filter = { queues: list(params, 'queues'), teams: list(params, 'teams'), ...(site && { site }) };
  const path = pathname.replace(/\/+$/, '');
  if (path === '/lead') return { page: 'overview', filter };
  const match = /^\/lead\/queues\/([^/]+)$/.exec(path);
  if (!match) return null;
  let queue: string;
  try {
    queue = decodeURIComponent(match[1]);
  } catch {
    return null;
  }
  return { page: 'queue', queue, range: parseRange(params.get('range')), filter: { ...filter, queues: [] } };
}

/** The URL of a lead route; empty lists and the default range stay out of it. */
export function leadHref(route: LeadRoute): string {
  const params = new URLSearchParams();
  if (route.page === 'overview' && route.filter.queues.length > 0) params.set('queues', route.filter.queues.join(','));
  if (route.filter.teams.length > 0) params.set('teams', route.filter.teams.join(','));
  if (route.filter.site) params.set('site', route.filter.site);
  if (route.page === 'queue') params.set('range', route.range);
  // NOTE: commas stay readable in a shared link; ids come from the config and never hold one.
  const query = params.toString().replace(/%2C/g, ',');
  const path = route.page === 'overview' ? '/lead' : `/lead/queues/${encodeURIComponent(route.queue)}`;
  return query ? `${path}?${query}` : path;
}

/** `list` with `item` added, or removed when present. */
export function toggle(list: readonly string[], item: string): string[] {
  return list.includes(item) ? list.filter((x) => x !== item) : [...list, item];
}

/** The `subscribe` filter for a route: undefined lists mean "all". */
export function subscriptionOf(route: LeadRoute): { queues?: string[]; teams?: string[]; site?: string } {
  const queues = route.page === 'queue' ? [route.queue] : route.filter.queues;
  return {
    ...(queues.length > 0 ? { queues } : {}),
    ...(route.filter.teams.length > 0 ? { teams: route.filter.teams } : {}),
    ...(route.filter.site ? { site: route.filter.site } : {}),
  };
}

/** The lead's filter on the overview: the same teams and site, every queue. */
export function overviewFilter(filter: LeadFilter): LeadFilter {
  return { ...filter, queues: [] };
}
