/**
 * The `EventLog` port: an append-only, partitioned log ordered per key, with offsets and
 * committed consumer positions. Embedded (in-process) and Kafka adapters fill it.
 */

/** A record as produced: the key orders it (same key, same partition, in order). */
export interface LogMessage {
  key: string;
  value: string;
  headers?: Record<string, string>;
  /**
   * The value as its writer validated it, when writer and reader share a process (the embedded
   * log keeps it in memory, never on disk): a reader may use it instead of parsing `value` again.
   * Adapters that cross a process (Kafka) drop it.
   */
  validated?: unknown;
}

/** A record as consumed, with where it sits in the log. */
export interface LogRecord extends LogMessage {
  topic: string;
  partition: number;
  offset: number;
  /** Why the value's bytes could not be read as text (then `value` is a lossy reading of them). */
  valueError?: string;
}

/**
 * What a consumer handler receives. Offsets are committed only for records passed to
 * `resolve`, and only after the handler returned: work that failed is delivered again.
 */
export interface ConsumedBatch {
  topic: string;
  partition: number;
  records: LogRecord[];
  /** Records of the partition after this batch, as far as the log knew when it was read (0: caught up). */
  behind?: number;
  /** Marks every record up to and including `offset` as done. */
  resolve(offset: number): void;
  /** Keeps the group membership alive during a long batch (Kafka); a no-op where not needed. */
  heartbeat(): Promise<void>;
  /** True once the consumer is stopping: finish what is in hand, take nothing new. */
  isStopping(): boolean;
}

export interface ConsumeOptions {
  topic: string;
  group: string;
  /**
   * Upper bound on records handed over in one batch (embedded log). The Kafka adapter bounds its
   * fetches in bytes per partition instead (`maxBytesPerPartition`, default 1 MiB).
   */
  maxBatch?: number;
  onBatch(batch: ConsumedBatch): Promise<void>;
  onError?(err: unknown): void;
  /**
   * Called after each (re)join of the group with the partitions of `topic` this consumer now
   * owns. Kafka rebalances eagerly: every join revokes and re-assigns, so state cached per
   * partition (the ClickHouse store's task states) must be dropped here. The embedded log,
   * whose assignment only changes as consumers come and go in one process, does not call it.
   */
  onAssignmentChange?(partitions: number[]): void;
  /** The consumer stopped for good (a crash it will not restart from); the process should exit. */
  onFatal?(err: unknown): void;
}

export interface LogConsumer {
  /** Stops fetching, lets the batch in hand finish, commits, and leaves the group. */
  stop(): Promise<void>;
}

export interface EventLog {
  readonly kind: 'embedded' | 'kafka';
  /**
   * Appends messages to a topic; resolves once they are durable in the log, with the highest
   * offset written per partition (so a writer can wait until a consumer group has passed it).
   */
  append(topic: string, messages: LogMessage[]): Promise<Map<number, number>>;
  /** Starts a consumer in a group; several consumers of one group share the partitions. */
  consume(options: ConsumeOptions): Promise<LogConsumer>;
  /** Committed position (next offset to read) per partition for a group. */
  positions(topic: string, group: string): Promise<Map<number, number>>;
  /** End offset (next offset to be written) per partition. */
  endOffsets(topic: string): Promise<Map<number, number>>;
  /** Resolves when the log is reachable; rejects with the reason when not. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
