/**
 * Posting chat messages: signed per Standard Webhooks like capacity requests (signing.ts), on the
 * same attempt rules (webhook-delivery.ts: own timeout, no redirects, 5xx and network errors
 * retried, other refusals not) and the one backoff schedule (streams/backoff.ts). Messages of one
 * team go out one after another, in order, so a "resolved" never overtakes its "firing"; each
 * team's line holds at most `maxQueued` messages (the oldest waiting one gives way).
 *
 * `send` returns at once: alerting never waits for a chat tool.
 */
import type { Clock } from '../../contracts/clock.js';
import { backoffDelay, Sleeper } from '../../streams/backoff.js';
import { postSigned, type DeliveryPolicy } from '../capacity/webhook-delivery.js';

export interface ChatPost {
  team: string;
  url: string;
  /** The variable holding the signing secret. */
  secretEnv: string;
  /** `webhook-id`: the same on every attempt. */
  id: string;
  body: string;
}

export interface ChatDeliveryOptions {
  secret(envName: string): string | undefined;
  /** Real time for signature timestamps, which receivers check against their own clock. */
  wallClock: Clock;
  fetch: typeof fetch;
  random: () => number;
  policy: DeliveryPolicy;
  logger: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
  /** Messages waiting per team (default 50). */
  maxQueued?: number;
  /** Told of a message given up on (refused, or retries ran out): the audit trail records it. */
  onGiveUp?(giveUp: ChatGiveUp): void;
}

/** A message that will not reach its team. */
export interface ChatGiveUp {
  team: string;
  messageId: string;
  attempts: number;
  lastError: string | null;
}

/** What became of one message. */
export type ChatOutcome = 'delivered' | 'refused' | 'gave_up' | 'no_secret' | 'shut_down';

export class ChatDelivery {
  private readonly lines = new Map<string, { waiting: ChatPost[]; running: Promise<void> | undefined }>();
  private readonly sleeper = new Sleeper();
  private readonly shutdown = new AbortController();

  constructor(private readonly o: ChatDeliveryOptions) {}

  /** Queues a message on its team's line; returns at once. */
  send(post: ChatPost): void {
    if (this.shutdown.signal.aborted) return;
    let line = this.lines.get(post.team);
    if (!line) this.lines.set(post.team, (line = { waiting: [], running: undefined }));
    line.waiting.push(post);
    if (line.waiting.length > (this.o.maxQueued ?? 50)) {
      const dropped = line.waiting.shift()!;
      this.o.logger.warn({ team: post.team, message: dropped.id }, 'chat: too many messages waiting; the oldest is dropped');
    }
    if (!line.running) line.running = this.drain(post.team, line);
  }

  /** Resolves once no message waits or is being sent. */
  async idle(): Promise<void> {
    while ([...this.lines.values()].some((l) => l.running)) await Promise.allSettled([...this.lines.values()].map((l) => l.running));
  }

  /** Cuts attempts in flight and retries short; waiting messages are not sent. */
  async close(): Promise<void> {
    this.shutdown.abort();
    this.sleeper.wakeAll();
    await this.idle();
  }

  private async drain(team: string, line: { waiting: ChatPost[]; running: Promise<void> | undefined }): Promise<void> {
    try {
      for (let post = line.waiting.shift(); post && !this.shutdown.signal.aborted; post = line.waiting.shift()) {
        await this.deliver(post).catch((err: unknown) => this.o.logger.error({ err, team, message: post!.id }, 'chat delivery failed unexpectedly'));
      }
    } finally {
      line.waiting.length = 0;
      line.running = undefined;
    }
  }

  /** Every attempt of one message; never throws on a refusal or a failure. */
  async deliver(post: ChatPost): Promise<ChatOutcome> {
    const { policy, logger } = this.o;
    const secret = this.o.secret(post.secretEnv);
    if (!secret) {
      logger.warn({ team: post.team, variable: post.secretEnv }, 'chat message not sent: its signing secret is not set');
      return 'no_secret';
    }
    for (let attempt = 1; ; attempt++) {
      const outcome = await postSigned({
        url: post.url,
        secret,
        id: post.id,
        body: post.body,
        at: new Date(this.o.wallClock()),
        timeoutMs: policy.timeoutMs,
        fetch: this.o.fetch,
        signal: this.shutdown.signal,
      });
      if (outcome.kind === 'delivered') return 'delivered';
      if (this.shutdown.signal.aborted) return 'shut_down';
      if (outcome.kind === 'refused') {
        logger.warn({ team: post.team, message: post.id, error: outcome.error }, 'chat message refused by the receiver; not sent again');
        this.o.onGiveUp?.({ team: post.team, messageId: post.id, attempts: attempt, lastError: outcome.error });
        return 'refused';
      }
      if (attempt >= policy.maxAttempts) {
        logger.error({ team: post.team, message: post.id, error: outcome.error, attempts: attempt }, 'chat message given up on');
        this.o.onGiveUp?.({ team: post.team, messageId: post.id, attempts: attempt, lastError: outcome.error });
        return 'gave_up';
      }
      const delay = backoffDelay(attempt, { baseMs: policy.baseDelayMs, maxMs: policy.maxDelayMs }, this.o.random);
      logger.warn({ team: post.team, message: post.id, attempt, error: outcome.error, retry_in_ms: delay }, 'chat message delivery failed; retrying');
      await this.sleeper.sleep(delay);
    }
  }

}
