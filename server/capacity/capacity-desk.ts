/**
 * Capacity requests to partners (SPEC section 6, issue 5). For a firing demand peak the desk opens
 * a round: it asks the first partner contracted for the queue for the shortfall (capped by the
 * partner's `max_agents`), and whatever a decline, a partial answer, silence past `respond_by` or
 * a failed delivery leaves missing goes to the next partner, in configuration order.
 *
 * Delivery: a signed POST (Standard Webhooks) to the partner's `webhook_url`, retried on timeouts,
 * network errors and 5xx with capped exponential backoff and full jitter, never on 4xx. Every
 * attempt carries the same `webhook-id` (the `request_id`), so a partner sees one request however
 * often it arrives. Every state change is stored, then published to `ops.capacity-requests`, then
 * announced to listeners (the live push), in order.
 */
import { randomIds, systemClock, type IdSource } from '../../contracts/clock.js';
import type { Principal } from '../access.js';
import type { OpsConfig, TeamConfig } from '../../contracts/config.js';
import type { EventLog } from '../../contracts/event-log.js';
import {
  OPEN_CAPACITY_STATES,
  type Alert,
  type CapacityChange,
  type CapacityRequest,
  type CapacityWebhook,
} from '../../contracts/alerts.js';
import { CapacityError, checkAnswer } from './capacity-answer.js';
import { CapacityJournal } from './capacity-journal.js';
import type { CapacityStore } from './capacity-store.js';
import { DEFAULT_DELIVERY, postSigned, type DeliveryPolicy } from './webhook-delivery.js';
import { backoffDelay } from '../../streams/backoff.js';

export { DEFAULT_DELIVERY, type DeliveryPolicy } from './webhook-delivery.js';

export interface DeskLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface CapacityDeskOptions {
  config: OpsConfig;
  store: CapacityStore;
  log: Pick<EventLog, 'append'>;
  /** A partner's webhook secret by the name of its environment variable. */
  secret(envName: string): string | undefined;
  /** Domain time: windows, `respond_by`, expiry. */
  clock: () => number;
  /** Real time for signature timestamps, which partners check against their own clock (default Date.now). */
  wallClock?: () => number;
  fetch?: typeof fetch;
  random?: () => number;
  /** Request ids (default random UUIDs). */
  ids?: IdSource;
  logger: DeskLogger;
  delivery?: Partial<DeliveryPolicy>;
  /** How long the agents asked for are wanted, from the request on (default 120 min). */
  windowMinutes?: number;
  /**
   * While an alert keeps firing with a shortfall after a round has ended, a new round asks again,
   * at most this often (default 15 min): a surge that keeps growing gets topped up.
   */
  topUpMinutes?: number;
}

export { CapacityError } from './capacity-answer.js';

/** One round of asking partners for one alert: a first request and its escalations. */
interface Round {
  alertId: string;
  queue: string;
  startedMs: number;
  need: number;
  windowEndMs: number;
  reason: Omit<CapacityRequest['reason'], 'committed_elsewhere'>;
  requestIds: string[];
}

const iso = (ms: number) => new Date(ms).toISOString();

export class CapacityDesk {
  private readonly requests = new Map<string, CapacityRequest>();
  private readonly seqs = new Map<string, number>();
  /** Creation order, to list requests created at the same instant newest first. */
  private readonly order = new Map<string, number>();
  private readonly rounds = new Map<string, Round>();
  private readonly listeners = new Set<(requests: CapacityRequest[]) => void>();
  private readonly deliveries = new Set<Promise<void>>();
  private readonly sleeps = new Set<() => void>();
  private readonly journal: CapacityJournal;
  private readonly shutdown = new AbortController();
  private closed = false;
  private readonly policy: DeliveryPolicy;
  private readonly fetch: typeof fetch;
  private readonly random: () => number;
  private readonly wallClock: () => number;
  private readonly ids: IdSource;
  private readonly windowMs: number;
  private readonly topUpMs: number;
  /** Whether an alert still wants capacity; escalation stops once it resolved. Set by the alerting. */
  stillNeeded: (alertId: string, queue: string) => boolean = () => true;

  constructor(private readonly o: CapacityDeskOptions) {
    this.policy = { ...DEFAULT_DELIVERY, ...o.delivery };
    this.fetch = o.fetch ?? globalThis.fetch;
    this.random = o.random ?? Math.random;
    this.wallClock = o.wallClock ?? systemClock;
    this.ids = o.ids ?? randomIds;
    this.windowMs = (o.windowMinutes ?? 120) * 60_000;
    this.topUpMs = (o.topUpMinutes ?? 15) * 60_000;
    this.journal = new CapacityJournal(o.store, o.log, o.logger);
  }

  /** Partners contracted for a queue that take capacity requests, in configuration order. */
  partnersFor(queue: string): TeamConfig[] {
    return this.o.config.teams.filter((t) => t.kind === 'partner' && t.capacity && t.queues.includes(queue));
  }

  /** Loads what the store holds (a restart): open rounds continue, deliveries in progress resume. */
  async restore(): Promise<void> {
    const now = this.o.clock();
    const stored = (await this.o.store.latest(now - 7 * 24 * 3600_000)).reverse();
    for (const r of stored) {
      this.requests.set(r.request_id, r);
      this.order.set(r.request_id, this.order.size);
      // TRICKY: the store's seq must keep growing across restarts, or changes would sort wrong.
      const changes = await this.o.store.changes(r.request_id);
      this.seqs.set(r.request_id, changes.length === 0 ? 0 : changes[changes.length - 1].seq);
      // A request that escalates nothing opens a round; its escalations follow it (oldest first).
      let round = this.rounds.get(r.alert_id);
      if (!round || r.escalated_from === null) {
        const { committed_elsewhere: _, ...reason } = r.reason;
        const need = reason.agents_needed - reason.staffed_agents;
        round = { alertId: r.alert_id, queue: r.queue, startedMs: Date.parse(r.created_at), need, windowEndMs: Date.parse(r.window_end), reason, requestIds: [] };
        this.rounds.set(r.alert_id, round);
      }
      round.requestIds.push(r.request_id);
    }
    for (const r of this.requests.values()) if (r.state === 'delivering') this.startDelivery(r.request_id);
  }

  /**
   * Opens a round for a firing alert with a shortfall: when it fires, and again (a top-up) when
   * the last round has ended and `topUpMinutes` have passed. The alerting calls it on every
   * evaluation; most calls do nothing. Returns the first request of a new round.
   */
  async requestCapacity(alert: Alert): Promise<CapacityRequest | undefined> {
    if (this.closed || alert.state !== 'firing') return undefined;
    const now = this.o.clock();
    const last = this.rounds.get(alert.id);
    if (last && (now - last.startedMs < this.topUpMs || last.requestIds.some((id) => OPEN_CAPACITY_STATES.includes(this.requests.get(id)!.state)))) {
      return undefined;
    }
    const m = alert.measures;
    if (m.shortfall <= 0) return undefined;
    const round: Round = {
      alertId: alert.id,
      queue: alert.queue,
      startedMs: now,
      need: m.shortfall,
      windowEndMs: this.o.clock() + this.windowMs,
      reason: {
        kind: alert.kind,
        alert_id: alert.id,
        agents_needed: m.agents_needed,
        staffed_agents: m.staffed_agents,
        forecast_next_60m: m.forecast_next_60m,
        projected_sla: m.projected_sla,
        sla_goal: m.sla_goal,
        time_to_breach_minutes: m.time_to_breach_minutes,
      },
      requestIds: [],
    };
    this.rounds.set(alert.id, round);
    if (this.partnersFor(alert.queue).length === 0) {
      this.o.logger.warn({ alert: alert.id, queue: alert.queue }, 'demand peak: no partner is contracted for this queue; nobody to ask for capacity');
      return undefined;
    }
    return this.askNext(round, undefined);
  }

  /**
   * A partner's answer (`POST /api/capacity-requests/:id/response`). The same answer twice is
   * answered the same (idempotent); a different one, or one after `respond_by`, is a conflict.
   */
  async respond(id: string, principal: Principal, body: unknown): Promise<CapacityRequest> {
    const r = this.requests.get(id);
    if (!r) throw new CapacityError(404, `no capacity request "${id}"`);
    const { decision, committed, repeat } = checkAnswer(r, principal, body);
    if (repeat) return structuredClone(r);
    const now = this.o.clock();
    Object.assign(r, { state: decision, agents_committed: committed, answered_at: iso(now), updated_at: iso(now) });
    this.changed(r, decision);
    this.o.logger.info({ request: id, partner: r.partner, queue: r.queue, decision, agents_committed: committed }, 'capacity request answered');
    await this.escalateIfShort(r);
    return structuredClone(r);
  }

  /** Expires what is past `respond_by` and escalates it; the alerting calls this every evaluation. */
  async tick(): Promise<void> {
    const now = this.o.clock();
    for (const r of [...this.requests.values()]) {
      if (!OPEN_CAPACITY_STATES.includes(r.state) || now < Date.parse(r.respond_by)) continue;
      const state = r.state === 'delivering' ? 'undeliverable' : 'expired';
      Object.assign(r, { state, updated_at: iso(now), last_error: state === 'undeliverable' ? 'not delivered by respond_by' : r.last_error });
      this.changed(r, state);
      this.o.logger.warn({ request: r.request_id, partner: r.partner, queue: r.queue }, `capacity request ${state}: no answer by respond_by`);
      await this.escalateIfShort(r);
    }
  }

  /** Requests of the last 24 hours and every open one, newest first. */
  list(): CapacityRequest[] {
    const since = this.o.clock() - 24 * 3600_000;
    return [...this.requests.values()]
      .filter((r) => OPEN_CAPACITY_STATES.includes(r.state) || Date.parse(r.created_at) >= since)
      .sort((a, b) => b.created_at.localeCompare(a.created_at) || this.order.get(b.request_id)! - this.order.get(a.request_id)!)
      .map((r) => structuredClone(r));
  }

  get(id: string): CapacityRequest | undefined {
    const r = this.requests.get(id);
    return r && structuredClone(r);
  }

  /** Calls `listener` with the whole list after every change. */
  onChange(listener: (requests: CapacityRequest[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once deliveries in flight and stored/published changes have settled. */
  async idle(): Promise<void> {
    while (this.deliveries.size > 0) await Promise.allSettled([...this.deliveries]);
    await this.journal.settled();
  }

  /** Stops retrying, waits for attempts in flight and for the changes to be stored. */
  async close(): Promise<void> {
    this.closed = true;
    this.shutdown.abort();
    for (const wake of this.sleeps) wake();
    await this.idle();
  }

  private async askNext(round: Round, previous: CapacityRequest | undefined): Promise<CapacityRequest | undefined> {
    const committed = this.committed(round);
    const missing = round.need - committed;
    const asked = new Set(round.requestIds.map((id) => this.requests.get(id)!.partner));
    const partner = this.partnersFor(round.queue).find((p) => !asked.has(p.id));
    if (missing <= 0) return undefined;
    if (!partner) {
      this.o.logger.warn({ alert: round.alertId, queue: round.queue, missing }, 'capacity round ended short: every contracted partner was asked');
      return undefined;
    }
    const now = this.o.clock();
    const capacity = partner.capacity!;
    const id = this.ids();
    const request: CapacityRequest = {
      request_id: id,
      queue: round.queue,
      partner: partner.id,
      agents_requested: Math.min(missing, capacity.max_agents),
      window_start: iso(now),
      window_end: iso(Math.max(round.windowEndMs, now + 15 * 60_000)),
      respond_by: iso(now + capacity.respond_within_seconds * 1000),
      reason: { ...round.reason, committed_elsewhere: committed },
      alert_id: round.alertId,
      partner_name: partner.name,
      state: 'delivering',
      agents_committed: null,
      attempts: 0,
      last_error: null,
      created_at: iso(now),
      updated_at: iso(now),
      answered_at: null,
      escalated_from: previous?.request_id ?? null,
      escalated_to: null,
    };
    this.requests.set(id, request);
    this.order.set(id, this.order.size);
    round.requestIds.push(id);
    if (previous) {
      previous.escalated_to = id;
      previous.updated_at = iso(now);
      this.changed(previous, 'escalated');
    }
    this.changed(request, 'created');
    this.o.logger.info({ request: id, partner: partner.id, queue: round.queue, agents: request.agents_requested, alert: round.alertId }, 'capacity request created');
    this.startDelivery(id);
    return structuredClone(request);
  }

  private committed(round: Round): number {
    return round.requestIds.reduce((sum, id) => sum + (this.requests.get(id)?.agents_committed ?? 0), 0);
  }

  private async escalateIfShort(r: CapacityRequest): Promise<void> {
    const round = this.rounds.get(r.alert_id);
    if (!round || this.closed || r.escalated_to) return;
    if (!this.stillNeeded(r.alert_id, r.queue)) return;
    await this.askNext(round, r);
  }

  private startDelivery(id: string): void {
    const run = this.deliver(id)
      .catch((err: unknown) => this.o.logger.error({ err, request: id }, 'capacity delivery failed unexpectedly'))
      .finally(() => this.deliveries.delete(run));
    this.deliveries.add(run);
  }

  private async deliver(id: string): Promise<void> {
    const r = this.requests.get(id)!;
    const capacity = this.o.config.teamIndex.get(r.partner)!.capacity!;
    const body = JSON.stringify(webhookBody(r));
    while (!this.closed && r.state === 'delivering') {
      const secret = this.o.secret(capacity.secret_env);
      if (!secret) return this.giveUp(r, `the webhook secret ${capacity.secret_env} is not set`);
      r.attempts++;
      const outcome = await postSigned({
        url: capacity.webhook_url,
        secret,
        id: r.request_id,
        body,
        at: new Date(this.wallClock()),
        timeoutMs: this.policy.timeoutMs,
        fetch: this.fetch,
        signal: this.shutdown.signal,
      });
      // A shutdown cut the attempt short: the request stays `delivering`; a restart resumes it.
      if (this.closed) return;
      // NOTE: the partner may have answered while the POST was in flight; its answer stands.
      if (r.state !== 'delivering') return;
      if (outcome.kind === 'delivered') {
        Object.assign(r, { state: 'awaiting_response', last_error: null, updated_at: iso(this.o.clock()) });
        this.changed(r, 'delivered');
        return;
      }
      if (outcome.kind === 'refused') return this.giveUp(r, outcome.error);
      const delay = backoffDelay(r.attempts, { baseMs: this.policy.baseDelayMs, maxMs: this.policy.maxDelayMs }, this.random);
      if (r.attempts >= this.policy.maxAttempts || this.o.clock() + delay >= Date.parse(r.respond_by)) {
        return this.giveUp(r, `${outcome.error}; gave up after ${r.attempts} attempts`);
      }
      Object.assign(r, { last_error: outcome.error, updated_at: iso(this.o.clock()) });
      this.changed(r, 'delivery_failed');
      this.o.logger.warn({ request: id, partner: r.partner, attempt: r.attempts, error: outcome.error, retry_in_ms: Math.round(delay) }, 'capacity request delivery failed; retrying');
      await this.sleep(delay);
    }
  }

  private async giveUp(r: CapacityRequest, why: string): Promise<void> {
    if (r.state !== 'delivering') return;
    Object.assign(r, { state: 'undeliverable', last_error: why, updated_at: iso(this.o.clock()) });
    this.changed(r, 'undeliverable');
    this.o.logger.warn({ request: r.request_id, partner: r.partner, error: why }, 'capacity request undeliverable');
    await this.escalateIfShort(r);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleeps.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleeps.add(wake);
    });
  }

  /** Stores, publishes and announces a change, in order of changes. */
  private changed(r: CapacityRequest, change: string): void {
    const seq = (this.seqs.get(r.request_id) ?? 0) + 1;
    this.seqs.set(r.request_id, seq);
    const record: CapacityChange = { change, seq, at: iso(this.o.clock()), request: structuredClone(r) };
    this.journal.write(record);
    const list = this.list();
    for (const listener of this.listeners) listener(list);
  }
}

/** What the partner receives: exactly the SPEC section 6 body. */
export function webhookBody(r: CapacityRequest): CapacityWebhook {
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
