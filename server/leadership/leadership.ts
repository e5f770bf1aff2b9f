/**
 * The `Leadership` port (issue 10, several servers): exactly one server at a time runs the
 * alerting loop and the capacity requests. Embedded (one process): this server always leads.
 * Kafka (kafka-leadership.ts): whoever holds partition 0 of a one-partition topic in one consumer
 * group leads, and the group hands it over when the leader stops or dies.
 *
 * Handovers run one at a time and in order (`LeadershipTerms`): `deposed` has finished before a
 * later `elected` starts, and the other way round.
 */
import { systemClock, type Clock } from '../../contracts/clock.js';

export interface LeadershipHandlers {
  /** This server now leads: take over (reload, start the loops); resolves once it leads. */
  elected(): Promise<void>;
  /** This server no longer leads: stop the loops and deliveries; resolves once they stopped. */
  deposed(): Promise<void>;
}

export interface Leadership {
  readonly kind: 'embedded' | 'kafka';
  /** Whether this server leads now: `elected` has finished and `deposed` has not begun. */
  leading(): boolean;
  /** Joins the election; handlers are called as leadership comes and goes. */
  start(handlers: LeadershipHandlers): Promise<void>;
  /** Steps down (`deposed` awaited when leading), then leaves the election. */
  stop(): Promise<void>;
}

interface TermLogger {
  info(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * Runs `elected`/`deposed` one at a time towards the state last asked for. A take-over that failed
 * (the store unreachable) is stepped back from, and tried again by a later `want(true)` once
 * `retryMs` have passed, so a leader that cannot restore does not hold the lead doing nothing.
 */
export class LeadershipTerms {
  private wanted = false;
  private isLeading = false;
  private running: Promise<void> | undefined;
  private failedAt = -Infinity;

  constructor(
    private readonly handlers: LeadershipHandlers,
    private readonly logger: TermLogger,
    private readonly now: Clock = systemClock,
    private readonly retryMs = 5000,
  ) {}

  leading(): boolean {
    return this.isLeading;
  }

  /** Asks for leading (true) or following (false); resolves once that state is reached, or taking over failed. */
  want(lead: boolean): Promise<void> {
    this.wanted = lead;
    this.running ??= this.settle().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async settle(): Promise<void> {
    while (this.wanted !== this.isLeading) {
      if (this.wanted) {
        if (this.now() - this.failedAt < this.retryMs) return;
        try {
          this.logger.info({}, 'leadership: this server now leads; taking over alerting and capacity requests');
          await this.handlers.elected();
          this.isLeading = true;
        } catch (err) {
          this.failedAt = this.now();
          this.logger.error({ err }, `leadership: taking over failed; trying again in ${this.retryMs / 1000} s`);
          await this.handlers.deposed().catch(() => undefined);
          return;
        }
      } else {
        this.isLeading = false;
        this.logger.info({}, 'leadership: this server no longer leads; alerting and capacity requests stopped here');
        await this.handlers.deposed().catch((err: unknown) => this.logger.error({ err }, 'leadership: stepping down failed'));
      }
    }
  }
}

/** One process: it always leads. */
export class EmbeddedLeadership implements Leadership {
  readonly kind = 'embedded' as const;
  private terms: LeadershipTerms | undefined;

  leading(): boolean {
    return this.terms?.leading() ?? false;
  }

  async start(handlers: LeadershipHandlers): Promise<void> {
    this.terms = new LeadershipTerms(handlers, { info: () => undefined, error: () => undefined });
    await this.terms.want(true);
  }

  async stop(): Promise<void> {
    await this.terms?.want(false);
  }
}
