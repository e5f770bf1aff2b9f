/**
 * The in-process `EventLog`: partitioned topics in memory, keys partitioned as Kafka does,
 * committed positions per consumer group, and a consumer loop that commits only after its
 * handler returned. Records every group has passed are trimmed, so memory stays bounded.
 */
import type { ConsumeOptions, EventLog, LogConsumer, LogMessage, LogRecord } from '../../contracts/event-log.js';
import type { LogJournal } from '../durable/sqlite-log-journal.js';
import { partitionFor } from '../partitioner.js';
import { backoffDelay, type BackoffPolicy } from '../backoff.js';

/** Between redeliveries of records whose handler failed. */
const CONSUMER_RETRY: BackoffPolicy = { baseMs: 100, maxMs: 5000 };

interface Partition {
  /** Offset of records[0]. */
  base: number;
  records: LogRecord[];
}

interface Topic {
  partitions: Partition[];
  /** Records kept at most per partition when no group holds them back (a DLQ nobody reads). */
  retain: number;
  waiters: Set<() => void>;
}

interface Group {
  positions: number[];
  members: EmbeddedConsumer[];
}

export interface EmbeddedEventLogOptions {
  partitions?: number;
  /**
   * Where appends are stored before they are taken (the durable embedded default). Offsets go on
   * from what it holds; what it holds is not loaded back: the product replays it into the store.
   */
  journal?: LogJournal;
  /** Per-topic cap on records kept for no consumer group, default 100,000. */
  retainUnread?: number;
}

export class EmbeddedEventLog implements EventLog {
  readonly kind = 'embedded' as const;
  private readonly topics = new Map<string, Topic>();
  private readonly groups = new Map<string, Group>();
  private closed = false;

  constructor(private readonly options: EmbeddedEventLogOptions = {}) {}

  private topic(name: string): Topic {
    let t = this.topics.get(name);
    if (!t) {
      const n = this.options.partitions ?? 6;
      const stored = this.options.journal?.ends(name);
      t = {
        partitions: Array.from({ length: n }, (_, i) => ({ base: stored?.get(i) ?? 0, records: [] })),
        retain: this.options.retainUnread ?? 100_000,
        waiters: new Set(),
      };
      this.topics.set(name, t);
    }
    return t;
  }

  private group(topic: string, name: string): Group {
    const key = `${topic}\u0000${name}`;
    let g = this.groups.get(key);
    if (!g) {
      g = { positions: this.topic(topic).partitions.map((p) => p.base), members: [] };
      this.groups.set(key, g);
    }
    return g;
  }

  async append(topicName: string, messages: LogMessage[]): Promise<Map<number, number>> {
    if (this.closed) throw new Error('event log is closed');
    const topic = this.topic(topicName);
    const last = new Map<number, number>();
    const records: LogRecord[] = [];
    const next = topic.partitions.map((p) => p.base + p.records.length);
    for (const m of messages) {
      const partition = partitionFor(m.key, topic.partitions.length);
      const offset = next[partition]++;
      records.push({ topic: topicName, partition, offset, key: m.key, value: m.value, headers: m.headers, validated: m.validated });
      last.set(partition, offset);
    }
    // Stored first: what the journal refused is not taken at all (it throws, the caller answers 503).
    this.options.journal?.write(topicName, records);
    for (const r of records) topic.partitions[r.partition].records.push(r);
    for (const wake of topic.waiters) wake();
    topic.waiters.clear();
    this.trim(topicName);
    return last;
  }

  /** Records of a partition from `offset`, at most `max` (a copy). */
  read(topicName: string, partition: number, offset: number, max: number): LogRecord[] {
    const p = this.topic(topicName).partitions[partition];
    const start = Math.max(0, offset - p.base);
    return p.records.slice(start, start + max);
  }

  /** Resolves at the next append to the topic, or after `ms`. */
  waitForAppend(topicName: string, ms: number): Promise<void> {
    const topic = this.topic(topicName);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        topic.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      topic.waiters.add(done);
    });
  }

  commit(topicName: string, groupName: string, partition: number, nextOffset: number): void {
    const g = this.group(topicName, groupName);
    if (nextOffset > g.positions[partition]) g.positions[partition] = nextOffset;
    this.trim(topicName);
  }

  /** Partitions of a topic that a group member owns: round-robin over the members. */
  assigned(topicName: string, groupName: string, member: EmbeddedConsumer): number[] {
    const g = this.group(topicName, groupName);
    const index = g.members.indexOf(member);
    const n = this.topic(topicName).partitions.length;
    const out: number[] = [];
    for (let p = 0; p < n; p++) if (p % g.members.length === index) out.push(p);
    return out;
  }

  private trim(topicName: string): void {
    const topic = this.topic(topicName);
    const readers = [...this.groups.entries()].filter(([k]) => k.startsWith(`${topicName}\u0000`)).map(([, g]) => g);
    topic.partitions.forEach((p, i) => {
      const end = p.base + p.records.length;
      let keepFrom = readers.length > 0 ? Math.min(...readers.map((g) => g.positions[i])) : p.base;
      keepFrom = Math.max(keepFrom, end - topic.retain);
      const drop = keepFrom - p.base;
      // NOTE: splice in large steps only; trimming one record at a time would be quadratic.
      if (drop > 0 && (drop >= 4096 || drop === p.records.length)) {
        p.records.splice(0, drop);
        p.base = keepFrom;
      }
    });
  }

  async consume(options: ConsumeOptions): Promise<LogConsumer> {
    const consumer = new EmbeddedConsumer(this, options);
    this.group(options.topic, options.group).members.push(consumer);
    consumer.run();
    return consumer;
  }

  leave(topicName: string, groupName: string, member: EmbeddedConsumer): void {
    const g = this.group(topicName, groupName);
    g.members = g.members.filter((m) => m !== member);
  }

  async positions(topicName: string, groupName: string): Promise<Map<number, number>> {
    return new Map(this.group(topicName, groupName).positions.map((o, p) => [p, o]));
  }

  async endOffsets(topicName: string): Promise<Map<number, number>> {
    return new Map(this.topic(topicName).partitions.map((p, i) => [i, p.base + p.records.length]));
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('event log is closed');
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.topics.values()) for (const wake of t.waiters) wake();
  }
}

class EmbeddedConsumer implements LogConsumer {
  private stopping = false;
  private finished: Promise<void> | undefined;

  constructor(private readonly log: EmbeddedEventLog, private readonly options: ConsumeOptions) {}

  run(): void {
    this.finished = this.loop();
  }

  private async loop(): Promise<void> {
    const { topic, group, maxBatch = 5000, onBatch, onError } = this.options;
    let failures = 0;
    while (!this.stopping) {
      let worked = false;
      for (const partition of this.log.assigned(topic, group, this)) {
        if (this.stopping) break;
        const position = (await this.log.positions(topic, group)).get(partition) ?? 0;
        const records = this.log.read(topic, partition, position, maxBatch);
        if (records.length === 0) continue;
        worked = true;
        let resolved = -1;
        try {
          await onBatch({
            topic,
            partition,
            records,
            resolve: (offset) => {
              if (offset > resolved) resolved = offset;
            },
            heartbeat: async () => {},
            isStopping: () => this.stopping,
          });
          failures = 0;
        } catch (err) {
          onError?.(err);
          failures++;
          // Capped, jittered backoff; the unresolved records are delivered again.
          const delay = backoffDelay(failures + 1, CONSUMER_RETRY);
          await new Promise((r) => setTimeout(r, delay));
        }
        if (resolved >= 0) this.log.commit(topic, group, partition, resolved + 1);
      }
      if (!worked && !this.stopping) await this.log.waitForAppend(topic, 250);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.finished;
    this.log.leave(this.options.topic, this.options.group, this);
  }
}
