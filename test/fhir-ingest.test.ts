/**
 * `POST /fhir/Task` and `POST /fhir` on the real embedded product: Tasks become the events their
 * state implies, with deterministic `fhir:<id>:<kind>` ids, through the same ingest as
 * `/api/events`; versions of one Task over time add only what is new; answers are FHIR
 * (OperationOutcome, batch-response), errors name the element and never echo a value.
 */
import { createHash } from 'node:crypto';
import type { Bundle, OperationOutcome } from '@medplum/fhirtypes';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { OpsEvent } from '../contracts/events.js';
import { configWithAccess, startHarness, TOKENS, type Harness } from './support/harness.js';
import { ago, backportNotification, bundleOf, fhirConfig, lifecycle, notification, task } from './support/fhir-tasks.js';
import { REF_NOW, refConfig } from './support/random-events.js';

let h: Harness;
/** Every event the ingest appended to the real log, in order. */
let appended: OpsEvent[] = [];

beforeAll(async () => {
  h = await startHarness(configWithAccess(fhirConfig()), () => REF_NOW);
  const append = h.log.append.bind(h.log);
  vi.spyOn(h.log, 'append').mockImplementation(async (topic, messages) => {
    appended.push(...messages.map((m) => JSON.parse(m.value) as OpsEvent));
    return append(topic, messages);
  });
});
afterAll(() => h.close());
beforeEach(() => {
  appended = [];
});

/** An answer: an OperationOutcome or a batch-response Bundle (read loosely: the test checks which). */
type FhirBody = Omit<OperationOutcome, 'resourceType'> & Omit<Bundle, 'resourceType'> & { resourceType: string };

async function post(path: string, body: unknown, { token = TOKENS.ingest, type = 'application/fhir+json' } = {}) {
  const res = await fetch(`${h.url}${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': type },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as FhirBody };
}

const diagnostics = (outcome: Pick<OperationOutcome, 'issue'>) => outcome.issue.map((i) => `${i.severity}/${i.code}: ${i.diagnostics}`);
const metricsOf = async (queue: string) => {
  const res = await fetch(`${h.url}/api/metrics?queues=${queue}`, { headers: { Authorization: `Bearer ${TOKENS.viewer}` } });
  return ((await res.json()) as { queues: Record<string, number>[] }).queues[0];
};

describe('POST /fhir/Task', () => {
  it('turns a requested Task into task.created at authoredOn, in the mapped queue, and answers an OperationOutcome', async () => {
    const res = await post('/fhir/Task', task('pa-1001', { authoredOn: '2026-11-26T12:30:00+01:00' }));
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^application\/fhir\+json/);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(diagnostics(res.body)).toEqual(['information/informational: Task "pa-1001": 1 new event (created), 0 already stored']);
    expect(appended).toEqual([{ event_id: 'fhir:pa-1001:created', type: 'task.created', occurred_at: '2026-11-26T11:30:00.000Z', queue: 'insurance', task_id: 'pa-1001' }]);
  });

  it('takes three notifications of one Task over time: each adds only what is new, with the owner\'s team', async () => {
    const before = await metricsOf('registration');
    const [requested, inProgress, completed] = lifecycle('reg-77', 'Practitioner/b-17', 'patient-registration');
    const answers = [];
    for (const [n, version] of [requested, inProgress, completed].entries()) answers.push(await post('/fhir', notification([version], n + 1)));
    expect(answers.map((a) => a.body.entry!.map((e) => e.response!.status))).toEqual([['200 OK', '200 OK'], ['200 OK', '200 OK'], ['200 OK', '200 OK']]);
    expect(answers.map((a) => a.body.entry![1].response!.outcome!.issue[0].diagnostics)).toEqual([
      'Task "reg-77": 1 new event (created), 0 already stored',
      'Task "reg-77": 1 new event (started), 1 already stored',
      'Task "reg-77": 1 new event (completed), 2 already stored',
    ]);
    expect(appended).toEqual([
      { event_id: 'fhir:reg-77:created', type: 'task.created', occurred_at: ago(50), queue: 'registration', task_id: 'reg-77' },
      { event_id: 'fhir:reg-77:started', type: 'task.started', occurred_at: ago(20), queue: 'registration', task_id: 'reg-77', team: 'inhouse-b' },
      { event_id: 'fhir:reg-77:completed', type: 'task.completed', occurred_at: ago(5), queue: 'registration', task_id: 'reg-77', team: 'inhouse-b' },
    ]);
    const after = await metricsOf('registration');
    expect([after.arrivals - before.arrivals, after.started - before.started, after.completions - before.completions]).toEqual([1, 1, 1]);
    // The same completed version again: nothing new.
    const again = await post('/fhir/Task', completed);
    expect(diagnostics(again.body)).toEqual(['information/informational: Task "reg-77": 0 new events, 3 already stored']);
  });

  it('counts a start once a later version names a mapped owner; a cancelled Task is cancelled at lastModified', async () => {
    const started = await post('/fhir/Task', task('pa-2002', { status: 'in-progress', owner: { reference: 'Organization/unknown-vendor' }, lastModified: ago(10) }));
    expect(started.status).toBe(200);
    expect(diagnostics(started.body)).toEqual([
      'information/informational: Task "pa-2002": 1 new event (created), 0 already stored',
      'warning/incomplete: Task.owner: names no team of the fhir.owners mapping: the start is counted once a version names a mapped owner',
    ]);
    await post('/fhir/Task', task('pa-2002', { status: 'in-progress', owner: { reference: 'Organization/partner-x' }, lastModified: ago(9) }));
    await post('/fhir/Task', task('pa-2002', { status: 'cancelled', owner: { reference: 'Organization/partner-x' }, lastModified: ago(3) }));
    expect(appended.map((e) => [e.event_id, e.occurred_at, 'team' in e ? e.team : undefined])).toEqual([
      ['fhir:pa-2002:created', ago(30), undefined],
      ['fhir:pa-2002:started', ago(9), 'partner-x'],
      ['fhir:pa-2002:cancelled', ago(3), 'partner-x'],
    ]);
  });

  it('counts no start for a completed Task with neither executionPeriod.start nor an owner', async () => {
    const res = await post('/fhir/Task', task('pa-3003', { status: 'completed', lastModified: ago(2) }));
    expect(res.status).toBe(200);
    expect(appended.map((e) => e.type)).toEqual(['task.created', 'task.completed']);
    expect(appended[1].occurred_at).toBe(ago(2));
  });
});

describe('POST /fhir with Bundles', () => {
  it('takes a transaction with PUT (id from the request URL when the resource has none) and POST entries, one response entry each', async () => {
    const { id: _drop, ...withoutId } = task('ignored');
    const res = await post('/fhir', bundleOf('transaction', [
      { resource: withoutId, method: 'PUT', url: 'Task/tx-1' },
      { resource: task('tx-2', { status: 'in-progress', owner: { reference: 'Organization/rcm-a' }, executionPeriod: { start: ago(12) } }), method: 'POST', url: 'Task' },
      { resource: withoutId, method: 'POST', url: 'Task' },
    ]));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ resourceType: 'Bundle', type: 'batch-response' });
    expect(res.body.entry!.map((e) => e.response!.status)).toEqual(['200 OK', '200 OK', '400 Bad Request']);
    expect(diagnostics(res.body.entry![2].response!.outcome as OperationOutcome)).toEqual(['error/required: Task.id: is required (the id the source knows the Task by), so that later versions match']);
    expect(appended.map((e) => e.event_id)).toEqual(['fhir:tx-1:created', 'fhir:tx-2:created', 'fhir:tx-2:started']);
    expect(appended[2]).toMatchObject({ occurred_at: ago(12), team: 'inhouse-a' });
  });

  it('takes a batch: a bad entry is refused alone, the others are stored', async () => {
    const res = await post('/fhir', bundleOf('batch', [
      { resource: task('b-1') },
      { resource: task('b-2', {}, 'radiology-read') },
      { resource: { resourceType: 'Patient', id: 'p1' } },
      { resource: task('b-4'), method: 'DELETE', url: 'Task/b-4' },
      { resource: task('b-5') },
    ]));
    expect(res.body.entry!.map((e) => e.response!.status)).toEqual(['200 OK', '422 Unprocessable Content', '400 Bad Request', '405 Method Not Allowed', '200 OK']);
    expect(res.body.entry!.slice(1, 4).map((e) => diagnostics(e.response!.outcome as OperationOutcome)[0])).toEqual([
      'error/code-invalid: Task.code: no coding maps to a queue of fhir.queues (codes "radiology-read")',
      'error/not-supported: resourceType: "Patient" is not Task: only Task resources are taken',
      'error/not-supported: Bundle.entry[3].request.method: "DELETE" is not taken: only PUT and POST of a Task; a Task that ends is sent with status cancelled',
    ]);
    expect(appended.map((e) => e.event_id)).toEqual(['fhir:b-1:created', 'fhir:b-5:created']);
  });

  it('reads the R4B/R5 SubscriptionStatus and the R4 backport Parameters as the notification header', async () => {
    for (const bundle of [notification([task('n-1'), task('n-2')]), backportNotification([task('n-3')])]) {
      const res = await post('/fhir', bundle);
      expect(res.status).toBe(200);
      expect(res.body.entry!.length).toBe(bundle.entry!.length);
      expect(diagnostics(res.body.entry![0].response!.outcome as OperationOutcome)[0]).toMatch(/^information\/informational: Bundle\.entry\[0\]: the notification's (SubscriptionStatus|Parameters): read as the header, nothing stored$/);
    }
    expect(appended.map((e) => e.event_id)).toEqual(['fhir:n-1:created', 'fhir:n-2:created', 'fhir:n-3:created']);
  });

  it('refuses an id-only notification entry, saying full-resource content is needed', async () => {
    const res = await post('/fhir', { resourceType: 'Bundle', type: 'history', entry: [notification([]).entry![0], { fullUrl: 'https://ehr.example.org/fhir/Task/x1' }] });
    expect(res.body.entry!.map((e) => e.response!.status)).toEqual(['200 OK', '400 Bad Request']);
    expect(diagnostics(res.body.entry![1].response!.outcome as OperationOutcome)[0]).toMatch(/full-resource content/);
    expect(appended).toEqual([]);
  });
});

describe('bad Tasks and requests', () => {
  // NOTE: a Task refused for what it holds is a 200 whose OperationOutcome says why (as each entry of a
  // Bundle); a request that is not one Task is a 400.
  const cases: [string, unknown, number, RegExp][] = [
    ['no authoredOn', (({ authoredOn: _a, ...rest }) => rest)(task('e-1')), 200, /^error\/required: Task\.authoredOn: is required$/],
    ['a date without time', task('e-2', { authoredOn: '2026-11-26' }), 200, /^error\/invalid: Task\.authoredOn: must be a date and time to the second with a zone/],
    ['an impossible date', task('e-3', { status: 'completed', lastModified: '2026-02-30T10:00:00Z' }), 200, /^error\/invalid: Task\.lastModified: must be a date and time/],
    ['no zone', task('e-4', { executionPeriod: { start: '2026-11-26T10:00:00' } }), 200, /^error\/invalid: Task\.executionPeriod\.start: must be/],
    ['an unknown status', { ...task('e-5'), status: 'Jane Doe 1961' }, 200, /^error\/invalid: Task\.status: must be a FHIR R4 Task status/],
    ['authored too long ago', task('e-7', { authoredOn: '2025-01-01T00:00:00Z' }), 200, /^error\/business-rule: Task\.authoredOn: is too old: older than the 35-day retention$/],
    ['authored in the future', task('e-8', { authoredOn: '2026-11-26T13:00:00Z' }), 200, /^error\/business-rule: Task\.authoredOn: is more than 5 minutes in the future$/],
    ['in progress with no time', (({ lastModified: _l, ...rest }) => rest)(task('e-9', { status: 'in-progress', owner: { reference: 'Organization/rcm-a' } })), 200, /^error\/required: Task\.lastModified: is required when the status is in-progress/],
    ['no code', { ...task('e-10'), code: undefined }, 200, /^error\/required: Task\.code: is required/],
    ['a code that is free text', task('e-11', {}, 'Jane Doe 1961'), 200, /^error\/code-invalid: Task\.code: no coding maps to a queue of fhir\.queues$/],
    ['a Bundle sent as a Task', notification([task('e-12')]), 400, /^error\/not-supported: resourceType: Bundle: POST \/fhir\/Task takes one Task/],
  ];
  it.each(cases)('refuses a Task with %s, naming the element, storing nothing', async (_what, body, status, pattern) => {
    const res = await post('/fhir/Task', body);
    expect(res.status).toBe(status);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(diagnostics(res.body)[0]).toMatch(pattern);
    expect(JSON.stringify(res.body)).not.toMatch(/Jane|Doe|1961/);
    expect(appended).toEqual([]);
  });

  it('takes a Task whose id is not an opaque id under a SHA-256 prefix of it, never storing or showing the id', async () => {
    const res = await post('/fhir/Task', task('Doe, Jane 1961-02-03'));
    expect(res.status).toBe(200);
    const hashed = createHash('sha256').update('Doe, Jane 1961-02-03').digest('hex').slice(0, 32);
    expect(appended.map((e) => [e.event_id, 'task_id' in e ? e.task_id : undefined])).toEqual([[`fhir:${hashed}:created`, hashed]]);
    expect(JSON.stringify(res.body)).not.toMatch(/Jane|Doe|1961/);
  });

  it('answers every refusal of the request as an OperationOutcome', async () => {
    const outcomes = [
      [await post('/fhir/Task', task('r-1'), { type: 'text/plain' }), 415, 'not-supported'],
      [await post('/fhir/Task', task('r-2'), { token: 'wrong-token-0123456789' }), 401, 'login'],
      [await post('/fhir/Task', task('r-3'), { token: TOKENS.viewer }), 403, 'forbidden'],
      [await post('/fhir/Task', '{"resourceType": "Task", '), 400, 'invalid'],
      [await post('/fhir', { resourceType: 'Bundle', type: 'searchset', entry: [] }), 400, 'not-supported'],
      [await post('/fhir', task('r-6')), 400, 'not-supported'],
      [await post('/fhir/Patient', {}), 404, 'not-found'],
    ] as const;
    for (const [res, status, code] of outcomes) {
      expect([res.status, res.body.resourceType, res.body.issue?.[0].code]).toEqual([status, 'OperationOutcome', code]);
    }
    expect(diagnostics(outcomes[4][0].body)[0]).toBe('error/not-supported: Bundle.type: "searchset" is not one of transaction, batch, history');
    expect(appended).toEqual([]);
  });

  it('refuses a Bundle of more than 3,000 entries whole (413), storing nothing', async () => {
    const res = await post('/fhir', bundleOf('batch', Array.from({ length: 3001 }, (_, i) => ({ resource: task(`big-${i}`) }))));
    expect([res.status, res.body.resourceType, diagnostics(res.body)]).toEqual([413, 'OperationOutcome', ['error/too-costly: Bundle.entry: at most 3000 entries per Bundle, got 3001']]);
    expect(appended).toEqual([]);
  });

  it('takes application/json as well as application/fhir+json', async () => {
    expect((await post('/fhir/Task', task('j-1'), { type: 'application/json; charset=utf-8' })).status).toBe(200);
    expect(appended.map((e) => e.event_id)).toEqual(['fhir:j-1:created']);
  });
});

it('answers 404 with an OperationOutcome when the configuration has no fhir mapping', async () => {
  const plain = await startHarness(refConfig, () => REF_NOW);
  try {
    const res = await fetch(`${plain.url}/fhir/Task`, { method: 'POST', headers: { 'Content-Type': 'application/fhir+json' }, body: JSON.stringify(task('x')) });
    expect(res.status).toBe(404);
    expect(((await res.json()) as OperationOutcome).issue[0]).toMatchObject({ severity: 'error', code: 'not-found', diagnostics: 'FHIR ingest is off: the configuration has no fhir mapping' });
  } finally {
    await plain.close();
  }
});
