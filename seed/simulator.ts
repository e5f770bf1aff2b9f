/**
 * The simulator: drives the back-office model on a virtual clock and appends what it produces
 * to the event log, like an upstream system would.
 *
 * Clock semantics. The simulated clock starts `backfillHours` before now and never runs ahead of
 * the real clock, so no `occurred_at` is ever in the future (the pipeline rejects events more
 * than 5 minutes ahead).
 * - `backfill()` runs the model from there up to now as fast as the log takes it, one append per
 *   simulated 10 minutes.
 * - `start()` then follows the real clock: a timer every 250 ms advances the model to now and
 *   appends what that step produced in one batch.
 * - `speed` (default 1) only matters while the simulated clock is behind the real one: at 60 it
 *   catches up one simulated minute per real second. `start()` without `backfill()` and
 *   `speed: 60` replays the last `backfillHours` on the wall, then runs in real time. At speed 1
 *   a lag (no backfill, or a log that was down) is caught up one 10-minute batch per tick.
 * `start()` may be called while a backfill runs: the live loop waits for it to end.
 */
import { systemClock, type Clock } from '../contracts/clock.js';
import type { OpsConfig } from '../contracts/config.js';
import type { EventLog, LogMessage } from '../contracts/event-log.js';
import { eventKey, type OpsEvent } from '../contracts/events.js';
import { EVENTS_TOPIC } from '../contracts/topics.js';
import { BackOfficeModel, type CarriedTask } from './back-office-model.js';
import { randomSeed } from './random.js';

const HOUR_MS = 60 * 60 * 1000;
/** Simulated time covered by one append while catching up. */
export const CATCH_UP_BATCH_MS = 10 * 60 * 1000;
export const DEFAULT_TICK_MS = 250;
export const DEFAULT_BACKFILL_HOURS = 8;

/** What the simulator logs through; a pino logger fits. */
export interface SimulatorLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface SimulatorOptions {
  config: OpsConfig;
  log: Pick<EventLog, 'append'>;
  /** The real clock (epoch ms; default systemClock). */
  now?: Clock;
  /** Same seed, same start instant: same events. Default: a fresh seed per run. */
  seed?: number;
  /** How far back the simulated clock starts (default 8). */
  backfillHours?: number;
  /** Simulated ms per real ms while behind the real clock (default 1; at least 1). */
  speed?: number;
  tickMs?: number;
  logger?: SimulatorLogger;
  /** Tasks left open by an earlier run (a restart without backfill): the model works them off. */
  carryOver?: readonly CarriedTask[];
}

export interface Simulator {
  /** Writes the last `backfillHours` up to now, as fast as the log takes it. Call before `start()`. */
  backfill(): Promise<{ events: number }>;
  /** Starts the live loop (idempotent). */
  start(): void;
  /** Clears the timer and waits for an append in flight. */
  stop(): Promise<void>;
  /** A partner puts extra agents on a queue until `untilMs` (e.g. an accepted capacity request). */
  addAgents(teamId: string, queueId: string, agents: number, untilMs: number): void;
  /** The simulated instant reached so far. */
  readonly clockMs: number;
}

const quietLogger: SimulatorLogger = { info() {}, warn() {} };

function toMessage(event: OpsEvent): LogMessage {
  return { key: eventKey(event), value: JSON.stringify(event) };
}

/** Creates a simulator over a configuration and an event log. */
export function createSimulator(options: SimulatorOptions): Simulator {
  const { config, log } = options;
  const now = options.now ?? systemClock;
  const logger = options.logger ?? quietLogger;
  const backfillHours = options.backfillHours ?? DEFAULT_BACKFILL_HOURS;
  const speed = options.speed ?? 1;
  const tickMs = options.tickMs ?? DEFAULT_TICK_MS;
  if (!Number.isFinite(backfillHours) || backfillHours < 0) throw new Error('backfillHours must be a number >= 0');
  if (!Number.isFinite(speed) || speed < 1) throw new Error('speed must be a number >= 1');
  if (!Number.isFinite(tickMs) || tickMs <= 0) throw new Error('tickMs must be a positive number');

  const model = new BackOfficeModel({
    config,
    startMs: now() - backfillHours * HOUR_MS,
    seed: options.seed ?? randomSeed(),
  });
  if (options.carryOver) model.adopt(options.carryOver);
  let timer: ReturnType<typeof setInterval> | undefined;
  let inFlight: Promise<void> | undefined;
  let backfilling: Promise<{ events: number }> | undefined;
  let backfillRunning = false;
  let started = false;
  let stopped = false;
  let failing = false;
  let lastRealMs = now();
  // A batch the log refused; it is retried before the model moves on, so memory stays bounded.
  let pending: LogMessage[] = [];

  async function flush(): Promise<number> {
    if (pending.length === 0) return 0;
    const batch = pending;
    await log.append(EVENTS_TOPIC, batch);
    pending = [];
    return batch.length;
  }

  function produce(targetMs: number): void {
    if (targetMs > model.clockMs) pending = model.advanceTo(targetMs).map(toMessage);
  }

  function liveTarget(): number {
    const realMs = now();
    const elapsed = Math.max(0, realMs - lastRealMs);
    lastRealMs = realMs;
    const wanted = speed === 1 ? realMs : model.clockMs + elapsed * speed;
    return Math.min(realMs, wanted, model.clockMs + CATCH_UP_BATCH_MS);
  }

  async function step(): Promise<void> {
    // A backfill in progress owns the model; the live loop picks up where it ends.
    if (backfillRunning) return;
    try {
      if (pending.length === 0) produce(liveTarget());
      await flush();
      if (failing) logger.info({ clock: new Date(model.clockMs).toISOString() }, 'simulator: event log reachable again');
      failing = false;
    } catch (err) {
      if (!failing) logger.warn({ err, held: pending.length }, 'simulator: event log append failed; retrying, the clock waits');
      failing = true;
    }
  }

  return {
    get clockMs() {
      return model.clockMs;
    },

    backfill() {
      if (started || stopped) return Promise.reject(new Error('backfill() must run before start() and stop()'));
      backfilling ??= (async () => {
        backfillRunning = true;
        const from = model.clockMs;
        let events = await flush();
        // NOTE: stop() during a backfill ends it after the append in hand.
        for (let target = Math.min(now(), model.clockMs + CATCH_UP_BATCH_MS); target > model.clockMs && !stopped; ) {
          produce(target);
          events += await flush();
          target = Math.min(now(), model.clockMs + CATCH_UP_BATCH_MS);
        }
        lastRealMs = now();
        logger.info(
          { events, from: new Date(from).toISOString(), to: new Date(model.clockMs).toISOString() },
          'simulator: backfill written',
        );
        return { events };
      })()
        .catch((err: unknown) => {
          backfilling = undefined; // a later call may try again; the refused batch is kept
          throw err;
        })
        .finally(() => {
          backfillRunning = false;
        });
      return backfilling;
    },

    start() {
      if (started || stopped) return;
      started = true;
      lastRealMs = now();
      timer = setInterval(() => {
        // NOTE: one step at a time; a slow append makes the next ticks skip, not pile up.
        if (inFlight) return;
        inFlight = step().finally(() => {
          inFlight = undefined;
        });
      }, tickMs);
    },

    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await inFlight;
      await backfilling?.catch(() => undefined);
      if (pending.length > 0) logger.warn({ dropped: pending.length }, 'simulator: stopped with events the log refused');
    },

    addAgents(teamId, queueId, agents, untilMs) {
      model.addAgents(teamId, queueId, agents, untilMs);
    },
  };
}
