/**
 * The alerting loop (SPEC section 6): every `evaluateEveryMs` it reads the snapshot and the last
 * minutes of arrivals from the `MetricsStore`, forecasts each queue, applies the demand-peak rule,
 * moves the alert lifecycle, opens a capacity round when an alert fires, and expires unanswered
 * capacity requests. It also fills `agents_needed` and `time_to_breach_minutes` into snapshots,
 * so both stores stay as they are.
 *
 * With several servers only the leading one runs the loop (server/leadership): the others
 * `follow`, showing the book it publishes (`mirror`) and forwarding acknowledgements to it.
 */
import { randomIds, type IdSource } from '../../contracts/clock.js';
import type { OpsConfig } from '../../contracts/config.js';
import type { MetricsSnapshot } from '../../contracts/metrics-snapshot.js';
import type { MetricsStore } from '../../streams/metrics-store.js';
import type { Principal } from '../access.js';
import { principalQueues } from '../views.js';
import type { AuditLog } from '../audit/audit-log.js';
import { acknowledgementRecord } from '../audit/audit-records.js';
import { DomainError } from '../../contracts/errors.js';
import type { AnswerForward, CapacityDesk, DeskLogger, EscalationPolicy } from '../capacity/capacity-desk.js';
import type { AlertBookMessage } from '../../contracts/alert-book-message.js';
import type { AlertBook, AlertTransition } from './alert-book.js';
import type { AlertStore } from './alert-store.js';
import type { Alert, PeakMeasures } from '../../contracts/alerts.js';
import { withGuidance } from './alert-guidance.js';
import { assessDemandPeak, describePeak, DEFAULT_PEAK_RULE, type PeakRule } from './demand-peak.js';
import { DEFAULT_FORECAST, forecastArrivals, INTERVAL_MS, type ArrivalSeries, type ForecastOptions } from './forecast.js';
import { ArrivalReader } from './arrival-reader.js';
import { NOT_SHOWN, quoteIfOpaque } from '../../contracts/issues.js';

export interface AlertingOptions {
  config: OpsConfig;
  store: Pick<MetricsStore, 'snapshot' | 'history'>;
  /** The alert lifecycle; the desk's escalation policy reads the same book (createAlerting). */
  book: AlertBook;
  desk: CapacityDesk;
  clock: () => number;
  logger: DeskLogger;
  /** Default 15 s. */
  evaluateEveryMs?: number;
  rule?: Partial<PeakRule>;
  forecast?: Partial<ForecastOptions>;
  /** History read at the first evaluation (default 7 days, the most the stores keep). */
  bootstrapMinutes?: number;
  /** Minutes re-read at every evaluation, so late events count (default 30). */
  refreshMinutes?: number;
  /** Counts notifications (Prometheus). */
  onNotify?(alert: Alert): void;
  /** Where acknowledgements are recorded (SPEC section 10); the product always passes one. */
  audit?: AuditLog;
  /** Audit record ids (default random UUIDs). */
  ids?: IdSource;
  /** Where the book is kept across restarts (the durable embedded default). */
  alertStore?: AlertStore;
  /** Publishes the book and the latest measures after every evaluation and acknowledgement (several servers). */
  share?(message: AlertBookMessage): void;
}

/** How a follower takes acknowledgements and answers to the leading server. */
export interface Forward {
  acknowledge(id: string, principal: Principal, comment: string | undefined): Promise<Alert>;
  respond: AnswerForward;
}

export class Alerting {
  readonly book: AlertBook;
  readonly desk: CapacityDesk;
  private readonly arrivals: ArrivalReader;
  private readonly latest = new Map<string, PeakMeasures>();
  private readonly listeners = new Set<(alerts: Alert[]) => void>();
  private readonly rule: PeakRule;
  private readonly forecastOptions: ForecastOptions;
  private running: Promise<void> | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private forward: Forward | undefined;

  constructor(private readonly o: AlertingOptions) {
    this.book = o.book;
    this.desk = o.desk;
    this.rule = { ...DEFAULT_PEAK_RULE, ...o.rule };
    this.forecastOptions = { ...DEFAULT_FORECAST, ...o.forecast };
    // Retention: the forecast's weeks plus a day of ratio window.
    const minutes = (this.forecastOptions.weeks * 7 + 2) * 24 * 60;
    const { bootstrapMinutes, refreshMinutes } = o;
    this.arrivals = new ArrivalReader({ queues: o.config.queues.map((q) => q.id), store: o.store, keepMinutes: minutes, bootstrapMinutes, refreshMinutes });
    // A partner's answer changes what the alert says (covered, the next action): the wall hears it.
    o.desk.onChange(() => this.announce());
  }

  /** Starts evaluating every `evaluateEveryMs` (the first one at once). */
  start(): void {
    if (this.timer) return;
    const run = () => void this.evaluate().catch((err: unknown) => this.o.logger.error({ err }, 'alert evaluation failed; the next one retries'));
    this.timer = setInterval(run, this.o.evaluateEveryMs ?? 15_000);
    this.timer.unref?.();
    run();
  }

  /** Stops the loop and the desk (retries end; stored changes settle). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
    await this.desk.close();
  }

  /** Another server leads: the loop stops here; acknowledgements and answers are checked, then forwarded. */
  async follow(forward: Forward): Promise<void> {
    await this.stop();
    this.forward = forward;
    this.desk.follow(forward.respond);
  }

  /** This server leads: the desk reloads what the store holds and resumes; the loop runs on the book as relayed. */
  async lead(): Promise<void> {
    this.forward = undefined;
    this.desk.lead();
    await this.desk.restore();
    // The series missed what happened while another server led: read the history again.
    this.arrivals.rewind();
    this.start();
  }

  /** What the leading server published: shown as it stands. */
  mirror(message: AlertBookMessage): void {
    if (!this.forward) return;
    this.book.replace(message.alerts);
    this.latest.clear();
    for (const [queue, measures] of message.measures) this.latest.set(queue, measures);
    this.announce();
  }

  /** One evaluation of every queue; concurrent calls share the one in progress. */
  evaluate(): Promise<void> {
    this.running ??= this.evaluateOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async evaluateOnce(): Promise<void> {
    const now = this.o.clock();
    await this.arrivals.read(now);
    const snapshot = await this.o.store.snapshot(now);
    const transitions: AlertTransition[] = [];
    for (const row of snapshot.queues) {
      const queue = this.o.config.queueIndex.get(row.queue)!;
      const series = this.arrivals.of(row.queue)!;
      const forecast = forecastArrivals(series, now, this.forecastOptions);
      const { verdict, measures } = assessDemandPeak(
        { queue, metrics: row, forecast, arrivalsLast15m: series.sum(now - INTERVAL_MS, now) },
        this.rule,
      );
      this.latest.set(row.queue, measures);
      transitions.push(...this.book.observe({ kind: 'demand-peak', queue: row.queue, queueName: queue.name, verdict, measures, summary: describePeak(queue.name, measures) }));
    }
    for (const t of transitions) await this.react(t);
    await this.desk.tick();
    // A peak that keeps firing short of agents after a round ended gets topped up (the desk paces it).
    for (const alert of this.book.list()) {
      if (alert.state !== 'firing') continue;
      const request = await this.desk.requestCapacity(alert);
      if (request) {
        this.book.linkCapacityRequest(alert.id, request.request_id);
        transitions.push({ change: 'updated', alert });
      }
    }
    if (transitions.length > 0) {
      await this.persist();
      this.announce();
    }
    this.share();
  }

  /**
   * The arrivals series and forecast settings the alerting forecasts `queue` with (the lead's
   * forecast chart). A server not running the loop (it follows another), or whose loop has not
   * read its first history yet (just started), reads the store first.
   */
  async forecastInput(queue: string): Promise<{ series: ArrivalSeries; options: ForecastOptions } | undefined> {
    if (!this.timer || !this.arrivals.ready) await this.arrivals.read(this.o.clock());
    const series = this.arrivals.of(queue);
    return series && { series, options: this.forecastOptions };
  }

  private share(): void {
    this.o.share?.({ published_at: this.o.clock(), alerts: this.book.stored(), measures: [...this.latest] });
  }

  /** Stores the book as it now stands; a failure is logged loudly and the next change stores it whole again. */
  private async persist(): Promise<void> {
    if (!this.o.alertStore) return;
    try {
      await this.o.alertStore.save(this.book.stored());
    } catch (err) {
      this.o.logger.error({ err }, 'alerts NOT stored: they hold in memory, and the next change stores them again');
    }
  }

  private async react(t: AlertTransition): Promise<void> {
    const a = t.alert;
    switch (t.change) {
      case 'pending':
        this.o.logger.info({ alert: a.id, queue: a.queue, measures: a.measures }, 'demand peak pending');
        return;
      case 'firing': {
        this.o.logger.warn({ alert: a.id, queue: a.queue, measures: a.measures }, `demand peak FIRING: ${a.summary}`);
        const request = await this.desk.requestCapacity(a);
        if (request) this.book.linkCapacityRequest(a.id, request.request_id);
        return;
      }
      case 'notified':
        this.o.logger.warn({ alert: a.id, queue: a.queue, notifications: a.notifications }, `ALERT ${a.summary}`);
        this.o.onNotify?.(a);
        return;
      case 'resolved':
        this.o.logger.info({ alert: a.id, queue: a.queue }, 'demand peak resolved');
        return;
      default:
    }
  }

  /** Fills `agents_needed` and `time_to_breach_minutes` from the last evaluation. */
  enrich(snapshot: MetricsSnapshot): MetricsSnapshot {
    if (this.latest.size === 0) return snapshot;
    return {
      ...snapshot,
      queues: snapshot.queues.map((q) => {
        const m = this.latest.get(q.queue);
        return m ? { ...q, agents_needed: m.agents_needed, time_to_breach_minutes: m.time_to_breach_minutes } : q;
      }),
    };
  }

  /** Open and recent alerts; firing ones carry their guidance (alert-guidance.ts). */
  alerts(): Alert[] {
    return withGuidance(this.book.list(), this.desk.list(), { config: this.o.config, latest: this.latest, now: this.o.clock() });
  }

  /**
   * A lead acknowledges an alert of a queue its teams serve; resolves once its audit record is
   * stored, and only then is it applied and announced. A store that refuses it: 'unavailable',
   * nothing changed. A book save that fails after it is repaired from the trail on a restart
   * (acknowledgement-recovery.ts).
   */
  async acknowledge(id: string, principal: Principal, comment: string | undefined): Promise<Alert> {
    const alert = this.book.get(id);
    if (!alert) throw new DomainError('not_found', `no alert ${quoteIfOpaque(id) ?? NOT_SHOWN}`);
    const visible = principalQueues(this.o.config, principal);
    if (visible && !visible.has(alert.queue)) throw new DomainError('forbidden', `alert "${id}" is about a queue ${principal.sites ? 'of a site or team this token may not see' : 'your teams do not serve'}`);
    const ack = this.book.acknowledgementFor(id, principal.name, comment);
    // NOTE: checked here as the leader would; the leader stores it (and checks again) and answers.
    if (this.forward) return this.forward.acknowledge(id, principal, comment);
    if (this.o.audit) {
      try {
        await this.o.audit.append([acknowledgementRecord(alert, { name: principal.name, role: principal.role }, ack, this.o.ids ?? randomIds)]);
      } catch (err) {
        this.o.logger.error({ err, alert: id, by: principal.name }, 'acknowledgement refused: its audit record was not stored');
        throw new DomainError('unavailable', `the acknowledgement of alert "${id}" could not be stored; send it again`);
      }
    }
    const t = this.book.addAcknowledgement(id, ack);
    // NOTE: the comment is free text a person typed: it goes to the audit trail, never to the log.
    this.o.logger.info({ alert: id, by: principal.name, with_comment: ack.comment !== null }, 'alert acknowledged');
    await this.persist();
    this.announce();
    this.share();
    return this.alerts().find((a) => a.id === id) ?? t.alert;
  }

  /** The queues served by any of these teams. */
  queuesOfTeams(teams: readonly string[]): Set<string> {
    return new Set(teams.flatMap((t) => this.o.config.teamIndex.get(t)?.queues ?? []));
  }

  /** Calls `listener` with the whole list whenever an alert changes. */
  onChange(listener: (alerts: Alert[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private announce(): void {
    const list = this.alerts();
    for (const listener of this.listeners) listener(list);
  }
}

/**
 * The desk's escalation policy over an alert book: a round asks the next partner only while its
 * alert fires. NOTE: after a restart the desk holds rounds of alerts this process never raised:
 * the queue's demand peak firing again stands for them.
 */
export function escalateWhileFiring(book: Pick<AlertBook, 'get' | 'openFor'>): EscalationPolicy {
  return (alertId, queue) => (book.get(alertId) ?? book.openFor('demand-peak', queue))?.state === 'firing';
}
