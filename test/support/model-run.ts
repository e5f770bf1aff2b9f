/**
 * Runs the simulator's pure model minute by minute over a stretch of simulated time and records
 * what the seed tests check: every event (checked on the wire form at the simulated now), each
 * task's lifecycle, and registration's waiting work at each hour.
 */
import type { OpsConfig } from '../../contracts/config.js';
import { checkEvent, type OpsEvent } from '../../contracts/events.js';
import { BackOfficeModel } from '../../seed/back-office-model.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** A Monday, 00:00 UTC. */
export const MONDAY = Date.parse('2026-11-23T00:00:00.000Z');
export const at = (e: OpsEvent) => Date.parse(e.occurred_at);

export interface Lifecycle {
  queue: string;
  created?: number;
  assigned?: number;
  started?: number;
  completed?: number;
  cancelled?: number;
  teams: Set<string>;
  priority?: number;
  count: number;
}

export interface Run {
  events: OpsEvent[];
  rejected: string[];
  /** Events whose `occurred_at` is after the instant the model was advanced to. */
  fromTheFuture: number;
  tasks: Map<string, Lifecycle>;
  /** Per weekday hour-end instant: registration tasks waiting (created, not started, not cancelled). */
  waitingAt: Map<number, number>;
  openTasksAtEnd: number;
}

/** Runs the model minute by minute, checking each event on the wire form at the simulated now. */
export function simulate(config: OpsConfig, seed: number, startMs: number, durationMs: number): Run {
  const model = new BackOfficeModel({ config, startMs, seed });
  const events: OpsEvent[] = [];
  const rejected: string[] = [];
  const tasks = new Map<string, Lifecycle>();
  const waitingAt = new Map<number, number>();
  const registrationWaiting = new Set<string>();
  let fromTheFuture = 0;
  for (let now = startMs; now <= startMs + durationMs; now += MINUTE) {
    for (const event of model.advanceTo(now)) {
      const check = checkEvent(JSON.parse(JSON.stringify(event)), config, now);
      if (!check.ok) rejected.push(`${event.event_id}: ${check.reason}`);
      if (at(event) > now) fromTheFuture++;
      events.push(event);
      if (event.type === 'staffing.updated') continue;
      const life = tasks.get(event.task_id) ?? { queue: event.queue, teams: new Set<string>(), count: 0 };
      tasks.set(event.task_id, life);
      life.count++;
      const kind = event.type.slice('task.'.length) as 'created' | 'assigned' | 'started' | 'completed' | 'cancelled';
      life[kind] = at(event);
      if (event.team) life.teams.add(event.team);
      if (event.type === 'task.created') life.priority = event.priority;
      if (event.queue === 'registration') {
        if (event.type === 'task.created') registrationWaiting.add(event.task_id);
        if (event.type === 'task.started' || event.type === 'task.cancelled') registrationWaiting.delete(event.task_id);
      }
    }
    if ((now - startMs) % HOUR === 0) waitingAt.set(now, registrationWaiting.size);
  }
  return { events, rejected, fromTheFuture, tasks, waitingAt, openTasksAtEnd: model.openTasks };
}
