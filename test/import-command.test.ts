/**
 * `npm run import` as an admin runs it, against the real product (embedded on disk, access
 * control on): the summary and exit status, a re-run that adds nothing, a mapping the header
 * lacks refused before anything is sent, a refused token; and an upload cut off half-way keeps
 * what it stored (an audit record says it did not finish), and the import run again adds the rest.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../contracts/config.js';
import { DEFAULT_CONFIG_PATH } from '../contracts/env.js';
import { createProduct, type Product } from '../server/product.js';
import { eventsOf, EXPORT_HEADER, EXPORT_QUERY, exportCsv, exportRow, exportTasks } from './support/export-fixture.js';
import { configWithAccess, TOKENS } from './support/harness.js';
import { waitFor } from './support/pipeline.js';
import { ROOT, tempDataDir } from './support/process.js';

const config = configWithAccess(loadConfig(DEFAULT_CONFIG_PATH));
const NOW = Date.parse('2026-11-25T14:00:00.000Z');

/** Runs the command; resolves with its exit status and output. */
function runImport(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/import.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

const mappingArgs = ['--map', EXPORT_QUERY.map, '--queues', EXPORT_QUERY.queues, '--teams', EXPORT_QUERY.teams, '--time-zone', EXPORT_QUERY.time_zone];

describe('npm run import', () => {
  const dir = tempDataDir('occ-import-');
  let product: Product;
  let url: string;
  beforeAll(async () => {
    product = await createProduct({ config, logger: pino({ level: 'silent' }), clock: () => NOW, engines: { dataDir: join(dir, 'data') }, tickMs: 60_000 });
    url = await product.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await product.stop();
  });
  const imported = () => product.auditLog.query({ action: 'history.imported', limit: 100 });

  it('imports an export with a summary, and a second run adds nothing', async () => {
    const tasks = exportTasks(config, NOW, 300, 31);
    const file = join(dir, 'export.csv');
    writeFileSync(file, exportCsv(tasks));
    const env = { OPS_URL: url, OPS_TOKEN: TOKENS.admin };
    const events = eventsOf(tasks).length.toLocaleString('en');
    const first = await runImport([file, ...mappingArgs], env);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toContain(`300 rows read in`);
    expect(first.out).toMatch(new RegExp(`accepted \\(new\\):\\s+${events}\\n`));
    const again = await runImport([file, ...mappingArgs], env);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/accepted \(new\):\s+0\n/);
    expect(again.out).toMatch(new RegExp(`duplicates \\(stored\\):\\s+${events}\\n`));

    const withBadRow = join(dir, 'bad.csv');
    writeFileSync(withBadRow, `${EXPORT_HEADER.join(',')}\n${exportRow({ ...tasks[0], queue: 'billing' }, 0).replace('Billing Follow-up', 'Oncology Intake')}\n`);
    const bad = await runImport([withBadRow, ...mappingArgs], env);
    expect(bad.code).toBe(2);
    expect(bad.out).toContain('line 2: queue (column "Work Queue"): the value is not a queue in the configuration');
    expect(bad.out).not.toContain('Oncology');
  }, 60_000);

  it('refuses before sending anything: a mapped column the header lacks, a file with no format, no server; and says when the token is refused', async () => {
    const file = join(dir, 'renamed.csv');
    writeFileSync(file, exportCsv(exportTasks(config, NOW, 5, 32)).replace('Work Started', 'Start Time'));
    const before = (await imported()).length;
    const missing = await runImport([file, ...mappingArgs], { OPS_URL: url, OPS_TOKEN: TOKENS.admin });
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('import failed: the CSV header has no column "Work Started" (mapped to started_at)');
    expect((await imported()).length).toBe(before);
    writeFileSync(join(dir, 'export.txt'), 'Case ID\n');
    const noFormat = await runImport([join(dir, 'export.txt')], { OPS_URL: url });
    expect(noFormat).toMatchObject({ code: 1, err: expect.stringContaining('say what the file is: --format csv or --format ndjson') });
    const absent = await runImport([join(dir, 'absent.csv')], { OPS_URL: url });
    expect(absent).toMatchObject({ code: 1, err: expect.stringContaining('cannot read') });
    const noServer = await runImport([join(dir, 'export.csv'), ...mappingArgs], { OPS_URL: 'http://127.0.0.1:1' });
    expect(noServer).toMatchObject({ code: 1, err: expect.stringContaining('no server answers at http://127.0.0.1:1') });
    const viewer = await runImport([join(dir, 'export.csv'), ...mappingArgs], { OPS_URL: url, OPS_TOKEN: TOKENS.viewer });
    expect(viewer).toMatchObject({ code: 1, err: expect.stringContaining('the server refused the token (403)') });
  }, 60_000);

  it('keeps what an upload cut off half-way stored, and the import run again adds only the rest', async () => {
    const tasks = exportTasks(config, NOW, 30_000, 33);
    const rows = tasks.map(exportRow);
    const total = eventsOf(tasks).length;
    const req = request(`${url}/api/import?${new URLSearchParams(EXPORT_QUERY)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS.admin}`, 'content-type': 'text/csv', 'transfer-encoding': 'chunked' },
    });
    req.on('error', () => undefined);
    req.write(`${EXPORT_HEADER.join(',')}\r\n${rows.slice(0, 20_000).join('\r\n')}\r\n`);
    // Once the first rows are stored, the connection drops in the middle of a row.
    const firstIds = tasks.slice(0, 100).map((t) => `import:created:${t.id}`);
    await waitFor('the first rows stored', async () => (await product.store.knownEventIds(firstIds)).size === firstIds.length, 30_000);
    req.write(rows[20_000].slice(0, 10));
    req.destroy();
    await waitFor('the unfinished import on the audit trail', async () => (await imported()).some((r) => r.details.complete === false), 30_000);
    const cut = (await imported()).find((r) => r.details.complete === false)!;
    expect(cut.details.accepted).toBeGreaterThan(0);
    expect(cut.details.accepted).toBeLessThan(total);

    const file = join(dir, 'big.csv');
    writeFileSync(file, exportCsv(tasks));
    const rerun = await runImport([file, ...mappingArgs], { OPS_URL: url, OPS_TOKEN: TOKENS.admin });
    expect(rerun.code, rerun.err).toBe(0);
    const accepted = Number(/accepted \(new\):\s+([\d,]+)/.exec(rerun.out)![1].replace(/,/g, ''));
    const duplicates = Number(/duplicates \(stored\):\s+([\d,]+)/.exec(rerun.out)![1].replace(/,/g, ''));
    expect(duplicates).toBe(cut.details.accepted);
    expect(accepted + duplicates).toBe(total);
  }, 120_000);
});
