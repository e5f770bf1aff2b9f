/**
 * The backlog sparklines of the queues on screen: one history per queue (the last hour), loaded
 * when the queue list changes and then once a minute; the live value is added at render time.
 */
import { fetchHistory } from './api';
import { startPoller, type Poller } from './poller';
import { SPARKLINE_POINTS, type OpsStore } from './store';

const REFRESH_MS = 60_000;

/** Starts loading sparklines for whatever queues the store's snapshot holds. */
export function startSparklines(store: OpsStore, token: string | null): Poller {
  const poller = startPoller(async (signal) => {
    const queues = store.getState().snapshot?.queues.map((q) => q.queue) ?? [];
    if (queues.length === 0) return;
    const settled = await Promise.allSettled(queues.map((queue) => fetchHistory({ token, queue, minutes: SPARKLINE_POINTS }, signal)));
    if (signal.aborted) return;
    store.getState().setSparklines(new Map(queues.map((queue, i) => [queue, settled[i].status === 'fulfilled' ? settled[i].value : null])));
  }, REFRESH_MS);
  // The first snapshot, or a change of the queue list, needs sparklines now rather than in a minute.
  let queueKey = '';
  const unsubscribe = store.subscribe((state) => {
    const key = state.snapshot?.queues.map((q) => q.queue).join('\n') ?? '';
    if (key === queueKey) return;
    queueKey = key;
    poller.refresh();
  });
  return {
    refresh: poller.refresh,
    stop() {
      unsubscribe();
      poller.stop();
    },
  };
}
