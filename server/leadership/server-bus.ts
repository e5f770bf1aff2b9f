/**
 * What servers say to each other over Kafka (issue 10, several servers). Each server reads, from
 * the end and in a consumer group of its own, the capacity changes (`ops.capacity-requests`) and
 * the alert book (`ops.alerts`) the leader publishes, to show them; the commands followers forward
 * (`ops.commands`), which it runs only while it leads; and the replies to its own commands
 * (`ops.command-replies`, keyed by server id). Records of other deployments (another ClickHouse
 * database on the same cluster) are ignored. A server starting reads the last alert books back
 * first, so it shows (and, elected, goes on from) the book as the leader last published it.
 *
 * NOTE: forwarding goes over Kafka rather than HTTP to the leader's address: servers behind a load
 * balancer need not reach each other (they may listen on loopback), Kafka is already the one thing
 * every server reaches, and the leader needs no address advertised. A command carries the time the
 * follower gives up (answering 503); the leader drops it past then, so nobody is told "try again"
 * about an answer that was taken.
 */
import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { z } from 'zod';
import { alertBookMessageSchema, type AlertBookMessage } from '../../contracts/alert-book-message.js';
import { capacityRequestSchema, type CapacityChange } from '../../contracts/alerts.js';
import { systemClock, type Clock } from '../../contracts/clock.js';
import { commandReplySchema, forwardedCommandSchema, type CommandReply, type ForwardedCommand } from '../../contracts/commands.js';
import { DomainError } from '../../contracts/errors.js';
import type { EventLog } from '../../contracts/event-log.js';
import { ALERTS_TOPIC, CAPACITY_TOPIC, COMMAND_REPLIES_TOPIC, COMMANDS_TOPIC } from '../../contracts/topics.js';
import { createKafkaClient } from '../../streams/kafka/kafka-client.js';
import { ensureTopics } from './ensure-topics.js';

/** The header naming the deployment a record belongs to. */
export const DEPLOYMENT_HEADER = 'ops-deployment';

/** Alert books read back at start: the last of this deployment is among them unless many others share the cluster. */
const BOOKS_READ_BACK = 50;

const capacityChangeSchema = z.object({ change: z.string(), seq: z.int().min(1), at: z.string(), request: capacityRequestSchema });

/** A command as a follower sends it; the bus adds id, deployment, reply address and deadline. */
export type CommandToForward = ForwardedCommand extends infer C ? (C extends ForwardedCommand ? Omit<C, 'id' | 'deployment' | 'reply_to' | 'expires_at'> : never) : never;

export interface ServerBusHandlers {
  capacity(change: CapacityChange): void;
  alerts(message: AlertBookMessage): void;
  /** Runs a forwarded command when this server leads; `undefined` when it does not (someone else answers). */
  command(command: ForwardedCommand): Promise<unknown> | undefined;
}

export interface ServerBusOptions {
  brokers: string;
  log: Pick<EventLog, 'append'>;
  /** The ClickHouse database the servers share. */
  deployment: string;
  logger: Logger;
  /** How long a follower waits for the leader's reply before answering 503 (default 10 s). */
  replyTimeoutMs?: number;
  /** Wall clock for the commands' deadlines (default the machine's). */
  timer?: Clock;
}

interface Waiting {
  resolve(result: unknown): void;
  reject(err: unknown): void;
  timer: ReturnType<typeof setTimeout>;
}

export class KafkaServerBus {
  readonly serverId = randomUUID();
  private readonly kafka: Kafka;
  private readonly now: Clock;
  private readonly waiting = new Map<string, Waiting>();
  private readonly headers: Record<string, string>;
  private consumer: Consumer | undefined;
  /** Offset of the last alert book read, per partition. */
  private readonly booksRead = new Map<number, number>();

  constructor(private readonly o: ServerBusOptions) {
    this.kafka = createKafkaClient({ brokers: o.brokers, clientId: 'ops-server-bus', logger: o.logger });
    this.now = o.timer ?? systemClock;
    this.headers = { [DEPLOYMENT_HEADER]: o.deployment };
  }

  /** Headers every record of this deployment carries. */
  get publishHeaders(): Record<string, string> {
    return { ...this.headers };
  }

  /** Joins (from the end of each topic, the alert book's recent past excepted) and resolves once the last book was read. */
  async start(handlers: ServerBusHandlers): Promise<void> {
    await ensureTopics(this.kafka, [
      { topic: ALERTS_TOPIC, partitions: 1 },
      { topic: COMMANDS_TOPIC, partitions: 1 },
      { topic: COMMAND_REPLIES_TOPIC, partitions: 3 },
    ]);
    const consumer = this.kafka.consumer({ groupId: `ops-relay.${this.serverId}`, sessionTimeout: 10_000, heartbeatInterval: 1000, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
    this.consumer = consumer;
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.connect();
    await consumer.subscribe({ topics: [CAPACITY_TOPIC, ALERTS_TOPIC, COMMANDS_TOPIC, COMMAND_REPLIES_TOPIC], fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        const deployment = message.headers?.[DEPLOYMENT_HEADER]?.toString();
        const value = message.value?.toString('utf8') ?? '';
        if (topic === ALERTS_TOPIC) this.booksRead.set(partition, Number(message.offset));
        try {
          if (topic === COMMANDS_TOPIC) return this.onCommand(value, handlers);
          if (deployment !== this.o.deployment) return;
          if (topic === CAPACITY_TOPIC) return handlers.capacity(capacityChangeSchema.parse(JSON.parse(value)) as CapacityChange);
          if (topic === ALERTS_TOPIC) return handlers.alerts(alertBookMessageSchema.parse(JSON.parse(value)));
          if (topic === COMMAND_REPLIES_TOPIC && message.key?.toString() === this.serverId) this.onReply(commandReplySchema.parse(JSON.parse(value)));
        } catch (err) {
          this.o.logger.error({ err, topic, offset: message.offset }, 'a record from another server could not be read; skipped');
        }
      },
    });
    await Promise.race([joined, new Promise((resolve) => setTimeout(resolve, 30_000).unref())]);
    await this.readLastBooks(consumer);
  }

  /** Seeks back over the last books published (any deployment's) and waits until they were read. */
  private async readLastBooks(consumer: Consumer): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    let ends: { partition: number; low: number; high: number }[];
    try {
      ends = (await admin.fetchTopicOffsets(ALERTS_TOPIC)).map((p) => ({ partition: p.partition, low: Number(p.low), high: Number(p.high) }));
    } finally {
      await admin.disconnect();
    }
    for (const { partition, low, high } of ends) {
      const from = Math.max(low, high - BOOKS_READ_BACK);
      if (from < high) consumer.seek({ topic: ALERTS_TOPIC, partition, offset: String(from) });
    }
    for (const deadline = this.now() + 5000; ends.some((e) => (this.booksRead.get(e.partition) ?? -1) < e.high - 1 && e.high > e.low) && this.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Publishes the leader's alert book for the other servers. */
  async publishAlerts(message: AlertBookMessage): Promise<void> {
    await this.o.log.append(ALERTS_TOPIC, [{ key: `alert-book.${this.o.deployment}`, value: JSON.stringify(message), headers: this.headers }]);
  }

  /** Sends a command to the leader; resolves with its result, rejects with its DomainError, or 'unavailable' when nobody answers in time. */
  async forward(command: CommandToForward): Promise<unknown> {
    const id = randomUUID();
    const timeoutMs = this.o.replyTimeoutMs ?? 10_000;
    const full = { ...command, id, deployment: this.o.deployment, reply_to: this.serverId, expires_at: this.now() + timeoutMs } as ForwardedCommand;
    const reply = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new DomainError('unavailable', 'no leading server answered in time; send it again'));
      }, timeoutMs);
      this.waiting.set(id, { resolve, reject, timer });
    });
    try {
      await this.o.log.append(COMMANDS_TOPIC, [{ key: id, value: JSON.stringify(full), headers: this.headers }]);
    } catch (err) {
      this.settle(id)?.reject(new DomainError('unavailable', 'the leading server could not be reached; send it again', undefined, { cause: err }));
    }
    return reply;
  }

  private onCommand(value: string, handlers: ServerBusHandlers): void {
    const command = forwardedCommandSchema.parse(JSON.parse(value));
    if (command.deployment !== this.o.deployment || this.now() >= command.expires_at) return;
    const run = handlers.command(command);
    if (!run) return;
    void run
      .then(
        (result): CommandReply => ({ id: command.id, ok: true, result }),
        (err: unknown): CommandReply =>
          err instanceof DomainError
            ? { id: command.id, ok: false, kind: err.kind, message: err.message, details: err.details }
            : { id: command.id, ok: false, kind: 'unavailable', message: 'the leading server could not take it; send it again' },
      )
      .then((reply) => this.o.log.append(COMMAND_REPLIES_TOPIC, [{ key: command.reply_to, value: JSON.stringify(reply), headers: this.headers }]))
      .catch((err: unknown) => this.o.logger.error({ err, command: command.id }, 'the reply to a forwarded command was NOT sent; the sender answers 503'));
  }

  private onReply(reply: CommandReply): void {
    const waiting = this.settle(reply.id);
    if (!waiting) return;
    if (reply.ok) waiting.resolve(reply.result);
    else waiting.reject(new DomainError(reply.kind, reply.message, reply.details));
  }

  private settle(id: string): Waiting | undefined {
    const waiting = this.waiting.get(id);
    if (!waiting) return undefined;
    clearTimeout(waiting.timer);
    this.waiting.delete(id);
    return waiting;
  }

  async stop(): Promise<void> {
    for (const id of [...this.waiting.keys()]) this.settle(id)?.reject(new DomainError('unavailable', 'the server is shutting down; send it again'));
    await this.consumer?.disconnect().catch(() => undefined);
  }
}
