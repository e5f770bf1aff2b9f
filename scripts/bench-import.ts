/**
 * History import figures, printed by `npm run bench` (alone: `npm run bench -- --only import`),
 * never asserted: a 1,000,000-row work-queue export (CSV, local times, display names mapped to
 * ids) is imported into a fresh durable server (its own process, a temporary DATA_DIR) through
 * `POST /api/import`, as `npm run import` sends it; then the same file again, which must add
 * nothing: that one is a check (the run fails if the re-import accepted anything), not a timing.
 */
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import type { OpsConfig } from '../contracts/config.js';
import type { ImportSummary } from '../contracts/import.js';
import { ZoneReader } from '../server/import/import-time.js';
import { startBenchServer, type BenchServer } from './bench-server.js';
import { importFile } from './import-client.js';

const ZONE = 'America/Chicago';
const DAY_MS = 24 * 3600_000;
const fmt = (n: number) => Math.round(n).toLocaleString('en');

/** `YYYY-MM-DD HH:MM:SS` in ZONE: how work-queue exports mostly write times. */
function localText(zone: ZoneReader, ms: number): string {
  return new Date(ms + zone.offsetAt(ms)).toISOString().slice(0, 19).replace('T', ' ');
}

/** Writes `rows` tasks created over the 30 days before `now`; returns the mapping's query. */
async function writeExport(path: string, config: OpsConfig, now: number, rows: number): Promise<Record<string, string>> {
  const zone = new ZoneReader(ZONE);
  const labels = new Map(config.queues.map((q) => [q.id, `${q.name ?? q.id} (WQ)`]));
  const teamLabels = new Map(config.teams.map((t) => [t.id, `${t.name ?? t.id} group`]));
  const serving = new Map(config.queues.map((q) => [q.id, config.teams.filter((t) => t.queues.includes(q.id)).map((t) => t.id)]));
  const out = createWriteStream(path);
  let chunk = 'Case ID,Work Queue,Assigned Group,Priority,Opened,Work Started,Closed,Cancelled,Notes\n';
  let seed = 12345;
  const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
  for (let i = 0; i < rows; i++) {
    const queue = config.queues[i % config.queues.length].id;
    const teams = serving.get(queue)!;
    const team = teams[i % teams.length];
    const created = Math.floor(now - 30 * DAY_MS * (1 - i / rows) - 600_000);
    const roll = next();
    const started = roll < 0.8 ? created + Math.floor(next() * 4 * 3600_000) : undefined;
    const closed = started !== undefined && roll < 0.75 ? started + Math.floor(next() * 2 * 3600_000) : undefined;
    const cancelled = roll > 0.95 ? created + 900_000 : undefined;
    const at = (ms: number | undefined) => (ms === undefined || ms > now ? '' : localText(zone, ms));
    chunk += `WQ-${i},${labels.get(queue)},${teamLabels.get(team)},${1 + (i % 5)},${at(created)},${at(started)},${at(closed)},${at(cancelled)},${i % 4 === 0 ? '"called back, left a message"' : ''}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  return {
    map: 'task_id=Case ID,queue=Work Queue,team=Assigned Group,priority=Priority,created_at=Opened,started_at=Work Started,completed_at=Closed,cancelled_at=Cancelled',
    queues: [...labels].map(([id, label]) => `${label}=${id}`).join(','),
    teams: [...teamLabels].map(([id, label]) => `${label}=${id}`).join(','),
    time_zone: ZONE,
  };
}

/** Peak resident memory of a process (Linux), in MB. */
function peakRssMb(pid: number): string {
  try {
    const kb = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? `${(Number(kb) / 1024).toFixed(0)} MB` : 'unknown';
  } catch {
    return 'unknown';
  }
}

async function timedImport(server: BenchServer, file: string, csv: Record<string, string>): Promise<{ summary: ImportSummary; seconds: number }> {
  const t0 = performance.now();
  const summary = await importFile({ file, format: 'csv', csv, url: server.url });
  return { summary, seconds: (performance.now() - t0) / 1000 };
}

/** Generates the export, imports it twice into a fresh durable server, prints the figures. */
export async function benchImport(config: OpsConfig, now: number, rows = 1_000_000): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'occ-bench-import-'));
  const file = join(dir, 'work-queue-export.csv');
  let server: BenchServer | undefined;
  try {
    const g0 = performance.now();
    const csv = await writeExport(file, config, now, rows);
    console.log(`import: wrote a ${fmt(rows)}-row export (${(statSync(file).size / 2 ** 20).toFixed(0)} MB, times in ${ZONE}) in ${((performance.now() - g0) / 1000).toFixed(1)} s`);
    server = await startBenchServer({ SIMULATOR: 'off', DATA_DIR: join(dir, 'data'), CLOCK_AT: new Date(now).toISOString() });
    const first = await timedImport(server, file, csv);
    const s = first.summary;
    console.log(
      `import: ${fmt(s.records)} rows -> ${fmt(s.events)} events in ${first.seconds.toFixed(1)} s = ${fmt(s.records / first.seconds)} rows/s, ${fmt(s.events / first.seconds)} events/s ` +
        `(accepted ${fmt(s.accepted)}, duplicates ${fmt(s.duplicates)}, rejected rows ${fmt(s.rejected_count)}); server peak memory ${peakRssMb(server.pid)}`,
    );
    const again = await timedImport(server, file, csv);
    const r = again.summary;
    console.log(`import again (same file): accepted ${fmt(r.accepted)}, duplicates ${fmt(r.duplicates)} of ${fmt(r.events)} events, in ${again.seconds.toFixed(1)} s = ${fmt(r.records / again.seconds)} rows/s`);
    if (s.rejected_count > 0 || s.accepted !== s.events) throw new Error(`the first import did not take every row: ${JSON.stringify({ ...s, rejected: s.rejected.slice(0, 3) })}`);
    if (r.accepted !== 0 || r.duplicates !== s.events) throw new Error(`the re-import changed something: accepted ${r.accepted}, duplicates ${r.duplicates} of ${s.events}`);
  } finally {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
