/**
 * The consuming half of the Kafka `EventLog`: one kafkajs consumer in a group, handing batches
 * over with manual offset resolution: only what the handler resolved is committed, after the
 * handler returned.
 */
import kafkajs, { type Consumer, type IHeaders, type Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { ConsumeOptions, LogRecord } from '../../contracts/event-log.js';
import { backoffDelay, type BackoffPolicy } from '../backoff.js';
import { RETRY } from './kafka-client.js';
import { isUtf8 } from 'node:buffer';

/** Between redeliveries of records whose handler failed. */
const CONSUMER_RETRY: BackoffPolicy = { baseMs: 100, maxMs: 5000 };

const { isRebalancing } = kafkajs as unknown as { isRebalancing(err: unknown): boolean };

/** How a consumer fetches and how soon its group notices it is gone. */
export interface KafkaConsumerSettings {
  /** Per-partition fetch bound (default 1 MiB): bounds the records in hand. */
  maxBytesPerPartition?: number;
  /** Session timeout (default 10 s). */
  sessionTimeoutMs?: number;
}

function headerText(value: IHeaders[string]): string | undefined {
  if (value === undefined) return undefined;
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

function decodeHeaders(headers: IHeaders | undefined): Record<string, string> | undefined {
  if (!headers) return undefined;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const text = headerText(value);
    if (text !== undefined) out[name] = text;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One kafkajs consumer in a group, behind the port's `onBatch`. */
export class KafkaLogConsumer {
  private readonly consumer: Consumer;
  private stopping = false;
  /** Set when a heartbeat learns the group is rebalancing; cleared at the next join. */
  private rebalancing = false;
  private stopped: Promise<void> | undefined;
  /** Handler failures in a row, for the backoff. */
  private failures = 0;

  constructor(
    kafka: Kafka,
    private readonly options: ConsumeOptions,
    private readonly partitions: number,
    settings: KafkaConsumerSettings,
    private readonly logger: Logger | undefined,
  ) {
    const maxBytesPerPartition = settings.maxBytesPerPartition ?? 1024 * 1024;
    this.consumer = kafka.consumer({
      groupId: options.group,
      allowAutoTopicCreation: false,
      sessionTimeout: settings.sessionTimeoutMs ?? 10_000,
      rebalanceTimeout: 60_000,
      heartbeatInterval: 3000,
      // NOTE: a short fetch wait keeps stop() quick; the stream worker lingers to batch its writes.
      maxWaitTimeInMs: 500,
      maxBytesPerPartition,
      maxBytes: Math.max(10 * 1024 * 1024, maxBytesPerPartition * partitions),
      retry: { ...RETRY, retries: 10 },
    });
  }

  /** Joins the group and starts fetching. */
  async start(): Promise<void> {
    const { topic, group, onAssignmentChange, onError, onFatal } = this.options;
    const events = this.consumer.events;
    this.consumer.on(events.GROUP_JOIN, ({ payload }) => {
      this.rebalancing = false;
      const partitions = [...(payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b);
      this.logger?.info({ group, topic, partitions, memberId: payload.memberId, durationMs: payload.duration }, 'joined the consumer group');
      onAssignmentChange?.(partitions);
    });
    this.consumer.on(events.CRASH, ({ payload }) => {
      if (this.stopping) return;
      if (payload.restart || !onFatal) onError?.(payload.error);
      else onFatal(payload.error);
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [topic], fromBeginning: true });
    await this.consumer.run({
      autoCommit: true,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.partitions,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  private async eachBatch({ batch, resolveOffset, heartbeat, isRunning }: kafkajs.EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0) return;
    const { topic, partition } = batch;
    const records: LogRecord[] = batch.messages.map((m) => ({
      topic,
      partition,
      offset: Number(m.offset),
      key: m.key?.toString('utf8') ?? '',
      value: m.value?.toString('utf8') ?? '',
      headers: decodeHeaders(m.headers),
      // NOTE: toString replaces bad bytes with U+FFFD, so two different values could read alike: say so instead.
      ...(m.value && !isUtf8(m.value) ? { valueError: 'value is not valid UTF-8' } : {}),
    }));
    try {
      await this.options.onBatch({
        topic,
        partition,
        records,
        behind: Math.max(0, Number(batch.highWatermark) - 1 - records[records.length - 1].offset),
        resolve: (offset) => resolveOffset(String(offset)),
        heartbeat: async () => {
          try {
            await heartbeat();
          } catch (err) {
            // The batch in hand is then committed by nobody: its partition goes to whoever the
            // group picks, who reads it again. Unreachable brokers are the fetch loop's business.
            if (isRebalancing(err)) this.rebalancing = true;
            else this.logger?.debug({ err }, 'heartbeat failed');
          }
        },
        isStopping: () => this.stopping || this.rebalancing || !isRunning(),
      });
      this.failures = 0;
    } catch (err) {
      // As the embedded log does: report, back off, and let the unresolved records come again
      // (kafkajs fetches from the last resolved offset).
      this.failures++;
      this.options.onError?.(err);
      await sleep(backoffDelay(this.failures + 1, CONSUMER_RETRY));
    }
  }

  /** Stops fetching, lets the batches in hand finish, commits what they resolved, leaves the group. */
  stop(): Promise<void> {
    this.stopping = true;
    // kafkajs' disconnect waits for the batches in hand, commits what they resolved, leaves the group.
    this.stopped ??= this.consumer.disconnect();
    return this.stopped;
  }
}
