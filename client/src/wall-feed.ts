/**
 * Everything that keeps the wall current, started and stopped together: the socket, the trend
 * history (all queues, or the site's), the backlog sparklines, and the clock.
 */
import { fetchHistory } from './api';
import { startPoller, messageOf } from './poller';
import { connectLive } from './socket';
import { startSparklines } from './sparkline-feed';
import type { OpsStore } from './store';

/** The trend covers this many minutes, all queues combined. */
export const TREND_MINUTES = 60;
const HISTORY_REFRESH_MS = 60_000;
const CLOCK_POLL_MS = 250;

/** Starts the wall's feeds (of one site's queues with `site`); returns the function that stops them all. */
export function startWallFeed(store: OpsStore, token: string | null, site?: string): () => void {
  store.getState().reset(Date.now());
  const trend = startPoller(async (signal) => {
    try {
      store.getState().setTrend(await fetchHistory({ token, minutes: TREND_MINUTES, site }, signal));
    } catch (error) {
      if (!signal.aborted) store.getState().setTrendError(messageOf(error));
    }
  }, HISTORY_REFRESH_MS);
  const sparklines = startSparklines(store, token);
  // A (re)connect may follow a gap of minutes: reload the histories rather than wait for the minute.
  const live = connectLive({
    store,
    token,
    subscription: { view: 'wall', ...(site && { site }) },
    onConnect: () => {
      store.getState().setAuthError(null);
      trend.refresh();
      sparklines.refresh();
    },
    // The wall says how to give it a token (TokenNeeded) instead of waiting for data that never comes.
    onRefused: (reason) => {
      if (/unauthori[sz]ed|forbidden|401|403/i.test(reason)) store.getState().setAuthError(reason);
    },
  });
  // NOTE: polled at 250 ms but stored per whole second, so the clock never skips a second and
  // the stale banner shows at most 250 ms after the 5 s without data.
  const clock = setInterval(() => store.getState().tick(Date.now()), CLOCK_POLL_MS);
  return () => {
    clearInterval(clock);
    live.close();
    trend.stop();
    sparklines.stop();
  };
}
