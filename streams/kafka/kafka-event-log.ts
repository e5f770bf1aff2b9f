/**
 * The Kafka `EventLog` (kafkajs): an idempotent producer that picks each message's partition
 * itself (Kafka's murmur2, as the embedded log does) so that `append` can return the last offset
 * per partition, and a consumer group that hands batches over with manual offset resolution:
 * only what the handler resolved is committed, after the handler returned.
 *
 * Topics are never created here (`npm run services:up` creates them); a missing topic is an
 * error that names it.
 */
import kafkajs, { Kafka, logLevel, Partitioners, type Admin, type Consumer, type IHeaders, type LogEntry, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { ConsumeOptions, EventLog, LogConsumer, LogMessage, LogRecord } from '../../contracts/event-log.js';
import { partitionFor } from '../partitioner.js';
import { backoffDelay, type BackoffPolicy } from '../backoff.js';

/** Between redeliveries of records whose handler failed. */
const CONSUMER_RETRY: BackoffPolicy = { baseMs: 100, maxMs: 5000 };

const { isRebalancing } = kafkajs as unknown as { isRebalancing(err: unknown): boolean };

export interface KafkaEventLogOptions {
  /** `host:port` list, or a comma-separated string as in KAFKA_BROKERS. */
  brokers: string | string[];
  clientId?: string;
  logger?: Logger;
  /** Per-partition fetch bound of consumers (default 1 MiB): bounds the records in hand. */
  maxBytesPerPartition?: number;
  /** How long `ping()` waits for the cluster to answer (default 2 s). */
  pingTimeoutMs?: number;
  /**
   * Consumer session timeout (default 10 s, Kafka's classic default): how soon the group hands a
   * dead worker's partitions to the others. A live worker heartbeats every 3 s, also while a
   * batch waits for its write.
   */
  sessionTimeoutMs?: number;
}

/** NOTE: retries suited to loopback: a broker that is gone fails an append in about 10 s. */
const RETRY = { initialRetryTime: 100, maxRetryTime: 2000, retries: 8 };
/** The broker refuses a record batch over `message.max.bytes` (1 MiB by default); stay below. */
const MAX_PARTITION_BYTES_PER_SEND = 900 * 1024;
/** Rough per-record overhead of the v2 record format, for the size estimate. */
const RECORD_OVERHEAD = 40;

/** Parses KAFKA_BROKERS (`host:port,host:port`). */
export function parseBrokers(brokers: string | string[]): string[] {
  const list = (Array.isArray(brokers) ? brokers : brokers.split(',')).map((b) => b.trim()).filter(Boolean);
  if (list.length === 0) throw new Error('KAFKA_BROKERS: no broker given (expected host:port[,host:port])');
  return list;
}

/** Routes kafkajs' log lines into pino. kafkajs' INFO chatter goes to debug; the log says what matters. */
function pinoLogCreator(logger: Logger | undefined) {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      if (!logger) return;
      const { message, timestamp: _timestamp, logger: _name, ...extra } = log as LogEntry['log'] & Record<string, unknown>;
      const fields = { kafkajs: namespace, ...extra };
      // NOTE: retries are limited on purpose (see RETRY and append()); kafkajs warns about it each time.
      if (level === logLevel.ERROR) logger.error(fields, message);
      else if (level === logLevel.WARN && !message.startsWith('Limiting retries')) logger.warn(fields, message);
      else logger.debug(fields, message);
    };
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

function estimateBytes(m: LogMessage): number {
  let n = Buffer.byteLength(m.key) + Buffer.byteLength(m.value) + RECORD_OVERHEAD;
  if (m.headers) for (const [k, v] of Object.entries(m.headers)) n += k.length + Buffer.byteLength(v) + 8;
  return n;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class KafkaEventLog implements EventLog {
  readonly kind = 'kafka' as const;
  private readonly kafka: Kafka;
  private readonly logger: Logger | undefined;
  private readonly partitionCounts = new Map<string, Promise<number>>();
  private readonly consumers = new Set<KafkaLogConsumer>();
  private admin: Promise<Admin> | undefined;
  private producer: Promise<Producer> | undefined;
  /** Appends run one at a time: the idempotent producer's sequence numbers must not interleave. */
  private appendChain: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: KafkaEventLogOptions) {
    this.logger = options.logger;
    this.kafka = new Kafka({
      clientId: options.clientId ?? 'ops-command-center',
      brokers: parseBrokers(options.brokers),
      connectionTimeout: 3000,
      requestTimeout: 30_000,
      retry: RETRY,
      logLevel: logLevel.INFO,
      logCreator: pinoLogCreator(options.logger),
    });
  }

  private connectedAdmin(): Promise<Admin> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin({ retry: { ...RETRY, retries: 3 } });
      await admin.connect();
      return admin;
    })().catch((err: unknown) => {
      this.admin = undefined;
      throw err;
    });
    return this.admin;
  }

  private connectedProducer(): Promise<Producer> {
    this.producer ??= (async () => {
      const producer = this.kafka.producer({
        idempotent: true,
        // NOTE: kafkajs keeps ordering and sequence numbers right for idempotence only with one request in flight.
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
        retry: RETRY,
      });
      await producer.connect();
      return producer;
    })().catch((err: unknown) => {
      this.producer = undefined;
      throw err;
    });
    return this.producer;
  }

  /**
   * TRICKY: after a send that gave up, the broker may or may not hold it. Reusing the producer id
   * would let the broker take the next batch for a duplicate of that one (same sequence numbers)
   * and drop it silently, so a fresh producer (new id) sends the next one. A batch the caller
   * appends again may then be in the log twice; the store skips event ids it already holds.
   */
  private async resetProducer(): Promise<void> {
    const old = this.producer;
    this.producer = undefined;
    await old?.then((p) => p.disconnect()).catch(() => undefined);
  }

  /** Partition count of a topic, fetched once; a missing topic is an error naming it. */
  partitionCount(topic: string): Promise<number> {
    let count = this.partitionCounts.get(topic);
    if (!count) {
      count = (async () => {
        const admin = await this.connectedAdmin();
        const topics = await admin.listTopics();
        if (!topics.includes(topic)) {
          throw new Error(`Kafka topic "${topic}" does not exist; topics are created by \`npm run services:up\` (never auto-created)`);
        }
        const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
        return metadata.topics[0].partitions.length;
      })();
      this.partitionCounts.set(topic, count);
      count.catch(() => this.partitionCounts.delete(topic));
    }
    return count;
  }

  async append(topic: string, messages: LogMessage[]): Promise<Map<number, number>> {
    if (this.closed) throw new Error('event log is closed');
    const last = new Map<number, number>();
    if (messages.length === 0) return last;
    const run = this.appendChain.then(async () => {
      const partitions = await this.partitionCount(topic);
      for (const chunk of sendChunks(messages, partitions)) {
        const producer = await this.connectedProducer();
        let metadata;
        try {
          metadata = await producer.send({ topic, acks: -1, messages: chunk.messages });
        } catch (err) {
          await this.resetProducer();
          throw err;
        }
        // One record batch per partition per send: its base offset plus its count gives the last.
        for (const m of metadata) {
          last.set(m.partition, Number(m.baseOffset) + (chunk.counts.get(m.partition) ?? 1) - 1);
        }
      }
      return last;
    });
    this.appendChain = run.catch(() => undefined);
    return run;
  }

  async consume(options: ConsumeOptions): Promise<LogConsumer> {
    if (this.closed) throw new Error('event log is closed');
    const partitions = await this.partitionCount(options.topic);
    const consumer = new KafkaLogConsumer(this.kafka, options, partitions, this.options, this.logger);
    this.consumers.add(consumer);
    try {
      await consumer.start();
    } catch (err) {
      this.consumers.delete(consumer);
      await consumer.stop().catch(() => undefined);
      throw err;
    }
    return {
      stop: async () => {
        this.consumers.delete(consumer);
        await consumer.stop();
      },
    };
  }

  async positions(topic: string, group: string): Promise<Map<number, number>> {
    const admin = await this.connectedAdmin();
    const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    const out = new Map<number, number>();
    let unset = false;
    for (const p of offsets?.partitions ?? []) {
      const offset = Number(p.offset);
      if (offset < 0) unset = true;
      out.set(p.partition, offset);
    }
    if (unset) {
      // Nothing committed yet: the group starts at the log's start (fromBeginning).
      const low = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.low)]));
      for (const [p, offset] of out) if (offset < 0) out.set(p, low.get(p) ?? 0);
    }
    return out;
  }

  async endOffsets(topic: string): Promise<Map<number, number>> {
    const admin = await this.connectedAdmin();
    return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
  }

  /** Log start offset per partition (the first offset retention kept); Kafka only. */
  async startOffsets(topic: string): Promise<Map<number, number>> {
    const admin = await this.connectedAdmin();
    return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.low)]));
  }

  async ping(): Promise<void> {
    const timeoutMs = this.options.pingTimeoutMs ?? 2000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Kafka did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.connectedAdmin().then((admin) => admin.describeCluster()), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.consumers].map((c) => c.stop()));
    this.consumers.clear();
    await this.appendChain;
    await Promise.allSettled([
      this.producer?.then((p) => p.disconnect()),
      this.admin?.then((a) => a.disconnect()),
    ]);
  }
}

interface SendChunk {
  messages: { key: string; value: string; headers?: Record<string, string>; partition: number }[];
  counts: Map<number, number>;
}

/** Splits messages into sends whose per-partition record batches stay under the broker's size limit. */
function* sendChunks(messages: LogMessage[], partitions: number): Generator<SendChunk> {
  let chunk: SendChunk = { messages: [], counts: new Map() };
  let bytes = new Map<number, number>();
  for (const m of messages) {
    const partition = partitionFor(m.key, partitions);
    const size = estimateBytes(m);
    if ((bytes.get(partition) ?? 0) + size > MAX_PARTITION_BYTES_PER_SEND && chunk.messages.length > 0) {
      yield chunk;
      chunk = { messages: [], counts: new Map() };
      bytes = new Map();
    }
    chunk.messages.push({ key: m.key, value: m.value, headers: m.headers, partition });
    chunk.counts.set(partition, (chunk.counts.get(partition) ?? 0) + 1);
    bytes.set(partition, (bytes.get(partition) ?? 0) + size);
  }
  if (chunk.messages.length > 0) yield chunk;
}

/** One kafkajs consumer in a group, behind the port's `onBatch`. */
class KafkaLogConsumer {
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
    settings: KafkaEventLogOptions,
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
    }));
    try {
      await this.options.onBatch({
        topic,
        partition,
        records,
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

  stop(): Promise<void> {
    this.stopping = true;
    // kafkajs' disconnect waits for the batches in hand, commits what they resolved, leaves the group.
    this.stopped ??= this.consumer.disconnect();
    return this.stopped;
  }
}
