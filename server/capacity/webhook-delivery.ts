/**
 * One signed webhook attempt and the retry schedule around it. Transient: timeouts, network
 * errors and 5xx (retried); refused: any other non-2xx (never retried: the partner said no to the
 * request itself, and sending it again would not change that).
 *
 * Redirects are never followed: a 3xx is refused. Following one would send the signature headers
 * to wherever the partner's endpoint points (Standard Webhooks senders do not follow either), and
 * retrying the same URL only earns the same redirect while the patients wait: the request goes to
 * the next partner instead, and the answer's status is logged with the request.
 */
import { signWebhook } from './signing.js';

export interface DeliveryPolicy {
  /** Per attempt (default 10 s). */
  timeoutMs: number;
  /** First retry delay (default 1 s), doubling per attempt up to `maxDelayMs` (default 60 s). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Attempts before giving up (default 8); never past `respond_by` either. */
  maxAttempts: number;
}

export const DEFAULT_DELIVERY: DeliveryPolicy = { timeoutMs: 10_000, baseDelayMs: 1000, maxDelayMs: 60_000, maxAttempts: 8 };

export type AttemptOutcome = { kind: 'delivered' } | { kind: 'refused'; error: string } | { kind: 'transient'; error: string };

export interface Attempt {
  url: string;
  secret: string;
  /** `webhook-id`: the same on every attempt of one message. */
  id: string;
  body: string;
  /** Signature timestamp: real time, which the partner checks against its own clock. */
  at: Date;
  timeoutMs: number;
  fetch: typeof fetch;
  /** Aborts the attempt (shutdown). */
  signal?: AbortSignal;
}

/** POSTs one signed attempt and classifies the outcome. Never throws. */
export async function postSigned(a: Attempt): Promise<AttemptOutcome> {
  // TRICKY: an own timer and controller, not `AbortSignal.any([AbortSignal.timeout(ms), ...])`:
  // on Node 20 a GC can collect the timeout signal inside `any`, and the attempt then waits for
  // ever (nodejs/node#57867; one attempt hung 300 s). The timer covers the body read as well.
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, a.timeoutMs);
  const onShutdown = () => controller.abort();
  if (a.signal?.aborted) controller.abort();
  else a.signal?.addEventListener('abort', onShutdown, { once: true });
  try {
    const res = await a.fetch(a.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'ops-command-center', ...signWebhook(a.secret, a.id, a.at, a.body) },
      body: a.body,
      redirect: 'manual',
      signal: controller.signal,
    });
    // NOTE: the status is the answer; a body cut short by the timer changes nothing.
    await res.arrayBuffer().catch(() => undefined);
    if (res.ok) return { kind: 'delivered' };
    if (res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400)) {
      return { kind: 'refused', error: `the partner answered with a redirect (HTTP ${res.status || '3xx'}), which is not followed: check its webhook_url` };
    }
    if (res.status < 500) return { kind: 'refused', error: `the partner refused the webhook: HTTP ${res.status}` };
    return { kind: 'transient', error: `HTTP ${res.status}` };
  } catch (err) {
    if (timedOut) return { kind: 'transient', error: `no answer within ${a.timeoutMs} ms` };
    if (a.signal?.aborted) return { kind: 'transient', error: 'cut short by shutdown' };
    return { kind: 'transient', error: `network: ${(err as Error).message}` };
  } finally {
    clearTimeout(timer);
    a.signal?.removeEventListener('abort', onShutdown);
  }
}
