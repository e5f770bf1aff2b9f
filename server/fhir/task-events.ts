/**
 * One FHIR Task version -> the events its state implies, with deterministic ids
 * (`fhir:<task id>:<kind>`), so a later version of the same Task adds only what is new:
 * - `task.created` at `authoredOn`, always;
 * - `task.started` at `executionPeriod.start` (else `lastModified`) when the status is
 *   `in-progress`, `completed` or `on-hold`, with the owner's team; none when a `completed` Task
 *   has neither `executionPeriod.start` nor an owner;
 * - `task.completed` at `executionPeriod.end` (else `lastModified`) when `completed`;
 * - `task.cancelled` at `lastModified` when `cancelled`, `rejected`, `failed` or `entered-in-error`.
 */
import { createHash } from 'node:crypto';
import type { FhirMapping } from '../../contracts/config.js';
import type { TaskEventType } from '../../contracts/events.js';
import { capReason, isOpaqueId } from '../../contracts/issues.js';
import { instantOf, type TaskRead } from './fhir-task.js';

const STARTED = new Set(['in-progress', 'completed', 'on-hold']);
const CANCELLED = new Set(['cancelled', 'rejected', 'failed', 'entered-in-error']);
/** `fhir:` + id + `:completed` must fit the 64 characters of an event id. */
const LONGEST_KEPT_ID = 64 - 'fhir:'.length - ':completed'.length;

/** An event as sent to the ingest, and the Task element its time came from (for rejection reasons). */
export interface TaskEvent {
  event: { event_id: string; type: TaskEventType; occurred_at: string; queue: string; task_id: string; team?: string };
  element: string;
}

export type TaskTranslation =
  | { ok: true; taskId: string; events: TaskEvent[]; warnings: string[] }
  | { ok: false; code: 'invalid' | 'required' | 'code-invalid'; reason: string };

type Failure = Extract<TaskTranslation, { ok: false }>;
const fail = (code: Failure['code'], reason: string): Failure => ({ ok: false, code, reason: capReason(reason) });

/**
 * The task id of a Task: its id when that is a well-formed opaque id short enough to leave room in
 * an event id; otherwise the first 32 hex digits of its SHA-256, so that an id holding free text
 * (a name, a record number) is neither stored nor shown, and the same Task still gets the same id.
 */
export function taskIdOf(fhirId: string): string {
  return fhirId.length <= LONGEST_KEPT_ID && isOpaqueId(fhirId) ? fhirId : createHash('sha256').update(fhirId).digest('hex').slice(0, 32);
}

/** The events one Task version implies, or why it cannot be taken (naming the element, never its value). */
export function taskEvents(task: TaskRead, mapping: FhirMapping, idFromRequest?: string): TaskTranslation {
  const fhirId = task.id ?? idFromRequest;
  if (fhirId === undefined || fhirId === '') return fail('required', 'Task.id: is required (the id the source knows the Task by), so that later versions match');
  const taskId = taskIdOf(fhirId);

  const queue = queueOf(task, mapping);
  if (!queue.ok) return queue;

  const times = new Map<string, number>();
  for (const [element, value] of [
    ['Task.authoredOn', task.authoredOn],
    ['Task.lastModified', task.lastModified],
    ['Task.executionPeriod.start', task.executionPeriod?.start],
    ['Task.executionPeriod.end', task.executionPeriod?.end],
  ] as const) {
    if (value === undefined) continue;
    const instant = instantOf(value, element);
    if (!instant.ok) return fail('invalid', instant.reason);
    times.set(element, instant.ms);
  }
  /** The first of `elements` the Task has, with its time. */
  const at = (...elements: string[]) => {
    const element = elements.find((e) => times.has(e));
    return element === undefined ? undefined : { element, iso: new Date(times.get(element)!).toISOString() };
  };

  const ownerRef = task.owner?.reference;
  const team = ownerRef !== undefined && Object.hasOwn(mapping.owners, ownerRef) ? mapping.owners[ownerRef] : undefined;
  const warnings: string[] = [];
  const base = { queue: queue.queue, task_id: taskId };
  const event = (type: TaskEventType, time: { element: string; iso: string }, withTeam: boolean): TaskEvent => ({
    event: { event_id: `fhir:${taskId}:${type.slice('task.'.length)}`, type, occurred_at: time.iso, ...base, ...(withTeam && team !== undefined ? { team } : {}) },
    element: time.element,
  });

  const events = [event('task.created', at('Task.authoredOn')!, false)];
  const status = task.status;
  if (STARTED.has(status) && !(status === 'completed' && task.executionPeriod?.start === undefined && ownerRef === undefined)) {
    const start = at('Task.executionPeriod.start', 'Task.lastModified');
    if (!start) return fail('required', `Task.lastModified: is required when the status is ${status} and there is no executionPeriod.start`);
    if (team !== undefined) events.push(event('task.started', start, true));
    else warnings.push(`Task.owner: ${ownerRef === undefined ? 'is missing' : 'names no team of the fhir.owners mapping'}: the start is counted once a version names a mapped owner`);
  }
  if (status === 'completed') {
    const end = at('Task.executionPeriod.end', 'Task.lastModified');
    if (!end) return fail('required', 'Task.lastModified: is required when the status is completed and there is no executionPeriod.end');
    events.push(event('task.completed', end, true));
  }
  if (CANCELLED.has(status)) {
    const end = at('Task.lastModified');
    if (!end) return fail('required', `Task.lastModified: is required when the status is ${status}`);
    events.push(event('task.cancelled', end, true));
  }
  return { ok: true, taskId, events, warnings };
}

/** The queue a Task maps to, by its code or by its identifier of the configured system. */
function queueOf(task: TaskRead, mapping: FhirMapping): { ok: true; queue: string } | Failure {
  const mapped = (key: string | undefined) => (key !== undefined && Object.hasOwn(mapping.queues, key) ? mapping.queues[key] : undefined);
  if (mapping.queue_by === 'code') {
    const codes = (task.code?.coding ?? []).map((c) => c.code);
    for (const code of codes) {
      const queue = mapped(code);
      if (queue !== undefined) return { ok: true, queue };
    }
    if (codes.length === 0) return fail('required', 'Task.code: is required: a coding whose code the fhir.queues mapping names');
    // NOTE: codes are named when they are opaque ids (work-queue codes are); anything else is not shown.
    const shown = codes.filter(isOpaqueId).map((c) => `"${c}"`);
    return fail('code-invalid', `Task.code: no coding maps to a queue of fhir.queues${shown.length > 0 ? ` (codes ${shown.join(', ')})` : ''}`);
  }
  const system = mapping.queue_by.slice('identifier:'.length);
  const values = (task.identifier ?? []).filter((i) => i.system === system).map((i) => i.value);
  for (const value of values) {
    const queue = mapped(value);
    if (queue !== undefined) return { ok: true, queue };
  }
  // NOTE: identifier values are never named: an identifier may be a record number.
  if (values.length === 0) return fail('required', 'Task.identifier: is required: an identifier of the system fhir.queue_by names');
  return fail('code-invalid', 'Task.identifier: the identifier of the system fhir.queue_by names maps to no queue of fhir.queues');
}
