/**
 * What the Kafka producer and consumers share: the kafkajs client (brokers, timeouts, retries,
 * logging into pino) and the admin connection that knows the topics.
 *
 * Topics are never created here (`npm run services:up` creates them); a missing topic is an
 * error that names it.
 */
import { Kafka, logLevel, type Admin, type LogEntry } from 'kafkajs';
import type { Logger } from 'pino';

/** NOTE: retries suited to loopback: a broker that is gone fails an append in about 10 s. */
export const RETRY = { initialRetryTime: 100, maxRetryTime: 2000, retries: 8 };

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
      // NOTE: retries are limited on purpose (see RETRY and the producer); kafkajs warns about it each time.
      if (level === logLevel.ERROR) logger.error(fields, message);
      else if (level === logLevel.WARN && !message.startsWith('Limiting retries')) logger.warn(fields, message);
      else logger.debug(fields, message);
    };
}

/** The kafkajs client every producer, consumer and admin of one event log comes from. */
export function createKafkaClient(options: { brokers: string | string[]; clientId?: string; logger?: Logger }): Kafka {
  return new Kafka({
    clientId: options.clientId ?? 'ops-command-center',
    brokers: parseBrokers(options.brokers),
    connectionTimeout: 3000,
    requestTimeout: 30_000,
    retry: RETRY,
    logLevel: logLevel.INFO,
    logCreator: pinoLogCreator(options.logger),
  });
}

/** One admin connection, opened on first use, and the partition count of each topic, fetched once. */
export class KafkaTopics {
  private readonly partitionCounts = new Map<string, Promise<number>>();
  private admin: Promise<Admin> | undefined;

  constructor(private readonly kafka: Kafka) {}

  /** The connected admin; a failed connection is tried again at the next call. */
  connected(): Promise<Admin> {
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

  /** Partition count of a topic, fetched once; a missing topic is an error naming it. */
  partitionCount(topic: string): Promise<number> {
    let count = this.partitionCounts.get(topic);
    if (!count) {
      count = (async () => {
        const admin = await this.connected();
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

  /** Disconnects the admin if it was ever opened. */
  async disconnect(): Promise<void> {
    await this.admin?.then((a) => a.disconnect());
  }
}
