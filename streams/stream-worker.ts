/**
 * The stream worker: reads `ops.task-events` in a consumer group, validates every record, writes
 * the valid ones to the `MetricsStore` and the invalid ones to the DLQ with the reason, and only
 * then resolves the batch's offsets. Nothing is committed before the write that depends on it.
 */
import type { OpsConfig } from './config.js';
import type { EventLog, LogConsumer, LogMessage, LogRecord } from './event-log.js';
import { checkEvent, DLQ_TOPIC, EVENTS_TOPIC, type OpsEvent } from './events.js';
import type { MetricsStore } from './metrics-store.js';

export const STREAM_GROUP = 'ops-stream-workers';

export type RecordResult = { kind: 'ok'; event: OpsEvent } | { kind: 'dlq'; reason: string };

/** Decodes and validates one record; never throws. */
export function decodeRecord(record: Pick<LogRecord, 'value'>, config: OpsConfig, nowMs: number): RecordResult {
  let raw: unknown;
  try {
    raw = JSON.parse(record.value);
  } catch {
    return { kind: 'dlq', reason: 'value is not JSON' };
  }
  const check = checkEvent(raw, config, nowMs);
  return check.ok ? { kind: 'ok', event: check.event } : { kind: 'dlq', reason: check.reason };
}

export interface StreamWorkerCounters {
  applied(n: number): void;
  duplicates(n: number): void;
  deadLettered(n: number, reason: string): void;
}

export interface StreamWorkerDeps {
  config: OpsConfig;
  log: EventLog;
  store: MetricsStore;
  clock?: () => number;
  counters?: Partial<StreamWorkerCounters>;
  onError?(err: unknown): void;
  group?: string;
  maxBatch?: number;
}

export interface StreamWorker {
  /** Resolves once the group's committed positions reach every offset given (or the timeout passes). */
  waitForCommitted(offsets: Map<number, number>, timeoutMs: number): Promise<boolean>;
  stop(): Promise<void>;
}

/** Starts a worker in the stream group. */
export async function startStreamWorker(deps: StreamWorkerDeps): Promise<StreamWorker> {
  const { config, log, store, clock = Date.now, counters = {} } = deps;
  const group = deps.group ?? STREAM_GROUP;
  const committedWaiters = new Set<() => void>();

  const consumer: LogConsumer = await log.consume({
    topic: EVENTS_TOPIC,
    group,
    maxBatch: deps.maxBatch ?? 5000,
    onError: deps.onError,
    async onBatch(batch) {
      const now = clock();
      const events: OpsEvent[] = [];
      const dead: LogMessage[] = [];
      for (const record of batch.records) {
        const result = decodeRecord(record, config, now);
        if (result.kind === 'ok') events.push(result.event);
        else {
          dead.push({
            key: record.key,
            value: record.value,
            headers: {
              reason: result.reason,
              'source-topic': record.topic,
              'source-partition': String(record.partition),
              'source-offset': String(record.offset),
            },
          });
          counters.deadLettered?.(1, result.reason);
        }
      }
      if (events.length > 0) {
        const result = await store.apply(events);
        counters.applied?.(result.applied);
        counters.duplicates?.(result.duplicates);
      }
      if (dead.length > 0) await log.append(DLQ_TOPIC, dead);
      batch.resolve(batch.records[batch.records.length - 1].offset);
      // Wake waiters after the commit that follows this handler.
      queueMicrotask(() => {
        setImmediate(() => {
          for (const wake of committedWaiters) wake();
        });
      });
    },
  });

  return {
    async waitForCommitted(offsets, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const positions = await log.positions(EVENTS_TOPIC, group);
        const done = [...offsets].every(([p, offset]) => (positions.get(p) ?? 0) > offset);
        if (done) return true;
        const left = deadline - Date.now();
        if (left <= 0) return false;
        await new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(timer);
            committedWaiters.delete(wake);
            resolve();
          };
          const timer = setTimeout(wake, Math.min(left, 100));
          committedWaiters.add(wake);
        });
      }
    },
    stop: () => consumer.stop(),
  };
}
