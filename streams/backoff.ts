/**
 * The one retry schedule of the codebase: capped exponential backoff with jitter over the upper
 * half of each step, and the sleep between attempts that a stop cuts short. Used by the write
 * coalescer, both event logs' consumers, and partner and chat webhook delivery.
 */

export interface BackoffPolicy {
  /** The first step (attempt 1). */
  baseMs: number;
  /** No step is longer. */
  maxMs: number;
}

/** The delay after failed attempt `attempt` (1-based): half to all of min(max, base * 2^(attempt-1)). */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(Math.max(attempt, 1) - 1, 30));
  return Math.round(step * (0.5 + random() / 2));
}

/** Sleeps between attempts that a stop can cut short: `wakeAll()` ends every sleep at once. */
export class Sleeper {
  private readonly sleeping = new Set<() => void>();

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleeping.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleeping.add(wake);
    });
  }

  wakeAll(): void {
    for (const wake of this.sleeping) wake();
  }
}
