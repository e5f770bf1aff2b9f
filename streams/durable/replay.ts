/**
 * Start-up of the durable embedded default: the task events on disk are applied to the (in-memory)
 * metrics store before anything new is taken, so a restart, even after `kill -9`, shows the same
 * numbers and knows every stored `event_id`.
 */
import type { OpsConfig } from '../../contracts/config.js';
import type { OpsEvent } from '../../contracts/events.js';
import { EVENTS_TOPIC } from '../../contracts/topics.js';
import type { MetricsStore } from '../metrics-store.js';
import type { SqliteLogJournal } from './sqlite-log-journal.js';

export interface ReplayProgress {
  events: number;
  seconds: number;
}

/**
 * Applies every stored task event to `store`, reporting progress about once a second. Events the
 * configuration no longer knows (a queue or team removed since) are skipped and counted.
 */
export async function replayStoredEvents(
  journal: Pick<SqliteLogJournal, 'read'>,
  store: Pick<MetricsStore, 'apply'>,
  config: OpsConfig,
  progress: (p: ReplayProgress & { skipped: number; done: boolean }) => void,
  timer: () => number = () => performance.now(),
): Promise<ReplayProgress & { skipped: number }> {
  const started = timer();
  let events = 0;
  let skipped = 0;
  let reported = started;
  for (const records of journal.read(EVENTS_TOPIC)) {
    const batch: OpsEvent[] = [];
    for (const r of records) {
      // NOTE: stored events passed validation when they were taken; only the config may have moved.
      const event = JSON.parse(r.value) as OpsEvent;
      if (config.queueIndex.has(event.queue) && (event.team === undefined || config.teamIndex.has(event.team))) batch.push(event);
      else skipped++;
    }
    await store.apply(batch);
    events += batch.length;
    const now = timer();
    if (now - reported >= 1000) {
      reported = now;
      progress({ events, skipped, seconds: (now - started) / 1000, done: false });
    }
  }
  const result = { events, skipped, seconds: (timer() - started) / 1000 };
  progress({ ...result, done: true });
  return result;
}
