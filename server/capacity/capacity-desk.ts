/**
 * Capacity requests to partners (SPEC section 6, issue 5), as the alerting and the HTTP edge see
 * them: one desk that fits together the state machine of rounds (capacity-rounds.ts), the signed
 * delivery with its retries (capacity-delivery.ts) and the journal that stores, then publishes,
 * every change (capacity-journal.ts). Every state change is stored, then published to
 * `ops.capacity-requests`, then announced to listeners (the live push), in order; a partner's
 * answer is answered only once stored.
 */
import { randomIds, systemClock, type Clock, type IdSource } from '../../contracts/clock.js';
import type { OpsConfig, TeamConfig } from '../../contracts/config.js';
import type { EventLog } from '../../contracts/event-log.js';
import type { Alert, CapacityChange, CapacityRequest } from '../../contracts/alerts.js';
import { DomainError } from '../../contracts/errors.js';
import type { Principal } from '../access.js';
import type { AuditLog } from '../audit/audit-log.js';
import { checkAnswer } from './capacity-answer.js';
import { CapacityDelivery } from './capacity-delivery.js';
import { CapacityJournal, type JournalRetry } from './capacity-journal.js';
import { CapacityRounds, type DeskLogger, type EscalationPolicy } from './capacity-rounds.js';
import type { CapacityStore } from './capacity-store.js';
import { DEFAULT_DELIVERY, type DeliveryPolicy } from './webhook-delivery.js';
import { NOT_SHOWN, quoteIfOpaque } from '../../contracts/issues.js';

export { DEFAULT_DELIVERY, type DeliveryPolicy } from './webhook-delivery.js';
export { webhookBody } from './capacity-delivery.js';
export type { DeskLogger, EscalationPolicy } from './capacity-rounds.js';

/** Takes a partner's answer to the leading server and resolves with its reply (several servers). */
export type AnswerForward = (id: string, principal: Principal, body: unknown) => Promise<CapacityRequest>;

export interface CapacityDeskOptions {
  config: OpsConfig;
  store: CapacityStore;
  log: Pick<EventLog, 'append'>;
  /** A partner's webhook secret by the name of its environment variable. */
  secret(envName: string): string | undefined;
  /** Domain time: windows, `respond_by`, expiry. */
  clock: Clock;
  /** Real time for signature timestamps, which partners check against their own clock (default the system clock). */
  wallClock?: Clock;
  fetch?: typeof fetch;
  /** Jitter of the retry schedules (default Math.random). */
  random?: () => number;
  /** Request ids (default random UUIDs). */
  ids?: IdSource;
  logger: DeskLogger;
  delivery?: Partial<DeliveryPolicy>;
  /** Retries of a store write before a change counts as not stored (default 3 tries). */
  storeRetry?: Partial<JournalRetry>;
  /** Where requests, answers, escalations, give-ups and expiries are recorded (SPEC section 10). */
  audit?: AuditLog;
  /**
   * Whether an alert still wants capacity: a round escalates to the next partner only while it
   * does (createAlerting passes `escalateWhileFiring(book)`).
   */
  stillNeeded: EscalationPolicy;
  /** How long the agents asked for are wanted, from the request on (default 120 min). */
  windowMinutes?: number;
  /**
   * While an alert keeps firing with a shortfall after a round has ended, a new round asks again,
   * at most this often (default 15 min): a surge that keeps growing gets topped up.
   */
  topUpMinutes?: number;
  /** Headers on every change published to `ops.capacity-requests` (the deployment, for relaying servers). */
  publishHeaders?: Record<string, string>;
}

export class CapacityDesk {
  private readonly journal: CapacityJournal;
  private readonly rounds: CapacityRounds;
  private delivery: CapacityDelivery;
  private deliveryClosed = false;
  /** Set while another server leads: answers are checked here, then taken to it. */
  private forward: AnswerForward | undefined;

  constructor(private readonly o: CapacityDeskOptions) {
    const random = o.random ?? Math.random;
    this.journal = new CapacityJournal(o.store, o.log, o.logger, { retry: o.storeRetry, random, audit: o.audit, ids: o.ids, headers: o.publishHeaders });
    this.rounds = new CapacityRounds({
      config: o.config,
      journal: this.journal,
      clock: o.clock,
      ids: o.ids ?? randomIds,
      logger: o.logger,
      stillNeeded: o.stillNeeded,
      windowMs: (o.windowMinutes ?? 120) * 60_000,
      topUpMs: (o.topUpMinutes ?? 15) * 60_000,
      deliver: (id) => this.delivery.start(id),
    });
    this.delivery = this.newDelivery();
  }

  private newDelivery(): CapacityDelivery {
    const o = this.o;
    return new CapacityDelivery({
      config: o.config,
      progress: this.rounds,
      secret: o.secret,
      clock: o.clock,
      wallClock: o.wallClock ?? systemClock,
      fetch: o.fetch ?? globalThis.fetch,
      random: o.random ?? Math.random,
      policy: { ...DEFAULT_DELIVERY, ...o.delivery },
      logger: o.logger,
    });
  }

  /** Another server leads: answers are checked against this desk's view, then forwarded to it. */
  follow(forward: AnswerForward): void {
    this.forward = forward;
  }

  /** This server leads (again): rounds and deliveries run here; `restore()` next resumes them. */
  lead(): void {
    this.forward = undefined;
    this.rounds.reopen();
    if (this.deliveryClosed) this.delivery = this.newDelivery();
    this.deliveryClosed = false;
  }

  /** A change the leading server published, shown by a follower. */
  mirror(change: CapacityChange): Promise<void> {
    return this.rounds.mirror(change);
  }

  /** Partners contracted for a queue that take capacity requests, in configuration order. */
  partnersFor(queue: string): TeamConfig[] {
    return this.rounds.partnersFor(queue);
  }

  /** Loads what the store holds (a restart): open rounds continue, deliveries in progress resume. */
  async restore(): Promise<void> {
    const stored = await this.journal.load(this.o.clock() - 7 * 24 * 3600_000);
    // NOTE: only the leading server delivers; a follower shows what the store holds.
    for (const id of this.rounds.restore(stored)) if (!this.forward) this.delivery.start(id);
  }

  /**
   * Opens a round for a firing alert with a shortfall: when it fires, and again (a top-up) when
   * the last round has ended and `topUpMinutes` have passed. The alerting calls it on every
   * evaluation; most calls do nothing. Returns the first request of a new round, once stored.
   */
  requestCapacity(alert: Alert): Promise<CapacityRequest | undefined> {
    return this.rounds.open(alert);
  }

  /**
   * A partner's answer (`POST /api/capacity-requests/:id/response`); resolves once it is stored.
   * Throws a DomainError: 'not_found', 'forbidden', 'invalid', 'conflict' (answered otherwise, or
   * after `respond_by`), or 'unavailable' when the store did not take it (the request is left as
   * it was: the partner's retry is taken).
   */
  async respond(id: string, principal: Principal, body: unknown): Promise<CapacityRequest> {
    const forward = this.forward;
    if (!forward) return this.rounds.answer(id, principal, body);
    // NOTE: the same checks as the leader's, against this server's view, so a wrong answer gets the
    // same status without a trip; the leader checks again against its own before it stores anything.
    const r = this.rounds.get(id);
    if (!r) throw new DomainError('not_found', `no capacity request ${quoteIfOpaque(id) ?? NOT_SHOWN}`);
    if (checkAnswer(r, principal, body).repeat) return r;
    return forward(id, principal, body);
  }

  /** Expires what is past `respond_by` and escalates it; the alerting calls this every evaluation. */
  tick(): Promise<void> {
    return this.rounds.expireDue();
  }

  /** Requests of the last 24 hours and every open one, newest first. */
  list(): CapacityRequest[] {
    return this.rounds.list();
  }

  get(id: string): CapacityRequest | undefined {
    return this.rounds.get(id);
  }

  /** Calls `listener` with the whole list after every change. */
  onChange(listener: (requests: CapacityRequest[]) => void): () => void {
    return this.rounds.onChange(listener);
  }

  /** Resolves once deliveries in flight and stored/published changes have settled. */
  async idle(): Promise<void> {
    // A change may start a delivery (an escalation) and a delivery makes changes: until both rest.
    do {
      await this.delivery.idle();
      await this.rounds.settled();
    } while (this.delivery.busy);
    await this.journal.settled();
  }

  /** Stops retrying, waits for attempts in flight and for the changes to be stored. */
  async close(): Promise<void> {
    this.rounds.close();
    this.deliveryClosed = true;
    await this.delivery.close();
    await this.idle();
  }
}
