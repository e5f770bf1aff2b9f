/**
 * Patient data never enters through the FHIR ingest: a Task shaped like what an EHR (Epic, Cerner,
 * Medplum) sends, with a marker in every element the mapping does not name (narrative, contained
 * Patient, identifiers, for/focus/requester with display names, notes, inputs, outputs,
 * restriction, extensions, ...), is taken as events; afterwards the marker is in no answer, no log
 * line (pino at trace) and no byte under DATA_DIR (the durable embedded store). Bad Tasks carrying
 * the marker in the elements that are read get errors naming the element, never the marker.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Task } from '@medplum/fhirtypes';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createProduct, type Product } from '../server/product.js';
import { fhirConfig, M, markedEhrTask as ehrTask, markedNotification, markedVersions as versions, PIECES } from './support/fhir-tasks.js';
import { configWithAccess, TOKENS } from './support/harness.js';
import { tempDataDir } from './support/process.js';
import { REF_NOW } from './support/random-events.js';

let product: Product;
let url: string;
const dataDir = tempDataDir();
const logLines: string[] = [];
const answers: string[] = [];

beforeAll(async () => {
  const logger = pino({ level: 'trace' }, { write: (line: string) => void logLines.push(line) });
  product = await createProduct({ config: configWithAccess(fhirConfig()), logger, clock: () => REF_NOW, tickMs: 60_000, engines: { dataDir } });
  url = await product.listen(0, '127.0.0.1');
});
afterAll(() => product?.stop());

async function post(path: string, body: unknown): Promise<{ status: number; json: { issue?: { severity: string; diagnostics: string }[]; entry?: { response: { status: string; outcome: { issue: { diagnostics: string }[] } } }[] } }> {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { Authorization: `Bearer ${TOKENS.ingest}`, 'Content-Type': 'application/fhir+json' }, body: JSON.stringify(body) });
  const text = await res.text();
  answers.push(text);
  return { status: res.status, json: JSON.parse(text) };
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

it('takes the marked Tasks as events and keeps the marker out of answers, logs and the data directory', async () => {
  // One Task alone, a transaction of two versions, and a notification with all three.
  expect((await post('/fhir/Task', versions[0])).status).toBe(200);
  const tx = await post('/fhir', { resourceType: 'Bundle', type: 'transaction', id: M, entry: versions.slice(1).map((resource) => ({ fullUrl: `urn:uuid:${M}`, resource, request: { method: 'PUT', url: 'Task/ehr-task-1', ifMatch: M } })) });
  expect(tx.json.entry!.map((e) => e.response.status)).toEqual(['200 OK', '200 OK']);
  const again = await post('/fhir', markedNotification(versions));
  expect(again.json.entry!.map((e) => e.response.outcome.issue[0].diagnostics).slice(1)).toEqual([1, 2, 3].map((n) => `Task "ehr-task-1": 0 new events, ${n} already stored`));

  // A Task whose id is the marker is taken under a SHA-256 prefix of it: the id itself goes nowhere.
  expect((await post('/fhir/Task', ehrTask(M, { status: 'requested' }))).status).toBe(200);

  // Bad Tasks with the marker in the elements that are read: errors name the element only.
  const bad: [string, Task][] = [
    ['Task.status', ehrTask('bad-2', { status: M as Task['status'] })],
    ['Task.authoredOn', ehrTask('bad-3', { authoredOn: M })],
    ['Task.lastModified', ehrTask('bad-4', { status: 'cancelled', lastModified: M })],
    ['Task.executionPeriod.start', ehrTask('bad-5', { status: 'in-progress', executionPeriod: { start: M } })],
    ['Task.code', ehrTask('bad-6', { code: { coding: [{ code: M }] } })],
  ];
  for (const [element, resource] of bad) {
    const res = await post('/fhir/Task', resource);
    expect([res.status, res.json.issue![0].severity], element).toEqual([200, 'error']);
    expect(res.json.issue![0].diagnostics.startsWith(`${element}:`), `${element}: ${res.json.issue![0].diagnostics}`).toBe(true);
  }
  const mixed = await post('/fhir', { resourceType: 'Bundle', type: 'batch', entry: [...bad.map(([, resource]) => ({ resource, request: { method: 'POST', url: M } })), { resource: { resourceType: M, id: M } }, { resource: versions[0], request: { method: M, url: M } }] });
  expect(mixed.json.entry!.map((e) => e.response.status)).toEqual(Array.from({ length: bad.length + 2 }, () => expect.not.stringMatching(/^200/)));

  // The Tasks counted: the versioned one arrived, started by the owner's team and completed; the
  // one under a hashed id arrived and waits.
  const metrics = await (await fetch(`${url}/api/metrics?queues=insurance`, { headers: { Authorization: `Bearer ${TOKENS.viewer}` } })).json();
  expect(metrics.queues[0]).toMatchObject({ arrivals: 2, started: 1, completions: 1, backlog: 1, waiting: 1 });

  await product.stop();
  const files = filesUnder(dataDir);
  const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
  // Positive control: the events are in the data directory, readable as text.
  expect(bytes.includes('fhir:ehr-task-1:completed')).toBe(true);
  for (const piece of PIECES) {
    expect(bytes.includes(piece), `data directory holds "${piece}"`).toBe(false);
    expect(answers.filter((a) => a.includes(piece)), `answers hold "${piece}"`).toEqual([]);
    expect(logLines.filter((l) => l.includes(piece)), `log lines hold "${piece}"`).toEqual([]);
  }
  // The log said that entries were refused, naming elements.
  expect(logLines.some((l) => l.includes('FHIR ingest refused entries') && l.includes('Task.authoredOn'))).toBe(true);
});
