/**
 * At most a few `subscribe` per socket per second (issue 9: 20,000 subscribes on one socket
 * stalled `/healthz` for 2.7 s). Each subscribe joins a room and sends the view's alert and
 * capacity lists; past the limit it is refused before any of that, and a socket that keeps
 * flooding within one second is disconnected.
 */
import type { Clock } from '../contracts/clock.js';

export interface SubscribeLimitPolicy {
  /** Subscribes taken per one-second window (default 5). */
  perSecond: number;
  /** Refusals within one window after which the socket is disconnected (default 20). */
  refusalsBeforeDisconnect: number;
}

export const DEFAULT_SUBSCRIBE_LIMIT: SubscribeLimitPolicy = { perSecond: 5, refusalsBeforeDisconnect: 20 };

export type SubscribeVerdict = 'take' | 'refuse' | 'disconnect';

/** One socket's gate: call it for every subscribe, in order. */
export function subscribeGate(timer: Clock, policy: SubscribeLimitPolicy = DEFAULT_SUBSCRIBE_LIMIT): () => SubscribeVerdict {
  let windowStart = Number.NEGATIVE_INFINITY;
  let seen = 0;
  return () => {
    const now = timer();
    if (now - windowStart >= 1000) {
      windowStart = now;
      seen = 0;
    }
    seen++;
    if (seen <= policy.perSecond) return 'take';
    return seen - policy.perSecond >= policy.refusalsBeforeDisconnect ? 'disconnect' : 'refuse';
  };
}
