/**
 * Delivering capacity requests to partners: a signed POST (Standard Webhooks) to the partner's
 * `webhook_url`, retried on timeouts, network errors and 5xx on the one backoff schedule
 * (streams/backoff.ts), never on 4xx, never past `respond_by`. Every attempt carries the same
 * `webhook-id` (the `request_id`), so a partner sees one request however often it arrives.
 *
 * What an outcome does to the request is the state machine's to decide: the loop reports through
 * `DeliveryProgress` and awaits each report (stored) before it goes on.
 */
import type { Clock } from '../../contracts/clock.js';
import type { OpsConfig } from '../../contracts/config.js';
import type { CapacityRequest, CapacityWebhook } from '../../contracts/alerts.js';
import { backoffDelay, Sleeper } from '../../streams/backoff.js';
import { postSigned, type DeliveryPolicy } from './webhook-delivery.js';

/** What the delivery loop reads and reports (capacity-rounds.ts implements it). */
export interface DeliveryProgress {
  /** The request while it is still `delivering` (not answered, expired or given up on). */
  delivering(id: string): Readonly<CapacityRequest> | undefined;
  /** Counts an attempt about to be made; returns its number (1, 2, ...). */
  countAttempt(id: string): number;
  /** The partner took the webhook (2xx). */
  delivered(id: string): Promise<void>;
  /** A transient failure; another attempt follows. */
  failed(id: string, error: string): Promise<void>;
  /** Refused (4xx), no secret, or out of attempts or time: no more attempts. */
  undeliverable(id: string, why: string): Promise<void>;
}

export interface CapacityDeliveryOptions {
  config: OpsConfig;
  progress: DeliveryProgress;
  /** A partner's webhook secret by the name of its environment variable. */
  secret(envName: string): string | undefined;
  /** Domain time: `respond_by`. */
  clock: Clock;
  /** Real time for signature timestamps, which partners check against their own clock. */
  wallClock: Clock;
  fetch: typeof fetch;
  random: () => number;
  policy: DeliveryPolicy;
  logger: { warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
}

export class CapacityDelivery {
  private readonly running = new Set<Promise<void>>();
  private readonly sleeper = new Sleeper();
  private readonly shutdown = new AbortController();

  constructor(private readonly o: CapacityDeliveryOptions) {}

  /** Starts delivering a request in `delivering`; returns at once. */
  start(id: string): void {
    const run = this.deliver(id)
      .catch((err: unknown) => this.o.logger.error({ err, request: id }, 'capacity delivery failed unexpectedly'))
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }

  /** Whether a delivery is in progress. */
  get busy(): boolean {
    return this.running.size > 0;
  }

  /** Resolves once no delivery is in progress. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /** Cuts attempts in flight and waits short; the requests stay `delivering` for a restart to resume. */
  async close(): Promise<void> {
    this.shutdown.abort();
    this.sleeper.wakeAll();
    await this.idle();
  }

  private get stopped(): boolean {
    return this.shutdown.signal.aborted;
  }

  private async deliver(id: string): Promise<void> {
    const { progress, policy } = this.o;
    const r = progress.delivering(id);
    if (!r) return;
    const capacity = this.o.config.teamIndex.get(r.partner)!.capacity!;
    const body = JSON.stringify(webhookBody(r));
    const respondByMs = Date.parse(r.respond_by);
    while (!this.stopped && progress.delivering(id)) {
      const secret = this.o.secret(capacity.secret_env);
      if (!secret) return progress.undeliverable(id, `the webhook secret ${capacity.secret_env} is not set`);
      const attempt = progress.countAttempt(id);
      const outcome = await postSigned({
        url: capacity.webhook_url,
        secret,
        id,
        body,
        at: new Date(this.o.wallClock()),
        timeoutMs: policy.timeoutMs,
        fetch: this.o.fetch,
        signal: this.shutdown.signal,
      });
      // A shutdown cut the attempt short: the request stays `delivering`; a restart resumes it.
      if (this.stopped) return;
      // NOTE: the partner may have answered while the POST was in flight; its answer stands.
      if (!progress.delivering(id)) return;
      if (outcome.kind === 'delivered') return progress.delivered(id);
      if (outcome.kind === 'refused') return progress.undeliverable(id, outcome.error);
      const delay = backoffDelay(attempt, { baseMs: policy.baseDelayMs, maxMs: policy.maxDelayMs }, this.o.random);
      if (attempt >= policy.maxAttempts || this.o.clock() + delay >= respondByMs) {
        return progress.undeliverable(id, `${outcome.error}; gave up after ${attempt} attempts`);
      }
      await progress.failed(id, outcome.error);
      this.o.logger.warn({ request: id, partner: r.partner, attempt, error: outcome.error, retry_in_ms: delay }, 'capacity request delivery failed; retrying');
      await this.sleeper.sleep(delay);
    }
  }

}

/** What the partner receives: exactly the SPEC section 6 body. */
export function webhookBody(r: Readonly<CapacityRequest>): CapacityWebhook {
  return {
    request_id: r.request_id,
    queue: r.queue,
    partner: r.partner,
    agents_requested: r.agents_requested,
    window_start: r.window_start,
    window_end: r.window_end,
    respond_by: r.respond_by,
    reason: r.reason,
  };
}
