/**
 * `MetricsStore.periodTasks` on the durable embedded store: the task events of a period read back
 * from the SQLite event journal (the retention period is kept there), each task folded into its
 * first times. The in-memory engine keeps no assignment times, so the journal is the source.
 *
 * Cost: the appends whose newest record is at or after the period's start (an index), so a period
 * near now reads little; a record's `occurred_at` is checked before its JSON is parsed.
 */
import type { OpsEvent } from '../../contracts/events.js';
import { EVENTS_TOPIC } from '../../contracts/topics.js';
import type { PeriodTask } from '../metrics-store.js';
import { occurredAtOf, type SqliteLogJournal } from './sqlite-log-journal.js';

/** Folds one task event into its task's first times (a duplicate changes nothing). */
export function foldPeriodEvent(tasks: Map<string, PeriodTask>, type: string, taskId: string, queue: string, at: number): void {
  let t = tasks.get(taskId);
  if (!t) tasks.set(taskId, (t = { taskId, queue, createdAt: null, heldAt: null, startAt: null, completedAt: null, cancelledAt: null }));
  const first = (current: number | null) => (current === null || at < current ? at : current);
  switch (type) {
    case 'task.created':
      // The queue of a created event wins over any other; among created events the smallest.
      if (t.createdAt === null || queue < t.queue) t.queue = queue;
      t.createdAt = first(t.createdAt);
      return;
    case 'task.assigned':
      t.heldAt = first(t.heldAt);
      break;
    case 'task.started':
      t.heldAt = first(t.heldAt);
      t.startAt = first(t.startAt);
      break;
    case 'task.completed':
      t.completedAt = first(t.completedAt);
      break;
    case 'task.cancelled':
      t.cancelledAt = first(t.cancelledAt);
  }
  if (t.createdAt === null && queue < t.queue) t.queue = queue;
}

/** The period's tasks sorted by id (see MetricsStore.periodTasks). */
export function sortedTasks(tasks: Map<string, PeriodTask>): PeriodTask[] {
  return [...tasks.values()].sort((a, b) => (a.taskId < b.taskId ? -1 : a.taskId > b.taskId ? 1 : 0));
}

/** Tasks with an event at `occurred_at` in [fromMs, toMs), from the journal. */
export function readPeriodTasks(journal: Pick<SqliteLogJournal, 'since'>, fromMs: number, toMs: number): PeriodTask[] {
  const tasks = new Map<string, PeriodTask>();
  for (const records of journal.since(EVENTS_TOPIC, fromMs)) {
    for (const r of records) {
      const at = occurredAtOf(r, NaN);
      if (!(at >= fromMs && at < toMs)) continue;
      // NOTE: stored events passed validation when they were taken.
      const e = JSON.parse(r.value) as OpsEvent;
      if (e.type !== 'staffing.updated') foldPeriodEvent(tasks, e.type, e.task_id, e.queue, at);
    }
  }
  return sortedTasks(tasks);
}
