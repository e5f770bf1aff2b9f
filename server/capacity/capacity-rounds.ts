/**
 * The state machine of capacity rounds (SPEC section 6, issue 5). For a firing demand peak a round
 * asks the first partner contracted for the queue for the shortfall (capped by the partner's
 * `max_agents`); whatever a decline, a partial answer, silence past `respond_by` or a failed
 * delivery leaves missing goes to the next partner, in configuration order, while the escalation
 * policy says the alert still wants it. A peak that keeps firing short after a round has ended is
 * topped up by a new round, at most every `topUpMs`.
 *
 * Changes run one at a time, and each is stored (then published) by the journal before it is
 * applied and announced to listeners. A partner's answer the store did not take is refused
 * ('unavailable') and leaves the request as it was, so the partner's retry is taken. The changes
 * the loops make (created, delivered, expired, escalated) are facts whatever the store says: one
 * it did not take is kept in memory (the journal logged it) and the next stored change carries
 * the whole request.
 */
import type { Clock, IdSource } from '../../contracts/clock.js';
import type { OpsConfig, TeamConfig } from '../../contracts/config.js';
import { DomainError } from '../../contracts/errors.js';
import { OPEN_CAPACITY_STATES, type Alert, type CapacityChange, type CapacityRequest } from '../../contracts/alerts.js';
import type { Principal } from '../access.js';
import { checkAnswer } from './capacity-answer.js';
import type { CapacityJournal, StoredRequest } from './capacity-journal.js';
import { nextRequest, roundForAlert, roundOfStored, type Round } from './round-requests.js';
import { NOT_SHOWN, quoteIfOpaque } from '../../contracts/issues.js';

export interface DeskLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Whether an alert still wants capacity: a round escalates to the next partner only while it does. */
export type EscalationPolicy = (alertId: string, queue: string) => boolean;

export interface CapacityRoundsOptions {
  config: OpsConfig;
  journal: Pick<CapacityJournal, 'write'>;
  /** Domain time: windows, `respond_by`, expiry. */
  clock: Clock;
  ids: IdSource;
  logger: DeskLogger;
  stillNeeded: EscalationPolicy;
  /** How long the agents asked for are wanted, from the request on. */
  windowMs: number;
  /** A new round for an alert at most this often. */
  topUpMs: number;
  /** Starts delivering a request just created (state `delivering`); returns at once. */
  deliver(requestId: string): void;
}

/** What a change the store did not take means: an answer is refused, a loop's fact is kept. */
type IfNotStored = 'refuse' | 'keep';

const iso = (ms: number) => new Date(ms).toISOString();

export class CapacityRounds {
  private readonly requests = new Map<string, CapacityRequest>();
  private readonly seqs = new Map<string, number>();
  /** Creation order, to list requests created at the same instant newest first. */
  private readonly order = new Map<string, number>();
  private readonly rounds = new Map<string, Round>();
  private readonly listeners = new Set<(requests: CapacityRequest[]) => void>();
  /** The change in progress: the next one is decided only once it has been stored. */
  private turn: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly o: CapacityRoundsOptions) {}

  /** Partners contracted for a queue that take capacity requests, in configuration order. */
  partnersFor(queue: string): TeamConfig[] {
    return this.o.config.teams.filter((t) => t.kind === 'partner' && t.capacity && t.queues.includes(queue));
  }

  /** Takes what the store holds, oldest first (a restart); returns the requests still to deliver. */
  restore(stored: readonly StoredRequest[]): string[] {
    // A server taking the lead reloads what it relayed as a follower: the store's word replaces it.
    for (const map of [this.requests, this.seqs, this.order, this.rounds]) map.clear();
    for (const { request: r, seq } of stored) {
      this.requests.set(r.request_id, r);
      this.order.set(r.request_id, this.order.size);
      this.seqs.set(r.request_id, seq);
      // A request that escalates nothing opens a round; its escalations follow it (oldest first).
      let round = this.rounds.get(r.alert_id);
      if (!round || r.escalated_from === null) {
        round = roundOfStored(r);
        this.rounds.set(r.alert_id, round);
      }
      round.requestIds.push(r.request_id);
    }
    return [...this.requests.values()].filter((r) => r.state === 'delivering').map((r) => r.request_id);
  }

  /** Opens a round for a firing alert with a shortfall, unless one is open or was opened too recently. */
  open(alert: Alert): Promise<CapacityRequest | undefined> {
    return this.exclusive(async () => {
      if (this.closed || alert.state !== 'firing') return undefined;
      const now = this.o.clock();
      const last = this.rounds.get(alert.id);
      if (last && (now - last.startedMs < this.o.topUpMs || last.requestIds.some((id) => OPEN_CAPACITY_STATES.includes(this.requests.get(id)!.state)))) {
        return undefined;
      }
      if (alert.measures.shortfall <= 0) return undefined;
      const round = roundForAlert(alert, now, this.o.windowMs);
      this.rounds.set(alert.id, round);
      if (this.partnersFor(alert.queue).length === 0) {
        this.o.logger.warn({ alert: alert.id, queue: alert.queue }, 'demand peak: no partner is contracted for this queue; nobody to ask for capacity');
        return undefined;
      }
      return this.askNext(round, undefined);
    });
  }

  /**
   * A partner's answer; resolves once it is stored (and what it escalates too). The same answer
   * twice is answered the same; a different one, or one after `respond_by`, is a conflict.
   */
  answer(id: string, principal: Principal, body: unknown): Promise<CapacityRequest> {
    return this.exclusive(async () => {
      const r = this.requests.get(id);
      if (!r) throw new DomainError('not_found', `no capacity request ${quoteIfOpaque(id) ?? NOT_SHOWN}`);
      const { decision, committed, repeat } = checkAnswer(r, principal, body);
      if (repeat) return structuredClone(r);
      const now = iso(this.o.clock());
      try {
        await this.commit(r, { state: decision, agents_committed: committed, answered_at: now, updated_at: now }, decision, 'refuse', principal);
      } catch (err) {
        this.o.logger.error({ err, request: id, partner: r.partner, decision }, 'capacity answer refused: the store did not take it; the partner may send it again');
        throw new DomainError('unavailable', `the answer to capacity request "${id}" could not be stored; send it again`);
      }
      this.o.logger.info({ request: id, partner: r.partner, queue: r.queue, decision, agents_committed: committed }, 'capacity request answered');
      await this.escalateIfShort(r);
      return structuredClone(r);
    });
  }

  /** Expires what is past `respond_by` and escalates it. */
  expireDue(): Promise<void> {
    return this.exclusive(async () => {
      const now = this.o.clock();
      for (const r of [...this.requests.values()]) {
        if (!OPEN_CAPACITY_STATES.includes(r.state) || now < Date.parse(r.respond_by)) continue;
        const state = r.state === 'delivering' ? 'undeliverable' : 'expired';
        const last_error = state === 'undeliverable' ? 'not delivered by respond_by' : r.last_error;
        await this.commit(r, { state, last_error, updated_at: iso(now) }, state, 'keep');
        this.o.logger.warn({ request: r.request_id, partner: r.partner, queue: r.queue }, `capacity request ${state}: no answer by respond_by`);
        await this.escalateIfShort(r);
      }
    });
  }

  // What the delivery loop reads and reports (DeliveryProgress). Outcomes count only for a request
  // still `delivering`: the partner may have answered while a POST was in flight; its answer stands.

  /** The request while it is `delivering`. */
  delivering(id: string): Readonly<CapacityRequest> | undefined {
    const r = this.requests.get(id);
    return r?.state === 'delivering' ? r : undefined;
  }

  /** Counts an attempt about to be made; returns its number. NOTE: stored with the next change. */
  countAttempt(id: string): number {
    return ++this.requests.get(id)!.attempts;
  }

  delivered(id: string): Promise<void> {
    return this.ifDelivering(id, (r) => this.commit(r, { state: 'awaiting_response', last_error: null, updated_at: iso(this.o.clock()) }, 'delivered', 'keep'));
  }

  failed(id: string, error: string): Promise<void> {
    return this.ifDelivering(id, (r) => this.commit(r, { last_error: error, updated_at: iso(this.o.clock()) }, 'delivery_failed', 'keep'));
  }

  undeliverable(id: string, why: string): Promise<void> {
    return this.ifDelivering(id, async (r) => {
      await this.commit(r, { state: 'undeliverable', last_error: why, updated_at: iso(this.o.clock()) }, 'undeliverable', 'keep');
      this.o.logger.warn({ request: id, partner: r.partner, error: why }, 'capacity request undeliverable');
      await this.escalateIfShort(r);
    });
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

  /** Resolves once the changes in progress (and those queued behind them) are done. */
  async settled(): Promise<void> {
    await this.turn;
  }

  /** No new rounds or escalations from now on; answers are still taken. */
  close(): void {
    this.closed = true;
  }

  /** Takes rounds and escalations again (a server leading once more). */
  reopen(): void {
    this.closed = false;
  }

  /** A change the leading server published (a follower's view): applied when newer than what is held. */
  mirror(change: CapacityChange): Promise<void> {
    return this.exclusive(async () => {
      const id = change.request.request_id;
      if ((this.seqs.get(id) ?? 0) >= change.seq) return;
      if (!this.order.has(id)) this.order.set(id, this.order.size);
      this.requests.set(id, structuredClone(change.request));
      this.seqs.set(id, change.seq);
      const list = this.list();
      for (const listener of this.listeners) listener(list);
    });
  }

  private exclusive<T>(change: () => Promise<T>): Promise<T> {
    const run = this.turn.then(change);
    this.turn = run.catch(() => undefined);
    return run;
  }

  private ifDelivering(id: string, change: (r: CapacityRequest) => Promise<void>): Promise<void> {
    return this.exclusive(async () => {
      const r = this.requests.get(id);
      if (r?.state === 'delivering') await change(r);
    });
  }

  private async askNext(round: Round, previous: CapacityRequest | undefined): Promise<CapacityRequest | undefined> {
    const committed = round.requestIds.reduce((sum, id) => sum + (this.requests.get(id)?.agents_committed ?? 0), 0);
    const missing = round.need - committed;
    if (missing <= 0) return undefined;
    const asked = new Set(round.requestIds.map((id) => this.requests.get(id)!.partner));
    const partner = this.partnersFor(round.queue).find((p) => !asked.has(p.id));
    if (!partner) {
      this.o.logger.warn({ alert: round.alertId, queue: round.queue, missing }, 'capacity round ended short: every contracted partner was asked');
      return undefined;
    }
    const now = this.o.clock();
    const id = this.o.ids();
    const request = nextRequest(round, { id, nowMs: now, partner, missing, committed, previous });
    if (previous) await this.commit(previous, { escalated_to: id, updated_at: iso(now) }, 'escalated', 'keep');
    await this.commit(request, {}, 'created', 'keep');
    round.requestIds.push(id);
    this.o.logger.info({ request: id, partner: partner.id, queue: round.queue, agents: request.agents_requested, alert: round.alertId }, 'capacity request created');
    this.o.deliver(id);
    return structuredClone(request);
  }

  private async escalateIfShort(r: CapacityRequest): Promise<void> {
    const round = this.rounds.get(r.alert_id);
    if (!round || this.closed || r.escalated_to) return;
    if (!this.o.stillNeeded(r.alert_id, r.queue)) return;
    await this.askNext(round, r);
  }

  /**
   * Stores `patch` over `r` as change `change` (made by `by`, else the system), then applies it and
   * announces the list. Only the patched fields are applied: an attempt counted while the write
   * was in flight stays counted.
   */
  private async commit(r: CapacityRequest, patch: Partial<CapacityRequest>, change: string, ifNotStored: IfNotStored, by?: Principal): Promise<void> {
    const id = r.request_id;
    const seq = (this.seqs.get(id) ?? 0) + 1;
    const next = { ...r, ...patch };
    try {
      await this.o.journal.write({ change, seq, at: iso(this.o.clock()), request: structuredClone(next) }, by && { name: by.name, role: by.role });
    } catch (err) {
      if (ifNotStored === 'refuse') throw err;
      // The journal logged it loudly; the fact stands and the next stored change carries it.
    }
    this.seqs.set(id, seq);
    const current = this.requests.get(id);
    if (current) Object.assign(current, patch);
    else {
      this.requests.set(id, next);
      this.order.set(id, this.order.size);
    }
    const list = this.list();
    for (const listener of this.listeners) listener(list);
  }
}
