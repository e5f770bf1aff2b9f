/**
 * The Kafka `EventLog` (kafkajs): an idempotent producer that picks each message's partition
 * itself (Kafka's murmur2, as the embedded log does) so that `append` can return the last offset
 * per partition (kafka-producer.ts), and a consumer group that hands batches over with manual
 * offset resolution: only what the handler resolved is committed, after the handler returned
 * (kafka-consumer.ts). This class composes the two over one client and one admin connection.
 *
 * Topics are never created here (`npm run services:up` creates them); a missing topic is an
 * error that names it.
 */
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { ConsumeOptions, EventLog, LogConsumer, LogMessage } from '../../contracts/event-log.js';
import { createKafkaClient, KafkaTopics } from './kafka-client.js';
import { KafkaLogConsumer } from './kafka-consumer.js';
import { KafkaLogProducer } from './kafka-producer.js';

export { parseBrokers } from './kafka-client.js';

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

export class KafkaEventLog implements EventLog {
  readonly kind = 'kafka' as const;
  private readonly kafka: Kafka;
  private readonly logger: Logger | undefined;
  private readonly topics: KafkaTopics;
  private readonly producer: KafkaLogProducer;
  private readonly consumers = new Set<KafkaLogConsumer>();
  private closed = false;

  constructor(private readonly options: KafkaEventLogOptions) {
    this.logger = options.logger;
    this.kafka = createKafkaClient(options);
    this.topics = new KafkaTopics(this.kafka);
    this.producer = new KafkaLogProducer(this.kafka, (topic) => this.topics.partitionCount(topic));
  }

  /** Partition count of a topic, fetched once; a missing topic is an error naming it. */
  partitionCount(topic: string): Promise<number> {
    return this.topics.partitionCount(topic);
  }

  async append(topic: string, messages: LogMessage[]): Promise<Map<number, number>> {
    if (this.closed) throw new Error('event log is closed');
    return this.producer.append(topic, messages);
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
    const admin = await this.topics.connected();
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
    const admin = await this.topics.connected();
    return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
  }

  /** Log start offset per partition (the first offset retention kept); Kafka only. */
  async startOffsets(topic: string): Promise<Map<number, number>> {
    const admin = await this.topics.connected();
    return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.low)]));
  }

  async ping(): Promise<void> {
    const timeoutMs = this.options.pingTimeoutMs ?? 2000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Kafka did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.topics.connected().then((admin) => admin.describeCluster()), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.consumers].map((c) => c.stop()));
    this.consumers.clear();
    await this.producer.settled();
    await Promise.allSettled([this.producer.disconnect(), this.topics.disconnect()]);
  }
}
