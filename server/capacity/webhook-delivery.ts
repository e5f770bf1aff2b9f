/**
 * One signed webhook attempt and the retry schedule around it. Transient: timeouts, network
 * errors and 5xx (retried); refused: any other non-2xx (never retried: the partner said no to the
 * request itself, and sending it again would not change that).
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
  try {
    const res = await a.fetch(a.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'ops-command-center', ...signWebhook(a.secret, a.id, a.at, a.body) },
      body: a.body,
      signal: a.signal ? AbortSignal.any([AbortSignal.timeout(a.timeoutMs), a.signal]) : AbortSignal.timeout(a.timeoutMs),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.ok) return { kind: 'delivered' };
    if (res.status < 500) return { kind: 'refused', error: `the partner refused the webhook: HTTP ${res.status}` };
    return { kind: 'transient', error: `HTTP ${res.status}` };
  } catch (err) {
    const e = err as Error;
    return { kind: 'transient', error: e.name === 'TimeoutError' ? `no answer within ${a.timeoutMs} ms` : `network: ${e.message}` };
  }
}
