/** The few HTTP calls of the screens (SPEC section 4), with the bearer token when there is one. */
import type { Alert, AlertsResponse, CapacityRequestsResponse, CapacityRequest } from '../../contracts/alerts';
import type { QueueForecast, QueueTeams } from '../../contracts/lead-charts';
import type { MetricsHistory, MetricsSnapshot } from '../../contracts/metrics-snapshot';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const REQUEST_TIMEOUT_MS = 10_000;

/** GET (or POST `post`) a JSON answer; a refusal throws HttpError with the API's own `error` words. */
export async function getJson(path: string, token: string | null, signal?: AbortSignal, post?: unknown, timeoutMs = REQUEST_TIMEOUT_MS): Promise<unknown> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (post !== undefined) headers['Content-Type'] = 'application/json';
  // NOTE: a manual timeout rather than AbortSignal.any, which older kiosk browsers lack.
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  const timer = setTimeout(abort, timeoutMs);
  signal?.addEventListener('abort', abort, { once: true });
  try {
    const response = await fetch(path, {
      headers,
      signal: controller.signal,
      cache: 'no-store',
      ...(post !== undefined ? { method: 'POST', body: JSON.stringify(post) } : {}),
    });
    if (!response.ok) {
      const body = (await response.json().catch(() => null)) as { error?: unknown } | null;
      const reason = typeof body?.error === 'string' ? body.error : response.statusText;
      throw new HttpError(response.status, `${response.status} ${reason}`.trim());
    }
    return await response.json();
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', abort);
  }
}

/** `GET /api/metrics/history` for all queues combined (or one queue, or one site's queues) over the last `minutes`. */
export async function fetchHistory(
  options: { token: string | null; minutes: number; queue?: string; site?: string; offsetMinutes?: number },
  signal?: AbortSignal,
): Promise<MetricsHistory> {
  const params = new URLSearchParams({ minutes: String(options.minutes) });
  if (options.queue) params.set('queue', options.queue);
  if (options.offsetMinutes) params.set('offset_minutes', String(options.offsetMinutes));
  if (options.site) params.set('site', options.site);
  const body = await getJson(`/api/metrics/history?${params}`, options.token, signal);
  if (!isHistory(body)) throw new Error('unexpected history response');
  return body;
}

/** `GET /api/metrics/forecast`: the alerting's forecast of one queue per 15 minutes, with staffed and needed agents. */
export async function fetchForecast(options: { token: string | null; queue: string; minutes: number }, signal?: AbortSignal): Promise<QueueForecast> {
  const body = (await getJson(`/api/metrics/forecast?${new URLSearchParams({ queue: options.queue, minutes: String(options.minutes) })}`, options.token, signal)) as Partial<QueueForecast> | null;
  if (!Array.isArray(body?.intervals)) throw new Error('unexpected forecast response');
  return body as QueueForecast;
}

/** `GET /api/metrics/teams`: one queue's teams over the last `minutes`. */
export async function fetchQueueTeams(options: { token: string | null; queue: string; minutes: number }, signal?: AbortSignal): Promise<QueueTeams> {
  const body = (await getJson(`/api/metrics/teams?${new URLSearchParams({ queue: options.queue, minutes: String(options.minutes) })}`, options.token, signal)) as Partial<QueueTeams> | null;
  if (!Array.isArray(body?.teams)) throw new Error('unexpected teams response');
  return body as QueueTeams;
}

/** `GET /api/metrics`: the snapshot as this token may see it (a lead limited to teams: theirs), of one site with `site`. */
export async function fetchMetrics(token: string | null, signal?: AbortSignal, site?: string): Promise<MetricsSnapshot> {
  const body = await getJson(site ? `/api/metrics?${new URLSearchParams({ site })}` : '/api/metrics', token, signal);
  const candidate = body as Partial<MetricsSnapshot> | null;
  if (typeof candidate?.generated_at !== 'string' || !Array.isArray(candidate.queues)) throw new Error('unexpected metrics response');
  return body as MetricsSnapshot;
}

/** `GET /api/alerts`: open alerts first, then recently resolved ones. */
export async function fetchAlerts(token: string | null, signal?: AbortSignal): Promise<Alert[]> {
  const body = (await getJson('/api/alerts', token, signal)) as Partial<AlertsResponse> | null;
  if (!Array.isArray(body?.alerts)) throw new Error('unexpected alerts response');
  return body.alerts;
}

/** `GET /api/capacity-requests`: newest first. */
export async function fetchCapacityRequests(token: string | null, signal?: AbortSignal): Promise<CapacityRequest[]> {
  const body = (await getJson('/api/capacity-requests', token, signal)) as Partial<CapacityRequestsResponse> | null;
  if (!Array.isArray(body?.requests)) throw new Error('unexpected capacity requests response');
  return body.requests;
}

/** `POST /api/alerts/:id/ack` (lead role), with an optional comment; returns the alert as it now stands. */
export async function acknowledgeAlert(token: string | null, id: string, comment: string): Promise<Alert> {
  const trimmed = comment.trim();
  const body = await getJson(`/api/alerts/${encodeURIComponent(id)}/ack`, token, undefined, trimmed ? { comment: trimmed } : {});
  return body as Alert;
}

// NOTE: the server is trusted, but a wall must not go blank for days over one malformed reply.
function isHistory(body: unknown): body is MetricsHistory {
  const candidate = body as Partial<MetricsHistory> | null;
  return typeof candidate?.generated_at === 'string' && Array.isArray(candidate.points);
}
