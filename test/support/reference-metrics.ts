/**
 * A brute-force reading of SPEC section 3: recomputes every metric from the raw event list at
 * `now`, with no incremental state. Slow and obvious on purpose; the engines are checked against it.
 */
import type { OpsConfig } from '../../contracts/config.js';
import type { OpsEvent } from '../../contracts/events.js';

export interface RefTask {
  queue: string;
  createdAt: number;
  startAt?: number;
  startTeam?: string;
  completedAt?: number;
  cancelledAt?: number;
}

export interface RefValues {
  backlog: number;
  waiting: number;
  in_progress: number;
  oldest_wait_seconds: number;
  breached: number;
  at_risk: number;
  arrivals: number;
  started: number;
  completions: number;
  waits: number[];
  sla_attainment: number | null;
  staffed_agents: number;
}

/**
 * Deduplicates by event id (first delivered wins). Every accepted event counts, the near future
 * included: SPEC section 3 puts no time on the backlog, and the window metrics filter by time.
 */
export function dedupedEvents(events: readonly OpsEvent[]): OpsEvent[] {
  const seen = new Set<string>();
  const out: OpsEvent[] = [];
  for (const e of events) {
    if (seen.has(e.event_id)) continue;
    seen.add(e.event_id);
    out.push(e);
  }
  return out;
}

function firstOf(events: OpsEvent[], type: OpsEvent['type']): OpsEvent | undefined {
  return events
    .filter((e) => e.type === type)
    .sort((a, b) => Date.parse(a.occurred_at) - Date.parse(b.occurred_at) || (a.event_id < b.event_id ? -1 : 1))[0];
}

/** Every task that has a task.created, from the deduplicated events. */
export function referenceTasks(events: readonly OpsEvent[]): RefTask[] {
  const byTask = new Map<string, OpsEvent[]>();
  for (const e of events) {
    if (e.type === 'staffing.updated') continue;
    const list = byTask.get(e.task_id) ?? [];
    list.push(e);
    byTask.set(e.task_id, list);
  }
  const tasks: RefTask[] = [];
  for (const list of byTask.values()) {
    const created = firstOf(list, 'task.created');
    if (!created) continue;
    const start = firstOf(list, 'task.started');
    const completed = firstOf(list, 'task.completed');
    const cancelled = firstOf(list, 'task.cancelled');
    tasks.push({
      queue: created.queue,
      createdAt: Date.parse(created.occurred_at),
      startAt: start && Date.parse(start.occurred_at),
      startTeam: start?.team,
      completedAt: completed && Date.parse(completed.occurred_at),
      cancelledAt: cancelled && Date.parse(cancelled.occurred_at),
    });
  }
  return tasks;
}

function staffed(events: readonly OpsEvent[], queue: string, team?: string): number {
  const latest = new Map<string, OpsEvent & { type: 'staffing.updated' }>();
  for (const e of events) {
    if (e.type !== 'staffing.updated' || e.queue !== queue) continue;
    if (team !== undefined && e.team !== team) continue;
    const cur = latest.get(e.team);
    const at = Date.parse(e.occurred_at);
    if (!cur || at > Date.parse(cur.occurred_at) || (at === Date.parse(cur.occurred_at) && e.event_id > cur.event_id)) {
      latest.set(e.team, e);
    }
  }
  let sum = 0;
  for (const e of latest.values()) sum += e.agents;
  return sum;
}

/** The metrics of the tasks given (already narrowed to a queue, or a team on a queue). */
export function referenceValues(
  tasks: readonly RefTask[],
  events: readonly OpsEvent[],
  config: OpsConfig,
  queue: string,
  now: number,
  team?: string,
): RefValues {
  const target = config.queueIndex.get(queue)!.sla.target_seconds;
  const lo = now - config.window_minutes * 60_000;
  const inWindow = (t: number | undefined) => t !== undefined && t > lo && t <= now;
  const mine = tasks.filter((t) => t.queue === queue && (team === undefined || t.startTeam === team));
  const backlog = mine.filter((t) => t.completedAt === undefined && t.cancelledAt === undefined);
  const waiting = backlog.filter((t) => t.startAt === undefined);
  const ages = waiting.map((t) => (now - t.createdAt) / 1000);
  const started = mine.filter((t) => inWindow(t.startAt));
  const waits = started.map((t) => (t.startAt! - t.createdAt) / 1000).sort((a, b) => a - b);
  return {
    backlog: backlog.length,
    waiting: waiting.length,
    in_progress: backlog.length - waiting.length,
    oldest_wait_seconds: ages.length === 0 ? 0 : Math.max(0, Math.floor(Math.max(...ages))),
    breached: ages.filter((a) => a > target).length,
    at_risk: ages.filter((a) => a > 0.8 * target && a <= target).length,
    arrivals: mine.filter((t) => inWindow(t.createdAt)).length,
    started: started.length,
    completions: mine.filter((t) => inWindow(t.completedAt)).length,
    waits,
    sla_attainment: waits.length === 0 ? null : waits.filter((w) => w <= target).length / waits.length,
    staffed_agents: staffed(events, queue, team),
  };
}

/** True when `value` lies between the two order statistics around the rank q * (n - 1). */
export function quantileAcceptable(sortedAsc: readonly number[], q: number, value: number | null): boolean {
  if (sortedAsc.length === 0) return value === null;
  if (value === null) return false;
  const h = q * (sortedAsc.length - 1);
  const lo = sortedAsc[Math.floor(h)];
  const hi = sortedAsc[Math.ceil(h)];
  return value >= lo - 1e-9 && value <= hi + 1e-9;
}
