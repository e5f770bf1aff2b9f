/**
 * Random back-office work for the FHIR tests: a task's life (arrives, maybe starts with a team,
 * maybe completes or is cancelled), rendered as our events or as the Task versions an EHR sends.
 */
import type { Task } from '@medplum/fhirtypes';
import fc from 'fast-check';
import type { OpsEvent } from '../../contracts/events.js';
import { WORK_QUEUE_SYSTEM } from './fhir-tasks.js';
import { REF_NOW } from './random-events.js';

const CODE_OF_QUEUE: Record<string, string> = { registration: 'patient-registration', insurance: 'prior-auth-review' };
const OWNER_OF_TEAM: Record<string, string> = { 'inhouse-a': 'Organization/rcm-a', 'inhouse-b': 'Practitioner/b-17', 'partner-x': 'Organization/partner-x' };
const HOUR = 3_600_000;

export interface Work {
  queue: string;
  createdAt: number;
  start?: { at: number; team: string };
  end?: { kind: 'completed' | 'cancelled'; at: number };
  /** How long after a change the source stamps `lastModified` (records are saved a little later). */
  lagMs: number;
}

/** A task's life within the last 3 hours: arrives, maybe starts with a team, maybe completes or is cancelled. */
export const workArb: fc.Arbitrary<Work> = fc
  .record({
    queue: fc.constantFrom('registration', 'insurance'),
    // NOTE: whole minutes often, so waits fall exactly on SLA targets and window edges.
    ago: fc.oneof(fc.integer({ min: 1, max: 180 }).map((m) => m * 60_000), fc.integer({ min: 1000, max: 3 * HOUR })),
    start: fc.option(fc.record({ after: fc.integer({ min: 0, max: HOUR }), team: fc.constantFrom('inhouse-a', 'inhouse-b', 'partner-x') }), { freq: 3 }),
    end: fc.option(fc.record({ kind: fc.constantFrom('completed' as const, 'cancelled' as const), after: fc.integer({ min: 0, max: HOUR }) }), { freq: 3 }),
    lagMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 120_000 })),
  })
  .map(({ queue, ago, start, end, lagMs }) => {
    const createdAt = REF_NOW - ago;
    const startAt = start ? Math.min(REF_NOW, createdAt + start.after) : undefined;
    const work: Work = { queue, createdAt, lagMs };
    if (start) work.start = { at: startAt!, team: start.team };
    if (end) work.end = { kind: end.kind, at: Math.min(REF_NOW, (startAt ?? createdAt) + end.after) };
    return work;
  });

const iso = (ms: number) => new Date(ms).toISOString();

/** The work as an upstream system sends our events. */
export function asEvents(id: string, w: Work): OpsEvent[] {
  const base = { queue: w.queue, task_id: id };
  const events: OpsEvent[] = [{ event_id: `${id}-c`, type: 'task.created', occurred_at: iso(w.createdAt), ...base }];
  if (w.start) events.push({ event_id: `${id}-s`, type: 'task.started', occurred_at: iso(w.start.at), ...base, team: w.start.team });
  if (w.end?.kind === 'completed') events.push({ event_id: `${id}-e`, type: 'task.completed', occurred_at: iso(w.end.at), ...base, ...(w.start && { team: w.start.team }) });
  if (w.end?.kind === 'cancelled') events.push({ event_id: `${id}-e`, type: 'task.cancelled', occurred_at: iso(w.end.at), ...base });
  return events;
}

/** The work as an EHR's Task versions: requested, in progress (owner, executionPeriod.start), completed or cancelled. */
export function asTaskVersions(id: string, w: Work): Task[] {
  const base: Task = { resourceType: 'Task', id, intent: 'order', status: 'requested', code: { coding: [{ system: WORK_QUEUE_SYSTEM, code: CODE_OF_QUEUE[w.queue] }] }, authoredOn: iso(w.createdAt), lastModified: iso(w.createdAt) };
  const versions: Task[] = [base];
  const owner = w.start && { owner: { reference: OWNER_OF_TEAM[w.start.team] } };
  // NOTE: lastModified trails the change it records; a cancellation has no other time, so it is exact there.
  const saved = (at: number) => iso(Math.min(REF_NOW, at + w.lagMs));
  if (w.start) versions.push({ ...base, ...owner, status: 'in-progress', executionPeriod: { start: iso(w.start.at) }, lastModified: saved(w.start.at) });
  if (w.end?.kind === 'completed') versions.push({ ...base, ...owner, status: 'completed', executionPeriod: { ...(w.start && { start: iso(w.start.at) }), end: iso(w.end.at) }, lastModified: saved(w.end.at) });
  if (w.end?.kind === 'cancelled') versions.push({ ...base, ...owner, status: 'cancelled', lastModified: iso(w.end.at) });
  return versions;
}
