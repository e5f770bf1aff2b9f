/**
 * `POST /api/import` on the real product (the embedded default on disk, a temporary DATA_DIR, a
 * fixed clock): a work-queue export in CSV gives the metrics the test's own reading of its rows
 * gives; importing it again changes nothing (nor after a restart); rejected lines are named by
 * line with reasons that echo no value; a mapping the header lacks stores nothing; NDJSON lines
 * are our events; only an admin may import; the import is on the audit trail, by digest.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../contracts/config.js';
import { DEFAULT_CONFIG_PATH } from '../contracts/env.js';
import type { ImportSummary } from '../contracts/import.js';
import type { MetricsSnapshot } from '../contracts/metrics-snapshot.js';
import { createProduct, type Product } from '../server/product.js';
import { configWithAccess, TOKENS } from './support/harness.js';
import { eventsOf, EXPORT_HEADER, EXPORT_QUERY, exportCsv, exportRow, exportTasks, PATIENT_NAMES, QUEUE_LABELS } from './support/export-fixture.js';
import { tempDataDir } from './support/process.js';
import { referenceTasks, referenceValues } from './support/reference-metrics.js';

const config = configWithAccess(loadConfig(DEFAULT_CONFIG_PATH));
const NOW = Date.parse('2026-11-25T14:00:00.000Z');
const quiet = pino({ level: 'silent' });
const admin = { authorization: `Bearer ${TOKENS.admin}` };

function importUrl(url: string, query: Record<string, string>): string {
  return `${url}/api/import?${new URLSearchParams(query)}`;
}

async function postImport(url: string, body: string, query: Record<string, string> = EXPORT_QUERY, headers: Record<string, string> = { ...admin, 'content-type': 'text/csv' }) {
  const res = await fetch(importUrl(url, query), { method: 'POST', headers, body });
  return { status: res.status, body: (await res.json()) as ImportSummary & { error?: string } };
}

/** Every metric the reference computes, per queue, against the snapshot. */
function expectReference(snapshot: MetricsSnapshot, tasks: ReturnType<typeof exportTasks>): void {
  const events = eventsOf(tasks);
  const ref = referenceTasks(events);
  for (const q of snapshot.queues) {
    const { waits: _w, sla_attainment, ...counts } = referenceValues(ref, events, config, q.queue, NOW);
    expect(Object.fromEntries(Object.keys(counts).map((k) => [k, q[k as keyof typeof q]])), q.queue).toEqual(counts);
    expect(q.sla_attainment === null ? null : Math.round(q.sla_attainment * 1e9)).toBe(sla_attainment === null ? null : Math.round(sla_attainment * 1e9));
  }
}

describe('history import into the embedded default on disk', () => {
  const dataDir = tempDataDir();
  let product: Product;
  let url: string;
  const open = async () => {
    product = await createProduct({ config, logger: quiet, clock: () => NOW, engines: { dataDir }, tickMs: 60_000 });
    url = await product.listen(0, '127.0.0.1');
  };
  beforeAll(open);
  afterAll(async () => {
    await product.stop();
  });

  const tasks = exportTasks(config, NOW, 400, 7);
  const csv = exportCsv(tasks);
  const expectedEvents = eventsOf(tasks).length;

  it('refuses anyone but an admin, and a body that is neither CSV nor NDJSON', async () => {
    expect((await postImport(url, csv, EXPORT_QUERY, { 'content-type': 'text/csv' })).status).toBe(401);
    for (const token of [TOKENS.viewer, TOKENS.lead, TOKENS.ingest, TOKENS.partner]) {
      expect((await postImport(url, csv, EXPORT_QUERY, { authorization: `Bearer ${token}`, 'content-type': 'text/csv' })).status).toBe(403);
    }
    const plain = await postImport(url, csv, EXPORT_QUERY, { ...admin, 'content-type': 'text/plain' });
    expect(plain.status).toBe(415);
    expect((await product.store.snapshot(NOW)).totals.arrivals).toBe(0);
  });

  it('names a mapped column the header lacks and stores nothing', async () => {
    const renamed = csv.replace('Work Started', 'Start Time');
    const res = await postImport(url, renamed);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('the CSV header has no column "Work Started" (mapped to started_at)');
    expect((await product.store.snapshot(NOW)).totals.backlog).toBe(0);
    // Also when most of a large body is still on its way: the answer comes, the rest is dropped.
    const large = await postImport(url, exportCsv(exportTasks(config, NOW, 30_000, 12)).replace('Work Started', 'Start Time'));
    expect(large).toMatchObject({ status: 400, body: { error: 'the CSV header has no column "Work Started" (mapped to started_at)' } });
    const unknownTeam = await postImport(url, csv, { ...EXPORT_QUERY, teams: 'Revenue Cycle=rcm' });
    expect(unknownTeam).toMatchObject({ status: 400, body: { error: 'teams: "rcm" not in the configuration' } });
    expect((await product.auditLog.query({ action: 'history.imported', limit: 10 })).length).toBe(0);
  });

  it('imports an export: every row, the metrics the rows mean, and an audit record by digest', async () => {
    const res = await postImport(url, csv, { ...EXPORT_QUERY, name: `wq-export ${PATIENT_NAMES[0]}.csv` });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ format: 'csv', records: tasks.length, events: expectedEvents, accepted: expectedEvents, duplicates: 0, rejected: [], rejected_count: 0 });
    expectReference(await product.store.snapshot(NOW), tasks);
    const [record] = await product.auditLog.query({ action: 'history.imported', limit: 10 });
    expect(record).toMatchObject({ actor: 'admin', role: 'admin', target: 'csv', details: { format: 'csv', records: tasks.length, events: expectedEvents, accepted: expectedEvents, duplicates: 0, rejected: 0, complete: true } });
    expect(record.details).toMatchObject({ source_sha256: expect.stringMatching(/^[0-9a-f]{64}$/), name_sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(JSON.stringify(record)).not.toContain('wq-export');
  });

  it('changes nothing when the same file is imported again, nor after a restart', async () => {
    const before = { snapshot: await product.store.snapshot(NOW), history: await product.store.history(undefined, 7 * 24 * 60, NOW) };
    const again = await postImport(url, csv);
    expect(again.body).toMatchObject({ accepted: 0, duplicates: expectedEvents, rejected_count: 0 });
    expect(await product.store.snapshot(NOW)).toEqual(before.snapshot);
    expect(await product.store.history(undefined, 7 * 24 * 60, NOW)).toEqual(before.history);

    await product.stop();
    await open();
    const restarted = await postImport(url, csv);
    expect(restarted.body).toMatchObject({ accepted: 0, duplicates: expectedEvents });
    expect(await product.store.snapshot(NOW)).toEqual(before.snapshot);
  });

  it('adds only what is new from a later export that overlaps the first', async () => {
    const later = tasks.slice(0, 50).map((t) => (t.started !== undefined && t.completed === undefined ? { ...t, completed: Math.min(NOW, t.started + 60_000) } : t));
    const fresh = exportTasks(config, NOW, 20, 8);
    const newlyClosed = later.filter((t, i) => t.completed !== tasks[i].completed).length;
    const res = await postImport(url, exportCsv([...later, ...fresh]));
    expect(res.body).toMatchObject({ records: 70, accepted: newlyClosed + eventsOf(fresh).length, rejected_count: 0 });
    expectReference(await product.store.snapshot(NOW), [...later, ...tasks.slice(50), ...fresh]);
  });

  it('rejects bad rows by their line (the header is line 1), names the field and column, and stores no patient data', async () => {
    const base = exportTasks(config, NOW, 6, 9);
    const rows = base.map(exportRow);
    const cells = (i: number) => rows[i].split(',');
    const edit = (i: number, column: number, value: string) => {
      const c = cells(i);
      c[column] = value;
      rows[i] = c.join(',');
    };
    edit(1, 2, 'Oncology Intake');
    edit(3, 5, '11/24/2026 9:15 AM');
    edit(4, 5, '2026-09-01 08:00:00');
    rows[5] = '"CASE-broken,Jane Q. Public';
    const res = await postImport(url, [EXPORT_HEADER.join(','), ...rows, ''].join('\n'));
    expect(res.status).toBe(200);
    expect(res.body.rejected).toEqual([
      { line: 3, reason: 'queue (column "Work Queue"): the value is not a queue in the configuration: map it (queues=value=queue id)' },
      { line: 5, reason: 'created_at (column "Opened"): is not a time like 2026-11-02T09:15:00Z or 2026-11-02 09:15' },
      { line: 6, reason: 'created_at (column "Opened"): is too old: older than the 35-day retention' },
      { line: 7, reason: 'the row cannot be read as CSV (CSV_QUOTE_NOT_CLOSED)' },
    ]);
    expect(res.body).toMatchObject({ records: 6, rejected_count: 4, accepted: eventsOf([base[0], base[2]]).length });
    // A Windows export with a two-line note: the row after it is on line 4, as an editor shows it.
    const [noted, wrong] = exportTasks(config, NOW, 2, 10);
    const windows = [EXPORT_HEADER.join(','), `${exportRow(noted, 1)}"first line\r\nsecond line"`, exportRow(wrong, 1).replace(QUEUE_LABELS[wrong.queue], 'Oncology Intake')].join('\r\n');
    const named = await postImport(url, windows);
    expect(named.body.rejected).toEqual([{ line: 4, reason: expect.stringMatching(/^queue \(column "Work Queue"\)/) }]);
    const stored = readdirSync(dataDir).map((f) => readFileSync(join(dataDir, f)).toString('latin1')).join('');
    for (const name of [...PATIENT_NAMES, 'Oncology', 'voicemail']) expect(stored).not.toContain(name);
  });

  it('stops at a row CSV cannot end (a quote never closed), naming its line, keeping the rows before it', async () => {
    const [before, after] = exportTasks(config, NOW, 2, 11);
    const open = `CASE-open,"${PATIENT_NAMES[0]} ${'lorem ipsum '.repeat(100_000)}`;
    const res = await fetch(importUrl(url, EXPORT_QUERY), { method: 'POST', headers: { ...admin, 'content-type': 'text/csv' }, body: [EXPORT_HEADER.join(','), exportRow(before, 1), open, exportRow(after, 1)].join('\n') });
    const body = (await res.json()) as { error: string; details: { summary: ImportSummary } };
    expect(res.status).toBe(400);
    expect(body.error).toBe(`the CSV cannot be read from line 3 on: a row over 1 MB, most likely a quote that is never closed; the import stopped after storing ${eventsOf([before]).length} new events: run it again to add the rest`);
    expect(body.details.summary).toMatchObject({ records: 1, accepted: eventsOf([before]).length });
    expect(JSON.stringify(body)).not.toContain(PATIENT_NAMES[0]);
    expect(await product.store.knownEventIds([`import:created:${before.id}`, `import:created:${after.id}`])).toEqual(new Set([`import:created:${before.id}`]));
  });

  it('stops at a byte that is not UTF-8 (two ids differing in it would become one), naming its line', async () => {
    const [before, after] = exportTasks(config, NOW, 2, 13);
    const text = (row: string) => Buffer.from(`${row}\n`, 'utf8');
    const bad = Buffer.from(exportRow(after, 1).replace(after.id, `${after.id}-\u0000`), 'utf8');
    bad[bad.indexOf(0)] = 0xff;
    const body = Buffer.concat([text(EXPORT_HEADER.join(',')), text(exportRow(before, 1)), bad]);
    const res = await fetch(importUrl(url, EXPORT_QUERY), { method: 'POST', headers: { ...admin, 'content-type': 'text/csv' }, body });
    const answer = (await res.json()) as { error: string };
    expect(res.status).toBe(400);
    // NOTE: the body arrives as one chunk, checked before the parser sees it: nothing of it is stored.
    expect(answer.error).toBe('the CSV is not valid UTF-8 from line 3 on: export it as UTF-8 and import it again');
    expect(await product.store.knownEventIds([`import:created:${before.id}`])).toEqual(new Set());
  });

  it('imports NDJSON of our events, naming rejected lines (1-based, blank lines counted)', async () => {
    const at = new Date(NOW - 3_600_000).toISOString();
    const lines = [
      JSON.stringify({ event_id: 'nd-1', type: 'task.created', occurred_at: at, queue: 'billing', task_id: 'nd-task-1' }),
      '',
      JSON.stringify({ event_id: 'nd-2', type: 'task.created', occurred_at: at, queue: 'billing', task_id: 'nd-task-2', patient: 'Jane Q. Public' }),
      '{"event_id": "nd-3", ',
      JSON.stringify({ event_id: 'nd-1', type: 'task.created', occurred_at: at, queue: 'billing', task_id: 'nd-task-1' }),
      JSON.stringify({ event_id: 'nd-4', type: 'task.started', occurred_at: at, queue: 'billing', task_id: 'nd-task-1', team: 'inhouse-rcm' }),
    ];
    const res = await postImport(url, lines.join('\n'), {}, { ...admin, 'content-type': 'application/x-ndjson' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      format: 'ndjson',
      records: 5,
      events: 4,
      accepted: 2,
      duplicates: 1,
      rejected: [
        { line: 3, reason: 'unknown field "patient": events carry opaque ids only' },
        { line: 4, reason: 'the line is not JSON' },
      ],
      rejected_count: 2,
    });
    const mapped = await postImport(url, lines[0], { map: 'task_id=x' }, { ...admin, 'content-type': 'application/x-ndjson' });
    expect(mapped).toMatchObject({ status: 400, body: { error: 'map, queues, teams, defaults and time_zone are for CSV; NDJSON lines are events as they are' } });
  });
});
