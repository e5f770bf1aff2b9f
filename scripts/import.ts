/**
 * `npm run import -- FILE [options]`: loads history from an export into the running server
 * (`POST /api/import`), with a progress bar and a summary. Importing the same file again changes
 * nothing. OPS_URL (default http://127.0.0.1:$PORT, PORT default 3000) and OPS_TOKEN (an admin
 * token, when the server has access control) come from the environment.
 *
 * Exit status: 0 every line was taken (new or already there), 2 done with rejected lines,
 * 1 the import did not run or stopped half-way (what was stored stays; run it again).
 */
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { readImportEnv } from '../contracts/env.js';
import { IMPORT_FORMATS, type ImportFormat, type ImportSummary } from '../contracts/import.js';
import { importFile, ImportFailure } from './import-client.js';

const USAGE = `usage: npm run import -- FILE [--format csv|ndjson]
         [--map field=column,...] [--queues value=queue,...] [--teams value=team,...]
         [--defaults queue=id,team=id,priority=n] [--time-zone America/Chicago] [--url URL]
fields: task_id, queue, created_at (required), team, priority, assigned_at, started_at,
        completed_at, cancelled_at. The server is OPS_URL (or --url); OPS_TOKEN an admin token.`;
const SHOWN_REJECTIONS = 20;
const fmt = (n: number) => Math.round(n).toLocaleString('en');

function printSummary(s: ImportSummary, seconds: number): void {
  const what = s.format === 'csv' ? 'rows' : 'lines';
  console.log(`${fmt(s.records)} ${what} read in ${seconds.toFixed(1)} s (${fmt(s.records / Math.max(seconds, 0.001))} ${what}/s): ${fmt(s.events)} events`);
  console.log(`  ${'accepted (new):'.padEnd(21)}${fmt(s.accepted)}`);
  console.log(`  ${'duplicates (stored):'.padEnd(21)}${fmt(s.duplicates)}`);
  console.log(`  ${`rejected ${what}:`.padEnd(21)}${fmt(s.rejected_count)}`);
  for (const r of s.rejected.slice(0, SHOWN_REJECTIONS)) console.log(`    line ${r.line}: ${r.reason}`);
  if (s.rejected_count > SHOWN_REJECTIONS) console.log(`    ... and ${fmt(s.rejected_count - SHOWN_REJECTIONS)} more (the server's answer lists the first 1,000)`);
}

/** A bar on a terminal; elsewhere (CI, a log file) a plain line every 10 seconds. */
function progressReporter(): { update(stored: number, total: number): void; stop(): void } {
  if (process.stderr.isTTY) {
    const bar = new SingleBar({ stream: process.stderr, format: 'importing [{bar}] {percentage}% | {doneMb} of {totalMb} MB stored | {left}', hideCursor: true });
    let started = false;
    const t0 = performance.now();
    return {
      update(stored, total) {
        // NOTE: our own estimate: parts are stored seconds apart, too few for the library's.
        const seconds = stored > 0 ? ((performance.now() - t0) / 1000 / stored) * (total - stored) : undefined;
        const left = seconds === undefined ? 'estimating' : `${Math.ceil(seconds)} s left`;
        const values = { doneMb: (stored / 2 ** 20).toFixed(1), totalMb: (total / 2 ** 20).toFixed(1), left };
        if (!started) bar.start(total, 0, values);
        started = true;
        bar.update(stored, values);
      },
      stop: () => started && bar.stop(),
    };
  }
  let last = Date.now();
  return {
    update(stored, total) {
      if (Date.now() - last < 10_000 && stored < total) return;
      last = Date.now();
      console.error(`importing: ${total === 0 ? 100 : Math.floor((stored / total) * 100)}% (${fmt(stored / 2 ** 20)} of ${fmt(total / 2 ** 20)} MB stored)`);
    },
    stop() {},
  };
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      allowPositionals: true,
      options: {
        format: { type: 'string' },
        map: { type: 'string' },
        queues: { type: 'string' },
        teams: { type: 'string' },
        defaults: { type: 'string' },
        'time-zone': { type: 'string' },
        url: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 1;
  }
  const { values, positionals } = args;
  if (values.help || positionals.length !== 1) {
    console.error(USAGE);
    return values.help ? 0 : 1;
  }
  if (values.format !== undefined && !(IMPORT_FORMATS as readonly string[]).includes(values.format)) {
    console.error(`--format is csv or ndjson\n${USAGE}`);
    return 1;
  }
  let env;
  try {
    env = readImportEnv();
  } catch (err) {
    console.error((err as Error).message);
    return 1;
  }
  const progress = progressReporter();
  const t0 = performance.now();
  try {
    const summary = await importFile({
      file: positionals[0],
      format: values.format as ImportFormat | undefined,
      csv: { map: values.map, queues: values.queues, teams: values.teams, defaults: values.defaults, time_zone: values['time-zone'] },
      url: values.url ?? env.url,
      token: env.token,
      onProgress: (stored, total) => progress.update(stored, total),
    });
    progress.stop();
    printSummary(summary, (performance.now() - t0) / 1000);
    return summary.rejected_count > 0 ? 2 : 0;
  } catch (err) {
    progress.stop();
    if (!(err instanceof ImportFailure)) throw err;
    console.error(`import failed: ${err.message}`);
    if (err.summary) printSummary(err.summary, (performance.now() - t0) / 1000);
    return 1;
  }
}

process.exitCode = await main();
