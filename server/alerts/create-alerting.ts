/**
 * Builds the alerting and its capacity desk from plain values: the one place that knows how the
 * alert book, the desk (with its escalation policy over that book) and the loop fit together. The
 * composition root (server/product.ts) and tests call it alike.
 */
import type { IdSource, Clock } from '../../contracts/clock.js';
import type { OpsConfig } from '../../contracts/config.js';
import type { Alert } from '../../contracts/alerts.js';
import type { EventLog } from '../../contracts/event-log.js';
import type { MetricsStore } from '../../streams/metrics-store.js';
import { CapacityDesk, type DeskLogger, type DeliveryPolicy } from '../capacity/capacity-desk.js';
import type { JournalRetry } from '../capacity/capacity-journal.js';
import type { CapacityStore } from '../capacity/capacity-store.js';
import type { AuditLog } from '../audit/audit-log.js';
import { recoverAcknowledgements } from './acknowledgement-recovery.js';
import { AlertBook, type AlertBookOptions } from './alert-book.js';
import { Alerting, escalateWhileFiring, type Forward } from './alerting.js';
import type { AlertBookMessage } from '../../contracts/alert-book-message.js';
import type { AlertStore } from './alert-store.js';

export interface AlertingDeps {
  config: OpsConfig;
  store: Pick<MetricsStore, 'snapshot' | 'history'>;
  capacityStore: CapacityStore;
  log: Pick<EventLog, 'append'>;
  /** A partner's webhook secret by the name of its environment variable. */
  secret(envName: string): string | undefined;
  /** Domain time: windows, `respond_by`, expiry, alert lifecycle. */
  clock: Clock;
  /** Real time for signature timestamps, which partners check against their own clock. */
  wallClock?: Clock;
  ids?: IdSource;
  random?: () => number;
  fetch?: typeof fetch;
  delivery?: Partial<DeliveryPolicy>;
  /** Retries of a capacity store write before a change counts as not stored. */
  storeRetry?: Partial<JournalRetry>;
  /** Hold, clear and notification pacing of the alert lifecycle (defaults in alert-book.ts). */
  lifecycle?: Omit<AlertBookOptions, 'clock'>;
  logger: DeskLogger;
  /** Default 15 s. */
  evaluateEveryMs?: number;
  onNotify?(alert: Alert): void;
  /** The audit trail: acknowledgements and capacity changes are recorded there (SPEC section 10). */
  audit?: AuditLog;
  /** Where alerts are kept across restarts (the durable embedded default); restored here. */
  alertStore?: AlertStore;
  /** Several servers: starts as a follower of another server, forwarding to it (it leads later, if elected). */
  follow?: Forward;
  /** Several servers: publishes the book after every evaluation and acknowledgement. */
  share?(message: AlertBookMessage): void;
  /** Several servers: headers on every published capacity change (the deployment). */
  publishHeaders?: Record<string, string>;
}

/** Stored alerts looked at on a restart: the book keeps what it lists (open, and resolved within a day). */
const RESTORE_WINDOW_MS = 7 * 24 * 3600_000;

/** The alerting with its desk; stored capacity requests are restored before it returns. */
export async function createAlerting(d: AlertingDeps): Promise<Alerting> {
  const book = new AlertBook({ ...d.lifecycle, clock: d.clock });
  if (d.alertStore) {
    book.restore(await d.alertStore.load(d.clock() - RESTORE_WINDOW_MS));
    if (d.audit) await recoverAcknowledgements(book, d.audit, d.alertStore, d.clock() - RESTORE_WINDOW_MS, d.logger);
  }
  const desk = new CapacityDesk({
    config: d.config,
    store: d.capacityStore,
    log: d.log,
    secret: d.secret,
    clock: d.clock,
    wallClock: d.wallClock,
    ids: d.ids,
    random: d.random,
    fetch: d.fetch,
    delivery: d.delivery,
    storeRetry: d.storeRetry,
    audit: d.audit,
    logger: d.logger,
    stillNeeded: escalateWhileFiring(book),
    publishHeaders: d.publishHeaders,
  });
  // A follower loads the store's requests to show them; only a leader resumes their deliveries.
  if (d.follow) desk.follow(d.follow.respond);
  await desk.restore();
  const alerting = new Alerting({
    config: d.config,
    store: d.store,
    book,
    desk,
    clock: d.clock,
    logger: d.logger,
    evaluateEveryMs: d.evaluateEveryMs,
    onNotify: d.onNotify,
    audit: d.audit,
    ids: d.ids,
    alertStore: d.alertStore,
    share: d.share,
  });
  if (d.follow) await alerting.follow(d.follow);
  return alerting;
}
