/**
 * Leader election through Kafka: every server joins one consumer group (`ops-leader.<database>`)
 * on a one-partition topic (`ops.leader`, created when missing); the member assigned partition 0
 * leads. The assignment sticks with the holder (sticky-leader-assigner.ts), so servers joining do
 * not move it; when the leader stops it leaves the group (after stepping down), and when it dies
 * the group drops it after the session timeout (default 10 s) and the next member gets partition 0.
 *
 * TRICKY: a leader that cannot reach Kafka keeps thinking it holds partition 0 while the group may
 * have handed it on. So leading is a lease: without a heartbeat for `sessionTimeout - 2 s` this
 * server steps down by itself, before the group can give partition 0 to another.
 */
import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { systemClock } from '../../contracts/clock.js';
import { LEADER_TOPIC } from '../../contracts/topics.js';
import { createKafkaClient } from '../../streams/kafka/kafka-client.js';
import { ensureTopics } from './ensure-topics.js';
import { LeadershipTerms, type Leadership, type LeadershipHandlers } from './leadership.js';
import { stickyLeaderAssigner } from './sticky-leader-assigner.js';

export interface KafkaLeadershipOptions {
  brokers: string;
  /** Consumer group of the election: one per deployment (default `ops-leader`). */
  group?: string;
  topic?: string;
  logger: Logger;
  /** How soon a dead leader is replaced (default 10 s). */
  sessionTimeoutMs?: number;
  /** Elapsed time for the lease (default the machine's clock). */
  timer?: () => number;
}

export class KafkaLeadership implements Leadership {
  readonly kind = 'kafka' as const;
  private readonly kafka: Kafka;
  private readonly topic: string;
  private readonly sessionMs: number;
  private readonly now: () => number;
  private consumer: Consumer | undefined;
  private terms: LeadershipTerms | undefined;
  private check: ReturnType<typeof setInterval> | undefined;
  /** Partition 0 was ours at the last join. */
  private holding = false;
  private lastBeat = 0;
  private stopping = false;
  private readonly since: number;

  constructor(private readonly o: KafkaLeadershipOptions) {
    this.kafka = createKafkaClient({ brokers: o.brokers, clientId: 'ops-leader', logger: o.logger });
    this.topic = o.topic ?? LEADER_TOPIC;
    this.sessionMs = o.sessionTimeoutMs ?? 10_000;
    this.now = o.timer ?? systemClock;
    this.since = this.now();
  }

  leading(): boolean {
    return this.terms?.leading() ?? false;
  }

  async start(handlers: LeadershipHandlers): Promise<void> {
    const logger = this.o.logger;
    this.terms = new LeadershipTerms(handlers, logger);
    await ensureTopics(this.kafka, [{ topic: this.topic, partitions: 1 }]);
    const consumer = this.kafka.consumer({
      groupId: this.o.group ?? 'ops-leader',
      sessionTimeout: this.sessionMs,
      rebalanceTimeout: this.sessionMs,
      heartbeatInterval: 1000,
      maxWaitTimeInMs: 500,
      allowAutoTopicCreation: false,
      partitionAssigners: [stickyLeaderAssigner(() => ({ holding: this.holding, since: this.since }))],
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.holding = (payload.memberAssignment[this.topic] ?? []).includes(0);
      this.lastBeat = this.now();
      logger.info({ group: payload.groupId, memberId: payload.memberId, holding: this.holding }, 'leadership: joined the election');
      this.review();
    });
    consumer.on(consumer.events.HEARTBEAT, () => {
      this.lastBeat = this.now();
      this.review();
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      logger.error({ err: payload.error, restart: payload.restart }, 'leadership: the election consumer crashed');
      this.holding = false;
      this.review();
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [this.topic], fromBeginning: false });
    // Nothing is ever written to the topic: the consumer runs for its membership and heartbeats.
    await consumer.run({ autoCommit: false, eachMessage: async () => undefined });
    this.check = setInterval(() => this.review(), 500);
    this.check.unref();
  }

  /** Leads while partition 0 is ours and the lease holds; follows otherwise. */
  private review(): void {
    if (!this.terms) return;
    const lease = this.now() - this.lastBeat < this.sessionMs - 2000;
    const lead = !this.stopping && this.holding && lease;
    if (!lead && this.terms.leading() && this.holding && !lease) this.o.logger.warn({}, 'leadership: no heartbeat answered in time; stepping down before the group hands the lead on');
    if (lead !== this.terms.leading()) void this.terms.want(lead);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.check) clearInterval(this.check);
    // Step down first, then leave: the next leader starts only after this one stopped.
    await this.terms?.want(false);
    await this.consumer?.disconnect().catch(() => undefined);
  }
}
