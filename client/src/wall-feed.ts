/**
 * Everything that keeps the wall current, started and stopped together: the socket, the trend
 * history (loaded at start, then once a minute) and the one-second clock.
 */
import { fetchHistory } from './api';
import { connectWall } from './socket';
import type { WallStore } from './store';

/** The trend covers this many minutes, all queues combined. */
export const TREND_MINUTES = 60;
const HISTORY_REFRESH_MS = 60_000;
const CLOCK_POLL_MS = 250;

/** Starts the wall's feeds; returns the function that stops them all. */
export function startWallFeed(store: WallStore, token: string | null): () => void {
  const history = pollHistory(store, token);
  // A (re)connect may follow a gap of minutes: reload the trend rather than wait for the minute.
  const closeSocket = connectWall({ store, token, onConnect: history.refresh });
  // NOTE: polled at 250 ms but stored per whole second, so the clock never skips a second.
  const clock = setInterval(() => store.getState().tick(Date.now()), CLOCK_POLL_MS);
  return () => {
    clearInterval(clock);
    closeSocket();
    history.stop();
  };
}

function pollHistory(store: WallStore, token: string | null): { refresh(): void; stop(): void } {
  const controller = new AbortController();
  let inFlight = false;
  const refresh = (): void => {
    if (inFlight || controller.signal.aborted) return;
    inFlight = true;
    fetchHistory({ token, minutes: TREND_MINUTES }, controller.signal)
      .then((history) => store.getState().setHistory(history))
      .catch((error: unknown) => {
        if (!controller.signal.aborted) store.getState().setHistoryError(error instanceof Error ? error.message : String(error));
      })
      .finally(() => {
        inFlight = false;
      });
  };
  refresh();
  const timer = setInterval(refresh, HISTORY_REFRESH_MS);
  return {
    refresh,
    stop() {
      clearInterval(timer);
      controller.abort();
    },
  };
}
