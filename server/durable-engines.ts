/**
 * The durable embedded default (`DATA_DIR`): the event log's appends are stored in SQLite before
 * they are taken, the metrics store is rebuilt from them at start (progress in the log), capacity
 * requests, alerts and the audit trail live in the same database, and retention trims what is
 * older than `RETENTION_DAYS` (the audit trail excepted).
 */
import type { Logger } from 'pino';
import type { Clock } from '../contracts/clock.js';
import type { OpsConfig } from '../contracts/config.js';
import type { LogMessage } from '../contracts/event-log.js';
import { eventKey, type OpsEvent } from '../contracts/events.js';
import { EVENTS_TOPIC } from '../contracts/topics.js';
import { openDataDir, type DataDir } from '../streams/durable/data-dir.js';
import { readPeriodTasks } from '../streams/durable/period-tasks.js';
import { replayStoredEvents } from '../streams/durable/replay.js';
import { occurredAtOf, SqliteLogJournal } from '../streams/durable/sqlite-log-journal.js';
import { EmbeddedEventLog } from '../streams/embedded/embedded-event-log.js';
import { EmbeddedMetricsStore } from '../streams/embedded/embedded-store.js';
import { SqliteAlertStore } from './alerts/sqlite-alert-store.js';
import { SqliteAuditLog } from './audit/sqlite-audit-log.js';
import { SqliteCapacityStore } from './capacity/sqlite-capacity-store.js';

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

export interface DurableEmbedded {
  dataDir: DataDir;
  journal: SqliteLogJournal;
  log: EmbeddedEventLog;
  store: EmbeddedMetricsStore;
  capacityStore: SqliteCapacityStore;
  auditLog: SqliteAuditLog;
  alertStore: SqliteAlertStore;
  /** Task events found on disk and applied to the store at start. */
  replayed: number;
  /** Stops the retention timer and closes the database (after the log and store are closed). */
  close(): void;
}

/**
 * Retention: deletes stored appends (every topic: events, the DLQ, capacity changes published)
 * whose newest record is older than `beforeMs`, capacity requests created before it and alerts
 * last changed before it. The audit trail is kept: it outlives the history it accounts for.
 * SQLite reuses the freed pages, so the file stops growing once the first cycle has passed.
 */
export function trimBefore(dataDir: DataDir, beforeMs: number): { appends: number; capacityChanges: number; alerts: number } {
  const db = dataDir.db;
  return db.transaction(() => ({
    appends: db.prepare('DELETE FROM log_batches WHERE newest_at < ?').run(beforeMs).changes,
    capacityChanges: db.prepare('DELETE FROM capacity_changes WHERE created_at < ?').run(beforeMs).changes,
    alerts: db.prepare('DELETE FROM alerts WHERE updated_at < ?').run(beforeMs).changes,
  }))();
}

/**
 * The events retention must not take away: those of tasks still open (a task waiting longer than
 * the retention still counts in the backlog after a restart) and the latest staffing of each team
 * on each queue (staffed agents stand until changed). They are appended again, marked `carried`,
 * and so kept for another retention period; the store already holds them (a duplicate, no change).
 */
function carriedOver(journal: SqliteLogJournal, store: EmbeddedMetricsStore, beforeMs: number): LogMessage[] {
  const agedOut = journal.agedOut(EVENTS_TOPIC, beforeMs);
  if (agedOut.length === 0) return [];
  const open = new Set<string>();
  for (const t of store.engine.openTaskList()) open.add(t.task_id);
  const kept: OpsEvent[] = [];
  const staffing = new Map<string, OpsEvent>();
  for (const record of agedOut) {
    const event = JSON.parse(record.value) as OpsEvent;
    if (event.type === 'staffing.updated') {
      const key = `${event.queue}\u0000${event.team}`;
      const seen = staffing.get(key);
      if (!seen || Date.parse(seen.occurred_at) <= Date.parse(event.occurred_at)) staffing.set(key, event);
    } else if (open.has(event.task_id)) kept.push(event);
  }
  return [...kept, ...staffing.values()].map((event) => ({ key: eventKey(event), value: JSON.stringify(event), headers: { carried: 'retention' }, validated: event }));
}

/** Opens the data directory, rebuilds the store from it and starts retention. */
export async function openDurableEmbedded(o: { dir: string; retentionDays: number; config: OpsConfig; clock: Clock; logger: Logger }): Promise<DurableEmbedded> {
  const dataDir = openDataDir(o.dir);
  try {
    // Carried records (see carriedOver) are kept from when they were carried, not from when they happened.
    const journal = new SqliteLogJournal(dataDir, (topic, record, now) => (topic === EVENTS_TOPIC && !record.headers?.carried ? occurredAtOf(record, now) : now), o.clock);
    const retentionMs = o.retentionDays * DAY_MS;
    // Event ids are remembered a day longer than ingest takes events: a resent one is always a duplicate.
    const store = new EmbeddedMetricsStore(o.config, o.clock, retentionMs + DAY_MS, (fromMs, toMs) => readPeriodTasks(journal, fromMs, toMs));
    o.logger.info({ data_dir: dataDir.path, bytes: dataDir.sizeBytes() }, 'data directory open: rebuilding the metrics from the stored events');
    const { events, skipped, seconds } = await replayStoredEvents(journal, store, o.config, (p) => {
      if (!p.done) o.logger.info({ events: p.events, seconds: Math.round(p.seconds) }, 'rebuilding the metrics from the stored events...');
    });
    o.logger.info({ events, skipped, seconds: Math.round(seconds * 10) / 10 }, skipped > 0 ? 'metrics rebuilt; events of queues or teams no longer in the config were skipped' : 'metrics rebuilt from the stored events');
    const log = new EmbeddedEventLog({ journal });
    const trim = async () => {
      const cutoff = o.clock() - retentionMs;
      const carried = carriedOver(journal, store, cutoff);
      if (carried.length > 0) await log.append(EVENTS_TOPIC, carried);
      const removed = trimBefore(dataDir, cutoff);
      if (removed.appends + removed.capacityChanges + removed.alerts > 0) o.logger.info({ ...removed, carried: carried.length, retention_days: o.retentionDays }, 'retention: old data trimmed from the data directory');
    };
    // NOTE: after the replay: what is carried over depends on which tasks are still open.
    await trim();
    // NOTE: looked at every minute of real time, trimmed once per hour of the product's clock
    // (a demo or soak clock may run faster than the machine's).
    let trimmedAt = o.clock();
    const timer = setInterval(() => {
      if (o.clock() - trimmedAt < HOUR_MS) return;
      trimmedAt = o.clock();
      trim().catch((err: unknown) => o.logger.error({ err }, 'retention: trimming the data directory failed; it is tried again in an hour'));
    }, 60_000);
    timer.unref();
    return {
      dataDir,
      journal,
      log,
      store,
      capacityStore: new SqliteCapacityStore(dataDir),
      auditLog: new SqliteAuditLog(dataDir),
      alertStore: new SqliteAlertStore(dataDir),
      replayed: events,
      close() {
        clearInterval(timer);
        dataDir.close();
      },
    };
  } catch (err) {
    dataDir.close();
    throw err;
  }
}
