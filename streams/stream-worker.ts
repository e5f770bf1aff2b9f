/**
 * The stream worker: reads `ops.task-events` in a consumer group, validates every record, writes
 * the valid ones to the `MetricsStore` and the invalid ones to the DLQ with the reason, and only
 * then resolves the batch's offsets. Nothing is committed before the write that depends on it.
 *
 * The partition batches a consumer holds at once share one store write (see WriteCoalescer):
 * with Kafka the worker lingers about 250 ms so ClickHouse gets a few big inserts a second
 * rather than many small ones; the embedded engine writes at once (linger 0).
 */
import { systemClock, type Clock } from '../contracts/clock.js';
import type { OpsConfig } from '../contracts/config.js';
import type { EventLog, LogConsumer, LogMessage, LogRecord } from '../contracts/event-log.js';
import { checkEvent, type EventCheckOptions, type OpsEvent } from '../contracts/events.js';
import { DLQ_TOPIC, EVENTS_TOPIC } from '../contracts/topics.js';
import type { ApplyResult, MetricsStore } from './metrics-store.js';
import { WriteCoalescer } from './write-coalescer.js';

export const STREAM_GROUP = 'ops-stream-workers';
/** Kafka worker defaults (SPEC: batch inserts of thousands of rows, about once a second). */
export const KAFKA_LINGER_MS = 250;
export const MAX_ROWS_PER_WRITE = 20_000;
/**
 * Kafka worker default (STREAMS_FETCH_MB): what one fetch may bring per partition. A worker
 * catching up writes what a fetch brought in one INSERT, and ClickHouse's cost is mostly per
 * INSERT (the parts it makes): with 1 MiB, inserts of a few thousand events cost ClickHouse 18 us
 * of CPU per event; with 8 MiB, about 5 (docs/benchmarks.md). The price is memory while catching up.
 */
export const KAFKA_FETCH_BYTES_PER_PARTITION = 8 * 1024 * 1024;
/** How often a batch waiting for its write heartbeats (kafkajs throttles to its own interval). */
const HEARTBEAT_EVERY_MS = 1000;

export type RecordResult = { kind: 'ok'; event: OpsEvent } | { kind: 'dlq'; reason: string };

/** Decodes and validates one record; never throws: whatever it cannot handle is a DLQ reason. */
export function decodeRecord(record: Pick<LogRecord, 'value' | 'valueError'>, config: OpsConfig, nowMs: number, options: EventCheckOptions = {}): RecordResult {
  if (record.valueError) return { kind: 'dlq', reason: record.valueError };
  if (typeof record.value !== 'string') return { kind: 'dlq', reason: 'value is missing' };
  let raw: unknown;
  try {
    raw = JSON.parse(record.value);
  } catch {
    return { kind: 'dlq', reason: 'value is not JSON' };
  }
  const check = checkEvent(raw, config, nowMs, options);
  return check.ok ? { kind: 'ok', event: check.event } : { kind: 'dlq', reason: check.reason };
}

/** The DLQ message for a rejected record: the original key and value, the reason and where it came from. */
export function deadLetter(record: LogRecord, reason: string): LogMessage {
  return {
    key: record.key,
    value: record.value,
    headers: {
      reason,
      'source-topic': record.topic,
      'source-partition': String(record.partition),
      'source-offset': String(record.offset),
    },
  };
}

export interface StreamWorkerCounters {
  applied(n: number): void;
  duplicates(n: number): void;
  /** Counted once the DLQ holds them. */
  deadLettered(n: number, reason: string): void;
  /** One store write: rows in it and how long it took. */
  written(rows: number, seconds: number): void;
  /** A store or DLQ write failed (it is retried). */
  writeFailed(): void;
}

export interface StreamWorkerDeps {
  config: OpsConfig;
  log: EventLog;
  store: MetricsStore;
  /** Domain "now": the instant events are validated against (default systemClock; tests freeze it). */
  clock?: Clock;
  /** RETENTION_DAYS: `occurred_at` older than this is dead-lettered as too old (default 35). */
  retentionDays?: number;
  /**
   * TRICKY: not `clock`. Elapsed real time (linger, drain deadline, `waitForCommitted` timeout) is
   * measured on this one (default systemClock), so a frozen domain clock never stalls a linger.
   */
  timer?: Clock;
  counters?: Partial<StreamWorkerCounters>;
  onError?(err: unknown): void;
  /** A store or DLQ write failed: retried after `retryInMs`, or given up (stopping) when undefined. */
  onWriteFailed?(err: unknown, attempt: number, retryInMs: number | undefined): void;
  /** The consumer stopped for good (Kafka: a crash it will not restart from). */
  onFatal?(err: unknown): void;
  onAssignmentChange?(partitions: number[]): void;
  group?: string;
  /** Default `ops.task-events` and `ops.task-events.dlq`; tests use their own topics. */
  topic?: string;
  dlqTopic?: string;
  maxBatch?: number;
  /** How long batches wait to share a store write (default 0: at once; KAFKA_LINGER_MS with Kafka). */
  lingerMs?: number;
  /** A write starts at once with this many rows waiting (default MAX_ROWS_PER_WRITE). */
  maxRows?: number;
  /**
   * A store write that throws is taken apart: events that throw on their own go to the DLQ, the
   * rest are applied. Default: only for the in-process store (its errors come from the data);
   * ClickHouse errors are mostly transient, so its writes are retried whole.
   */
  isolateFailures?: boolean;
  /** Backoff of a failing write, capped and jittered (default 200 ms doubling up to 5 s). */
  retry?: { initialMs: number; maxMs: number };
  /** On stop or rebalance, how long a failing write is retried before its batches are left unresolved (default 10 s). */
  drainTimeoutMs?: number;
}

export interface StreamWorker {
  /** Resolves once the group's committed positions reach every offset given (or the timeout passes). */
  waitForCommitted(offsets: Map<number, number>, timeoutMs: number): Promise<boolean>;
  /** Stops fetching, writes what is in hand, commits it, leaves the group. */
  stop(): Promise<void>;
}

/** Starts a worker in the stream group. */
export async function startStreamWorker(deps: StreamWorkerDeps): Promise<StreamWorker> {
  const { config, log, store, clock = systemClock, timer = systemClock, counters = {} } = deps;
  const group = deps.group ?? STREAM_GROUP;
  const topic = deps.topic ?? EVENTS_TOPIC;
  const dlqTopic = deps.dlqTopic ?? DLQ_TOPIC;
  const committedWaiters = new Set<() => void>();
  /** The record each event was decoded from, to dead-letter it as it came if applying it throws. */
  const sourceOf = new WeakMap<OpsEvent, LogRecord>();
  const isolate = deps.isolateFailures ?? store.kind === 'embedded';

  /**
   * After a write threw (in-process store: the fault is in the data, not in a connection), applies
   * the events one by one and dead-letters those that throw on their own, with the error's class
   * as the reason (never its message, which may quote a value). Events the failed write had
   * already taken come back as duplicates.
   */
  async function applyOneByOne(events: OpsEvent[], batchError: unknown): Promise<ApplyResult> {
    const result: ApplyResult = { applied: 0, duplicates: 0 };
    const poison: LogMessage[] = [];
    for (const event of events) {
      try {
        const one = await store.apply([event]);
        result.applied += one.applied;
        result.duplicates += one.duplicates;
      } catch (err) {
        const record = sourceOf.get(event);
        if (!record) throw batchError;
        poison.push(deadLetter(record, `could not be applied: ${errorClass(err)}`));
      }
    }
    if (poison.length > 0) {
      await log.append(dlqTopic, poison);
      for (const m of poison) counters.deadLettered?.(1, m.headers!.reason);
    }
    return result;
  }

  const coalescer = new WriteCoalescer(
    {
      apply: async (parts) => {
        if (store.applyPartitions) return store.applyPartitions(parts);
        const events = parts.flatMap((p) => p.events);
        try {
          return await store.apply(events);
        } catch (err) {
          if (!isolate) throw err;
          return applyOneByOne(events, err);
        }
      },
      deadLetter: async (messages) => {
        await log.append(dlqTopic, messages);
      },
    },
    {
      lingerMs: deps.lingerMs ?? 0,
      maxRows: deps.maxRows ?? MAX_ROWS_PER_WRITE,
      retry: deps.retry ?? { initialMs: 200, maxMs: 5000 },
      drainTimeoutMs: deps.drainTimeoutMs ?? 10_000,
      timer,
    },
    {
      written(rows, seconds, result: ApplyResult) {
        counters.written?.(rows, seconds);
        counters.applied?.(result.applied);
        counters.duplicates?.(result.duplicates);
      },
      deadLettered(messages) {
        for (const m of messages) counters.deadLettered?.(1, m.headers?.reason ?? 'unknown');
      },
      failed(err, attempt, retryInMs) {
        counters.writeFailed?.();
        if (deps.onWriteFailed) deps.onWriteFailed(err, attempt, retryInMs);
        else deps.onError?.(err);
      },
    },
  );

  const consumer: LogConsumer = await log.consume({
    topic,
    group,
    maxBatch: deps.maxBatch ?? 5000,
    onError: deps.onError,
    onFatal: deps.onFatal,
    onAssignmentChange(partitions) {
      // The store drops what it holds of partitions no longer ours and loads new ones before their
      // first batch (with the log's end offsets, to notice a recreated topic).
      store.assign?.(topic, partitions, log.endOffsets(topic));
      deps.onAssignmentChange?.(partitions);
    },
    async onBatch(batch) {
      const now = clock();
      const events: OpsEvent[] = [];
      const offsets: number[] = [];
      const dead: LogMessage[] = [];
      for (const record of batch.records) {
        // NOTE: an event validated by ingest in this same process (embedded log) is not checked twice.
        const result: RecordResult = record.validated !== undefined ? { kind: 'ok', event: record.validated as OpsEvent } : decodeRecord(record, config, now, { retentionDays: deps.retentionDays });
        if (result.kind === 'ok') {
          events.push(result.event);
          offsets.push(record.offset);
          // NOTE: only where a failed write is taken apart: a WeakMap entry per event is costly for the GC.
          if (isolate) sourceOf.set(result.event, record);
        } else dead.push(deadLetter(record, result.reason));
      }
      // Keep the group membership alive while the batch waits for its write (linger, retries).
      const heartbeat = setInterval(() => void batch.heartbeat().catch(() => undefined), HEARTBEAT_EVERY_MS);
      const lastOffset = batch.records[batch.records.length - 1].offset;
      let written: boolean;
      try {
        written = await coalescer.submit({ topic: batch.topic, partition: batch.partition, events, offsets, lastOffset, behind: batch.behind, dead, isStopping: batch.isStopping });
      } finally {
        clearInterval(heartbeat);
      }
      // Given up (stopping with the store down): left unresolved, the records come again.
      if (!written) return;
      batch.resolve(lastOffset);
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
      const deadline = timer() + timeoutMs;
      for (;;) {
        const positions = await log.positions(topic, group);
        const done = [...offsets].every(([p, offset]) => (positions.get(p) ?? 0) > offset);
        if (done) return true;
        const left = deadline - timer();
        if (left <= 0) return false;
        await new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(poll);
            committedWaiters.delete(wake);
            resolve();
          };
          const poll = setTimeout(wake, Math.min(left, 100));
          committedWaiters.add(wake);
        });
      }
    },
    async stop() {
      coalescer.drain();
      await consumer.stop();
    },
  };
}

/** The class of an error (`TypeError`), never its message: messages may quote the data. */
function errorClass(err: unknown): string {
  const name = err instanceof Error ? err.name : typeof err;
  return /^[A-Za-z0-9_]{1,40}$/.test(name) ? name : 'Error';
}
