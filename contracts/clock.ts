/**
 * Time and ids as values passed in, never read from globals: a demo or a test moves time by
 * handing the product another clock, not by patching `Date`.
 */
import { randomUUID } from 'node:crypto';

/** Milliseconds since the epoch, as the product sees them. */
export type Clock = () => number;

/** A fresh unique id per call (capacity requests, audit records). */
export type IdSource = () => string;

/** The machine's clock. */
export const systemClock: Clock = () => Date.now();

/** Random UUIDs (v4). */
export const randomIds: IdSource = () => randomUUID();

/** A clock running at real speed from `startMs` on (`startMs` is what it reads now). */
export function clockStartingAt(startMs: number, base: Clock = systemClock): Clock {
  const offset = startMs - base();
  return () => base() + offset;
}

/** A clock that reads `nowMs` until moved: for tests. */
export function manualClock(nowMs: number): Clock & { set(ms: number): void; advance(ms: number): void } {
  let now = nowMs;
  const clock = () => now;
  return Object.assign(clock, {
    set: (ms: number) => void (now = ms),
    advance: (ms: number) => void (now += ms),
  });
}

/** A clock that starts at `startMs` and runs `factor` times faster than `base` (soak runs). */
export function acceleratedClock(startMs: number, factor: number, base: Clock = systemClock): Clock {
  const realStart = base();
  return () => startMs + (base() - realStart) * factor;
}
