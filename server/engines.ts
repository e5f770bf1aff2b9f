/**
 * The engines the product runs on (SPEC section 8): both embedded (the default: an in-process
 * event log, metrics store, capacity store and stream worker), or Kafka for events with ClickHouse
 * for metrics and capacity requests (stream workers then run as `npm run streams`).
 */
import type { Logger } from 'pino';
import type { Clock } from '../contracts/clock.js';
import type { OpsConfig } from '../contracts/config.js';
import type { EventLog } from '../contracts/event-log.js';
import { openClickHouseStore } from '../streams/clickhouse/clickhouse-store.js';
import { EmbeddedEventLog } from '../streams/embedded/embedded-event-log.js';
import { EmbeddedMetricsStore } from '../streams/embedded/embedded-store.js';
import { KafkaEventLog } from '../streams/kafka/kafka-event-log.js';
import type { MetricsStore } from '../streams/metrics-store.js';
import { startStreamWorker, type StreamWorker } from '../streams/stream-worker.js';
import { EmbeddedCapacityStore, type CapacityStore } from './capacity/capacity-store.js';
import { ClickHouseCapacityStore } from './capacity/clickhouse-capacity-store.js';
import type { AuditLog } from './audit/audit-log.js';
import { ClickHouseAuditLog } from './audit/clickhouse-audit-log.js';
import { EmbeddedAuditLog } from './audit/embedded-audit-log.js';
import { openDurableEmbedded, type DurableEmbedded } from './durable-engines.js';
import type { Telemetry } from './telemetry.js';

/** Where the engines are: nothing for embedded, or both scale-out addresses. */
export interface EngineChoice {
  kafkaBrokers?: string;
  clickhouseUrl?: string;
  clickhouseDatabase?: string;
  /** Embedded: keep events, capacity requests, alerts and the audit trail on disk here. Absent: in memory only (tests). */
  dataDir?: string;
}

export interface Engines {
  log: EventLog;
  store: MetricsStore;
  capacityStore: CapacityStore;
  /** The audit trail (SPEC section 10), next to the capacity requests. */
  auditLog: AuditLog;
  /** The in-process stream worker (embedded only; with Kafka, workers are `npm run streams`). */
  worker?: StreamWorker;
  /** Embedded on disk: the data directory, and how many stored events were replayed at start. */
  durable?: DurableEmbedded;
}

interface EngineContext {
  config: OpsConfig;
  /** Embedded on disk: how long history is kept. */
  retentionDays: number;
  logger: Logger;
  telemetry: Telemetry;
  clock: Clock;
}

/** Opens the engines chosen; one of Kafka and ClickHouse without the other is refused. */
export async function openEngines(choice: EngineChoice, c: EngineContext): Promise<Engines> {
  const { kafkaBrokers, clickhouseUrl } = choice;
  if (kafkaBrokers && clickhouseUrl) {
    const log = new KafkaEventLog({ brokers: kafkaBrokers, logger: c.logger, clientId: 'ops-server' });
    try {
      const store = await openClickHouseStore({ url: clickhouseUrl, database: choice.clickhouseDatabase, config: c.config, logger: c.logger });
      return { log, store, capacityStore: new ClickHouseCapacityStore(store.connection, store.database), auditLog: new ClickHouseAuditLog(store.connection, store.database) };
    } catch (err) {
      await log.close();
      throw err;
    }
  }
  if (kafkaBrokers || clickhouseUrl) {
    const missing = kafkaBrokers ? 'CLICKHOUSE_URL' : 'KAFKA_BROKERS';
    const present = kafkaBrokers ? 'KAFKA_BROKERS' : 'CLICKHOUSE_URL';
    throw new Error(
      `${missing} is not set but ${present} is: the scale-out engines go together (Kafka for events, ClickHouse for metrics). ` +
        `Set ${missing} too, or unset ${present} to run on the embedded engine.`,
    );
  }
  const durable = choice.dataDir
    ? await openDurableEmbedded({ dir: choice.dataDir, retentionDays: c.retentionDays, config: c.config, clock: c.clock, logger: c.logger })
    : undefined;
  const log = durable?.log ?? new EmbeddedEventLog();
  // Event ids are remembered a day longer than ingest takes events, on disk or not.
  const store = durable?.store ?? new EmbeddedMetricsStore(c.config, c.clock, (c.retentionDays + 1) * 24 * 3600_000);
  const worker = await startStreamWorker({
    config: c.config,
    log,
    store,
    clock: c.clock,
    retentionDays: c.retentionDays,
    counters: {
      applied: (n) => c.telemetry.eventsApplied.inc(n),
      duplicates: (n) => c.telemetry.eventsDuplicate.inc({ source: 'stream' }, n),
      deadLettered: (n) => c.telemetry.eventsRejected.inc({ source: 'stream' }, n),
    },
    onError: (err) => c.logger.error({ err }, 'stream worker batch failed; it will be retried'),
  });
  return { log, store, capacityStore: durable?.capacityStore ?? new EmbeddedCapacityStore(), auditLog: durable?.auditLog ?? new EmbeddedAuditLog(), worker, durable };
}
