/**
 * Failed authentication limited per client address (issue 9): after `failures` wrong tokens within
 * `windowMs`, every attempt from that address answers 429 with `Retry-After` for a whole window,
 * HTTP and Socket.IO alike. One warn line and one `onBurst` call per burst, never per attempt,
 * naming the address and the count, never the token.
 *
 * NOTE: a small limiter of our own rather than rate-limiter-flexible: its memory store reads
 * `Date.now` and arms timers, while time here comes from an injected clock (tests move it).
 */
import type { Clock } from '../contracts/clock.js';

export interface AuthLimitPolicy {
  /** Failed attempts within `windowMs` that start a burst (default 20). */
  failures: number;
  /** The counting window, and how long a burst blocks the address (default 60 s). */
  windowMs: number;
  /** Addresses remembered at most; the least recently failed are forgotten first (default 10,000). */
  maxAddresses: number;
}

export const DEFAULT_AUTH_LIMIT: AuthLimitPolicy = { failures: 20, windowMs: 60_000, maxAddresses: 10_000 };

/** Called once per burst: where the audit trail records it. */
export type AuthBurstHook = (address: string, failures: number) => void;

export interface AuthLimiterOptions {
  policy?: Partial<AuthLimitPolicy>;
  /** Elapsed time (default: the machine's clock). */
  timer: Clock;
  logger: { warn(obj: object, msg?: string): void };
  onBurst?: AuthBurstHook;
}

interface Entry {
  /** Start of the counting window. */
  since: number;
  failures: number;
  /** Attempts are refused until then (0: not blocked). */
  blockedUntil: number;
}

export class AuthLimiter {
  readonly policy: AuthLimitPolicy;
  /** By address, least recently failed first (Map keeps insertion order; a failure re-inserts). */
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly o: AuthLimiterOptions) {
    this.policy = { ...DEFAULT_AUTH_LIMIT, ...o.policy };
  }

  /** Whole seconds `address` must wait before trying again; 0 when it may try now. */
  retryAfterSeconds(address: string): number {
    const entry = this.entries.get(address);
    const wait = entry ? entry.blockedUntil - this.o.timer() : 0;
    return wait > 0 ? Math.ceil(wait / 1000) : 0;
  }

  /** Records one failed authentication from `address`. */
  failed(address: string): void {
    const now = this.o.timer();
    let entry = this.entries.get(address);
    if (!entry || (now - entry.since >= this.policy.windowMs && entry.blockedUntil <= now)) entry = { since: now, failures: 0, blockedUntil: 0 };
    this.entries.delete(address);
    this.entries.set(address, entry);
    entry.failures++;
    if (entry.failures === this.policy.failures) {
      entry.blockedUntil = now + this.policy.windowMs;
      this.o.logger.warn(
        { address, failures: entry.failures, window_seconds: this.policy.windowMs / 1000, blocked_seconds: this.policy.windowMs / 1000 },
        'failed authentication burst: attempts from this address answer 429 until the window passes',
      );
      this.o.onBurst?.(address, entry.failures);
    }
    // NOTE: bounded, so a flood of addresses cannot grow memory without limit; the entries
    // forgotten are those that failed longest ago.
    while (this.entries.size > this.policy.maxAddresses) this.entries.delete(this.entries.keys().next().value!);
  }

  /** Addresses remembered now (tests, telemetry). */
  get size(): number {
    return this.entries.size;
  }
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;

/**
 * The client address of a Socket.IO handshake, as express's `trust proxy: 'loopback'` gives
 * `req.ip` for HTTP: the nearest address in `X-Forwarded-For` that is not a loopback proxy.
 */
export function clientAddress(remote: string | undefined, forwardedFor: string | string[] | undefined): string {
  const hops = [remote ?? 'unknown', ...String(forwardedFor ?? '').split(',').map((s) => s.trim()).filter(Boolean).reverse()];
  for (let i = 0; i < hops.length - 1; i++) if (!LOOPBACK.test(hops[i])) return hops[i];
  return hops[hops.length - 1];
}
