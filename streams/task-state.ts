/**
 * What a task's metrics depend on, and how they move when an event arrives. Shared by both
 * stores, so that the same events give the same metrics on both (SPEC section 8).
 *
 * A task keeps its earliest `task.created` (time, queue), its earliest `task.started` (time,
 * team), its earliest completion and cancellation. When an event changes one of these, the task's
 * old contribution is retracted and the new one asserted through a `ContributionSink`, touching
 * only the parts that differ. Late and out-of-order events are exact by construction.
 */
import type { TaskEvent } from '../contracts/events.js';

export interface TaskState {
  queue: string;
  createdAt: number;
  createdBy: string;
  startAt: number;
  startTeam: string;
  startedBy: string;
  completedAt: number;
  cancelledAt: number;
}

/** NaN marks "no such event". */
export const isSet = (t: number): boolean => t === t;
const same = (x: number, y: number) => x === y || (x !== x && y !== y);

export function newTask(): TaskState {
  return { queue: '', createdAt: NaN, createdBy: '', startAt: NaN, startTeam: '', startedBy: '', completedAt: NaN, cancelledAt: NaN };
}

/** Earlier time wins; at the same instant the smaller event id, so every engine agrees. */
const earlier = (at: number, id: string, currentAt: number, currentId: string) =>
  !isSet(currentAt) || at < currentAt || (at === currentAt && id < currentId);

/** Folds one task event (at `at` ms) into the state; false when it changes nothing. */
export function foldTaskEvent(task: TaskState, event: TaskEvent, at: number): boolean {
  const id = event.event_id;
  switch (event.type) {
    case 'task.created':
      if (!earlier(at, id, task.createdAt, task.createdBy)) return false;
      task.createdAt = at;
      task.createdBy = id;
      task.queue = event.queue;
      return true;
    case 'task.started':
      if (!earlier(at, id, task.startAt, task.startedBy)) return false;
      task.startAt = at;
      task.startedBy = id;
      task.startTeam = event.team;
      return true;
    case 'task.completed':
      if (isSet(task.completedAt) && task.completedAt <= at) return false;
      task.completedAt = at;
      return true;
    case 'task.cancelled':
      if (isSet(task.cancelledAt) && task.cancelledAt <= at) return false;
      task.cancelledAt = at;
      return true;
    case 'task.assigned':
      return false; // changes no metric; validated and deduplicated only
  }
}

/** Everything a task counts towards; `queue` empty when it counts nowhere (no task.created). */
export interface Contribution {
  queue: string;
  /** The team of the first start, or '' before it started. */
  team: string;
  open: boolean;
  started: boolean;
  createdAt: number;
  completedAt: number;
  startAt: number;
  waitMs: number;
  /** When it left the backlog for the history walk-back: max(created, first close); NaN if open. */
  leftAt: number;
}

export function blankContribution(): Contribution {
  return { queue: '', team: '', open: false, started: false, createdAt: NaN, completedAt: NaN, startAt: NaN, waitMs: NaN, leftAt: NaN };
}

/** Writes a task's contribution into `out` (reused: no garbage per event). */
export function contributionOf(t: TaskState, out: Contribution): Contribution {
  if (!isSet(t.createdAt)) {
    out.queue = '';
    return out;
  }
  const started = isSet(t.startAt);
  const closeAt = Math.min(isSet(t.completedAt) ? t.completedAt : Infinity, isSet(t.cancelledAt) ? t.cancelledAt : Infinity);
  out.queue = t.queue;
  out.team = started ? t.startTeam : '';
  out.open = closeAt === Infinity;
  out.started = started;
  out.createdAt = t.createdAt;
  out.completedAt = t.completedAt;
  out.startAt = t.startAt;
  out.waitMs = t.startAt - t.createdAt;
  out.leftAt = closeAt === Infinity ? NaN : Math.max(t.createdAt, closeAt);
  return out;
}

/** Where contributions go: aggregates in memory, or rows for ClickHouse. `team` '' means none. */
export interface ContributionSink {
  /** An open task (backlog), started or not. */
  open(queue: string, team: string, started: boolean, sign: number): void;
  /** A waiting task (open, not started) by creation time. */
  waiting(queue: string, createdAt: number, sign: number): void;
  /** Called once for the queue (team '') and once more for the team, if the task has one. */
  arrival(queue: string, team: string, createdAt: number, sign: number): void;
  /** Called like `arrival`. */
  completion(queue: string, team: string, completedAt: number, sign: number): void;
  /** Left the backlog at `at` (history only). */
  left(queue: string, at: number, sign: number): void;
  /** First start at `startAt` with its wait. */
  start(queue: string, team: string, startAt: number, waitMs: number, sign: number): void;
}

/**
 * Moves a task from what it counted towards (`a`) to what it counts towards now (`b`), telling
 * the sink only what differs: a task.started, say, leaves the arrival where it was.
 */
export function moveContribution(a: Contribution, b: Contribution, sink: ContributionSink): void {
  const hasA = a.queue !== '';
  const hasB = b.queue !== '';
  const sameHome = hasA && hasB && a.queue === b.queue;
  const sameTeam = sameHome && a.team === b.team;
  if (!(sameTeam && a.open === b.open && a.started === b.started)) {
    if (hasA && a.open) sink.open(a.queue, a.team, a.started, -1);
    if (hasB && b.open) sink.open(b.queue, b.team, b.started, +1);
  }
  const aWaits = hasA && a.open && !a.started;
  const bWaits = hasB && b.open && !b.started;
  if (!(sameHome && aWaits === bWaits && a.createdAt === b.createdAt)) {
    if (aWaits) sink.waiting(a.queue, a.createdAt, -1);
    if (bWaits) sink.waiting(b.queue, b.createdAt, +1);
  }
  if (!(sameHome && a.createdAt === b.createdAt)) {
    if (hasA) sink.arrival(a.queue, '', a.createdAt, -1);
    if (hasB) sink.arrival(b.queue, '', b.createdAt, +1);
  }
  if (!(sameTeam && a.createdAt === b.createdAt)) {
    if (hasA && a.team) sink.arrival(a.queue, a.team, a.createdAt, -1);
    if (hasB && b.team) sink.arrival(b.queue, b.team, b.createdAt, +1);
  }
  if (!(sameHome && same(a.completedAt, b.completedAt))) {
    if (hasA && isSet(a.completedAt)) sink.completion(a.queue, '', a.completedAt, -1);
    if (hasB && isSet(b.completedAt)) sink.completion(b.queue, '', b.completedAt, +1);
  }
  if (!(sameTeam && same(a.completedAt, b.completedAt))) {
    if (hasA && a.team && isSet(a.completedAt)) sink.completion(a.queue, a.team, a.completedAt, -1);
    if (hasB && b.team && isSet(b.completedAt)) sink.completion(b.queue, b.team, b.completedAt, +1);
  }
  if (!(sameHome && same(a.leftAt, b.leftAt))) {
    if (hasA && isSet(a.leftAt)) sink.left(a.queue, a.leftAt, -1);
    if (hasB && isSet(b.leftAt)) sink.left(b.queue, b.leftAt, +1);
  }
  if (!(sameTeam && same(a.startAt, b.startAt) && same(a.waitMs, b.waitMs))) {
    if (hasA && a.started) sink.start(a.queue, a.team, a.startAt, a.waitMs, -1);
    if (hasB && b.started) sink.start(b.queue, b.team, b.startAt, b.waitMs, +1);
  }
}
