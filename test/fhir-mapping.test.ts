/**
 * The `fhir` mapping: the configuration checks it against queues and teams, naming the field; a
 * Task's state becomes the events the mapping says (by code or by identifier of a system), with
 * every FHIR status accounted for and ids that fit an event id.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseConfig, type FhirMapping } from '../contracts/config.js';
import { checkEvent } from '../contracts/events.js';
import { readTask, TASK_STATUSES } from '../server/fhir/fhir-task.js';
import { taskEvents } from '../server/fhir/task-events.js';
import { REF_NOW, refConfig } from './support/random-events.js';
import { ago, fhirConfig, task } from './support/fhir-tasks.js';

const { queueIndex: _q, teamIndex: _t, ...raw } = refConfig;
const problem = (fhir: unknown) => {
  try {
    parseConfig({ ...raw, fhir });
    return 'valid';
  } catch (err) {
    return (err as Error).message.split('\n').slice(1).join('\n');
  }
};

describe('the fhir section of the configuration', () => {
  it('takes a mapping by code or by identifier system, owners optional', () => {
    expect(problem({ queues: { 'prior-auth-review': 'insurance' } })).toBe('valid');
    expect(problem({ queue_by: 'identifier:http://hospital.example.org/work-queue', queues: { WQ17: 'registration' }, owners: { 'Organization/a': 'inhouse-a' } })).toBe('valid');
    expect(parseConfig({ ...raw, fhir: { queues: { x: 'insurance' } } }).fhir).toEqual({ queue_by: 'code', queues: { x: 'insurance' }, owners: {} });
  });

  it('names the field of a queue or team that does not exist, and a queue_by it cannot read', () => {
    expect(problem({ queues: { 'prior-auth-review': 'radiology' } })).toBe('fhir.queues.prior-auth-review: "prior-auth-review" maps to unknown queue "radiology"');
    expect(problem({ queues: { x: 'insurance' }, owners: { 'Organization/northwind': 'partner-northwind' } })).toBe(
      'fhir.owners.(name not shown): "Organization/northwind" maps to unknown team "partner-northwind"',
    );
    expect(problem({ queue_by: 'status', queues: { x: 'insurance' } })).toBe('fhir.queue_by: must be "code" or "identifier:<system>"');
    expect(problem({ queues: {} })).toBe('fhir.queues: must map at least one code or identifier value');
    expect(problem({ queues: { x: 'insurance' }, extra: 1 })).toBe('fhir: unknown field(s) extra');
  });
});

const byCode = fhirConfig().fhir!;
const events = (t: unknown, mapping: FhirMapping = byCode) => {
  const read = readTask(t, mapping);
  if (!read.ok) return read.reason;
  const out = taskEvents(read.task, mapping);
  return out.ok ? out.events.map((e) => [e.event.type, e.event.occurred_at, e.event.team ?? null]) : out.reason;
};

describe('Task state -> events', () => {
  it('accounts for every FHIR R4 status', () => {
    const owned = { owner: { reference: 'Organization/rcm-a' }, executionPeriod: { start: ago(20), end: ago(10) }, lastModified: ago(5) };
    const byStatus = Object.fromEntries(TASK_STATUSES.map((status) => [status, (events(task('s-1', { ...owned, status })) as string[][]).map((e) => e[0].slice(5))]));
    expect(byStatus).toEqual({
      draft: ['created'],
      requested: ['created'],
      received: ['created'],
      accepted: ['created'],
      ready: ['created'],
      'in-progress': ['created', 'started'],
      'on-hold': ['created', 'started'],
      completed: ['created', 'started', 'completed'],
      rejected: ['created', 'cancelled'],
      cancelled: ['created', 'cancelled'],
      failed: ['created', 'cancelled'],
      'entered-in-error': ['created', 'cancelled'],
    });
    // Start at executionPeriod.start, completion at executionPeriod.end, a cancellation at lastModified.
    expect(events(task('s-2', { ...owned, status: 'completed' }))).toEqual([
      ['task.created', ago(30), null],
      ['task.started', ago(20), 'inhouse-a'],
      ['task.completed', ago(10), 'inhouse-a'],
    ]);
    expect(events(task('s-3', { ...owned, status: 'failed' }))).toEqual([
      ['task.created', ago(30), null],
      ['task.cancelled', ago(5), 'inhouse-a'],
    ]);
    // Without executionPeriod: lastModified; a completed Task with an owner but no start time starts then.
    expect(events(task('s-4', { status: 'completed', owner: { reference: 'Practitioner/b-17' }, lastModified: ago(4) }))).toEqual([
      ['task.created', ago(30), null],
      ['task.started', ago(4), 'inhouse-b'],
      ['task.completed', ago(4), 'inhouse-b'],
    ]);
  });

  it('maps the queue by the identifier of the configured system when queue_by names one', () => {
    const mapping: FhirMapping = { queue_by: 'identifier:urn:work-queue', queues: { WQ17: 'registration', WQ18: 'insurance' }, owners: {} };
    const identified = (identifier: { system?: string; value?: string }[]) => ({ ...task('i-1'), code: undefined, identifier });
    const queueOf = (t: unknown) => {
      const read = readTask(t, mapping);
      const out = read.ok && taskEvents(read.task, mapping);
      return out && out.ok ? out.events[0].event.queue : out ? out.reason : (read as { reason: string }).reason;
    };
    expect(queueOf(identified([{ system: 'urn:mrn', value: 'WQ17' }, { system: 'urn:work-queue', value: 'WQ18' }]))).toBe('insurance');
    expect(queueOf(identified([{ system: 'urn:mrn', value: 'WQ17' }]))).toBe('Task.identifier: is required: an identifier of the system fhir.queue_by names');
    expect(queueOf(identified([{ system: 'urn:work-queue', value: '00123456' }]))).toBe('Task.identifier: the identifier of the system fhir.queue_by names maps to no queue of fhir.queues');
  });

  it('keeps a FHIR id as the task id while fhir:<id>:<kind> fits 64 characters, else its SHA-256 prefix', () => {
    const longest = 'a'.repeat(49);
    const tooLong = 'b'.repeat(64);
    const idsOf = (id: string) => {
      const read = readTask(task(id, { status: 'completed', lastModified: ago(1) }), byCode);
      const out = read.ok && taskEvents(read.task, byCode);
      return out && out.ok ? out.events.map((e) => e.event) : [];
    };
    expect(idsOf(longest).map((e) => e.event_id)).toEqual([`fhir:${longest}:created`, `fhir:${longest}:completed`]);
    const hashed = createHash('sha256').update(tooLong).digest('hex').slice(0, 32);
    expect(idsOf(tooLong).map((e) => [e.task_id, e.event_id])).toEqual([[hashed, `fhir:${hashed}:created`], [hashed, `fhir:${hashed}:completed`]]);
    // Every event made is one the event contract takes.
    for (const e of [...idsOf(longest), ...idsOf(tooLong)]) expect(checkEvent(e, fhirConfig(), REF_NOW)).toMatchObject({ ok: true });
  });
});
