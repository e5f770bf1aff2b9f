/**
 * Coalesces the partition batches a consumer holds at the same time into one store write (and
 * one DLQ append), and tells each batch when the write that holds it succeeded, so that only
 * then are its offsets resolved.
 *
 * A write starts once the oldest batch waiting has lingered `lingerMs`, or `maxRows` rows are
 * waiting, or a batch says more records wait behind it (catching up: lingering gains nothing), or
 * the consumer is stopping. One write runs at a time. A failing write is retried
 * with capped, jittered backoff and the batches stay in hand, which pauses fetching (kafkajs
 * fetches again only after every batch in hand returned). Once stopping, a write that still
 * fails after `drainTimeoutMs` is given up: its batches return unresolved and are read again.
 * Elapsed time (linger, drain deadline, write duration) is read from the `timer` clock.
 */
import { systemClock, type Clock } from '../contracts/clock.js';
import type { LogMessage } from '../contracts/event-log.js';
import type { OpsEvent } from '../contracts/events.js';
import type { ApplyResult } from './metrics-store.js';
import { backoffDelay } from './backoff.js';

export interface CoalescerPart {
  topic: string;
  partition: number;
  events: OpsEvent[];
  /** The offset each event was read at. */
  offsets: number[];
  /** The batch's last offset (dead-lettered records included). */
  lastOffset: number;
  /** DLQ messages, each with its `reason` header. */
  dead: LogMessage[];
  /** Records of the partition after this batch (Kafka): when more are waiting, lingering gains nothing. */
  behind?: number;
  /** True when this batch's consumer is stopping or rebalancing: write now, don't wait. */
  isStopping(): boolean;
}

export interface CoalescerSinks {
  /** Stores the parts' events in one write. */
  apply(parts: CoalescerPart[]): Promise<ApplyResult>;
  deadLetter(messages: LogMessage[]): Promise<void>;
}

export interface CoalescerHooks {
  /** A store write succeeded: how many rows, how long it took, what the store said. */
  written?(rows: number, seconds: number, result: ApplyResult): void;
  /** DLQ messages written. */
  deadLettered?(messages: LogMessage[]): void;
  /** A write attempt failed; it is retried after `retryInMs`, or given up when that is undefined. */
  failed?(err: unknown, attempt: number, retryInMs: number | undefined): void;
}

export interface CoalescerOptions {
  lingerMs: number;
  maxRows: number;
  retry: { initialMs: number; maxMs: number };
  drainTimeoutMs: number;
  /** The clock lingers, drain deadlines and write durations are measured on (default systemClock). */
  timer?: Clock;
}

interface Waiting {
  part: CoalescerPart;
  at: number;
  done(written: boolean): void;
}

export class WriteCoalescer {
  private waiting: Waiting[] = [];
  private rows = 0;
  private lingerTimeout: ReturnType<typeof setTimeout> | undefined;
  private writing = false;
  private draining = false;
  /** Wakes a retry sleep early (drain started). */
  private wakeRetry: (() => void) | undefined;
  private readonly timer: Clock;

  constructor(
    private readonly sinks: CoalescerSinks,
    private readonly options: CoalescerOptions,
    private readonly hooks: CoalescerHooks = {},
  ) {
    this.timer = options.timer ?? systemClock;
  }

  /** Hands a batch over; resolves true once the write holding it succeeded, false if it was given up. */
  submit(part: CoalescerPart): Promise<boolean> {
    return new Promise((done) => {
      this.waiting.push({ part, at: this.timer(), done });
      this.rows += part.events.length + part.dead.length;
      this.schedule();
    });
  }

  /** Stop lingering: write what is waiting at once; failing writes are given up after the drain timeout. */
  drain(): void {
    this.draining = true;
    this.wakeRetry?.();
    this.schedule();
  }

  /** Rows waiting for a write (not counting the write in progress). */
  get pendingRows(): number {
    return this.rows;
  }

  private get oldestAt(): number {
    return this.waiting[0]?.at ?? this.timer();
  }

  private due(): boolean {
    return (
      this.draining ||
      this.rows >= this.options.maxRows ||
      this.timer() - this.oldestAt >= this.options.lingerMs ||
      this.waiting.some((w) => (w.part.behind ?? 0) > 0) ||
      this.waiting.some((w) => w.part.isStopping())
    );
  }

  private schedule(): void {
    if (this.writing || this.waiting.length === 0) return;
    if (this.due()) {
      if (this.lingerTimeout) clearTimeout(this.lingerTimeout);
      this.lingerTimeout = undefined;
      void this.writeLoop();
      return;
    }
    // NOTE: when the timeout fires, due() decides on the timer clock; not due yet, it re-arms.
    this.lingerTimeout ??= setTimeout(() => {
      this.lingerTimeout = undefined;
      this.schedule();
    }, Math.max(0, this.oldestAt + this.options.lingerMs - this.timer()));
  }

  private async writeLoop(): Promise<void> {
    this.writing = true;
    try {
      while (this.waiting.length > 0 && this.due()) {
        const batch = this.waiting;
        this.waiting = [];
        this.rows = 0;
        const written = await this.write(batch.map((w) => w.part));
        for (const w of batch) w.done(written);
      }
    } finally {
      this.writing = false;
    }
    this.schedule();
  }

  /** Writes the events, then the DLQ messages; each step once, retried until it succeeds or is given up. */
  private async write(parts: CoalescerPart[]): Promise<boolean> {
    const events = parts.reduce((n, p) => n + p.events.length, 0);
    const dead = parts.flatMap((p) => p.dead);
    let stored = events === 0;
    let deadLettered = dead.length === 0;
    let giveUpAt: number | undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        if (!stored) {
          const started = this.timer();
          const result = await this.sinks.apply(parts);
          stored = true;
          this.hooks.written?.(events, (this.timer() - started) / 1000, result);
        }
        if (!deadLettered) {
          await this.sinks.deadLetter(dead);
          deadLettered = true;
          this.hooks.deadLettered?.(dead);
        }
        return true;
      } catch (err) {
        if (this.draining || parts.some((p) => p.isStopping())) giveUpAt ??= this.timer() + this.options.drainTimeoutMs;
        let delay = backoffDelay(attempt, { baseMs: this.options.retry.initialMs, maxMs: this.options.retry.maxMs });
        if (giveUpAt !== undefined) {
          // The last attempt falls on the deadline; after it, the batches go back unresolved.
          const left = giveUpAt - this.timer();
          if (left <= 0) {
            this.hooks.failed?.(err, attempt, undefined);
            return false;
          }
          delay = Math.min(delay, left);
        }
        this.hooks.failed?.(err, attempt, delay);
        await new Promise<void>((resolve) => {
          const sleeping = setTimeout(resolve, delay);
          this.wakeRetry = () => {
            clearTimeout(sleeping);
            resolve();
          };
        });
        this.wakeRetry = undefined;
      }
    }
  }
}
