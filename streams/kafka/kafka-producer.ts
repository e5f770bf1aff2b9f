/**
 * The appending half of the Kafka `EventLog`: an idempotent producer that picks each message's
 * partition itself (Kafka's murmur2, as the embedded log does) so that `append` can return the
 * last offset per partition. Appends run one at a time, split into sends the broker accepts.
 */
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { LogMessage } from '../../contracts/event-log.js';
import { partitionFor } from '../partitioner.js';
import { RETRY } from './kafka-client.js';
import { DomainError } from '../../contracts/errors.js';

/** The broker refuses a record batch over `message.max.bytes` (1 MiB by default); stay below. */
const MAX_PARTITION_BYTES_PER_SEND = 900 * 1024;
/** Rough per-record overhead of the v2 record format, for the size estimate. */
const RECORD_OVERHEAD = 40;

function estimateBytes(m: LogMessage): number {
  let n = Buffer.byteLength(m.key) + Buffer.byteLength(m.value) + RECORD_OVERHEAD;
  if (m.headers) for (const [k, v] of Object.entries(m.headers)) n += k.length + Buffer.byteLength(v) + 8;
  return n;
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

/** Appends to Kafka through one idempotent producer at a time (connected on first use). */
export class KafkaLogProducer {
  private producer: Promise<Producer> | undefined;
  /** Appends run one at a time: the idempotent producer's sequence numbers must not interleave. */
  private appendChain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly kafka: Kafka,
    private readonly partitionCount: (topic: string) => Promise<number>,
  ) {}

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

  /** Appends after the appends before it; resolves with the last offset written per partition. */
  append(topic: string, messages: LogMessage[]): Promise<Map<number, number>> {
    const last = new Map<number, number>();
    if (messages.length === 0) return Promise.resolve(last);
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
    }).catch((err: unknown) => {
      // NOTE: a log that does not take the batch is an outage, not a bad request: 503, send again.
      if (err instanceof DomainError) throw err;
      const missing = err instanceof Error && /does not exist/.test(err.message);
      throw new DomainError('unavailable', missing ? (err as Error).message : 'the event log (Kafka) did not take these events; none of them is confirmed, send them again', undefined, { cause: err });
    });
    this.appendChain = run.catch(() => undefined);
    return run;
  }

  /** Resolves once every append handed over so far has finished (or failed). */
  async settled(): Promise<void> {
    await this.appendChain;
  }

  /** Disconnects the producer if one is open. */
  async disconnect(): Promise<void> {
    await this.producer?.then((p) => p.disconnect());
  }
}
