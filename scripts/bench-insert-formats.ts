/**
 * Insert-format benchmark (measures, never asserts): which format ClickHouse parses fastest among
 * JSONEachRow, JSONCompactEachRow, TabSeparated, CSV and RowBinary, on ClickHouse 18.16 over HTTP and
 * on chDB 26.7 in-process. ~300k rows of mixed kinds go into a Null table of 26 columns like `ingest`
 * (001_pipeline.sql) fanned out by 4 materialized views, in a fresh database dropped at the end. Per
 * format: (a) Node time to encode the JS objects into payload bytes, (b) wall time to insert the
 * pre-encoded batches of 20k rows (median of 3); each target table's row count and checksum are then
 * held to what JS expects and what JSONEachRow stored, so a format that mis-parses shows.
 * Run: npx tsx scripts/bench-insert-formats.ts   (CLICKHOUSE_URL, default http://127.0.0.1:8123: npm
 * run services:up; chDB: npm install --no-save chdb@3.4.0; ROWS=n to resize)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadChdb } from '../streams/clickhouse/chdb-connection.js';

const URL = process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:8123';
const [ROWS, BATCH, REPS] = [Number(process.env.ROWS ?? 300_000), 20_000, 3];
const DB = `fmt_bench_${Math.random().toString(36).slice(2, 8)}`;
// The columns of `ingest`, plus an Array(String) and a UInt16 one. NOTE: literals, so interned: names
// and types cut out of one DDL string made the RowBinary encoder ~30% slower (key lookups, switch).
const COLUMNS = [['kind', 'UInt8'], ['event_id', 'String'], ['type', 'String'], ['task_id', 'String'], ['queue', 'String'],
  ['team', 'String'], ['at', 'Int64'], ['wait_ms', 'Int64'], ['fact', 'UInt8'], ['started', 'UInt8'], ['n', 'Int64'], ['agents', 'UInt32'],
  ['priority', 'UInt8'], ['arrivals', 'Int64'], ['completions', 'Int64'], ['leaves', 'Int64'], ['created_at', 'Nullable(Int64)'],
  ['created_by', 'String'], ['start_at', 'Nullable(Int64)'], ['start_team', 'String'], ['started_by', 'String'], ['completed_at', 'Nullable(Int64)'],
  ['cancelled_at', 'Nullable(Int64)'], ['version', 'UInt64'], ['related', 'Array(String)'], ['minute_of_day', 'UInt16']] as const;
const [NAMES, TYPES] = [COLUMNS.map(([name]) => name), COLUMNS.map(([, type]) => type)];
type Row = Record<string, string | number | null | string[]>;
const SCHEMA = [
  `CREATE DATABASE ${DB}`,
  `CREATE TABLE ${DB}.ingest (${COLUMNS.map((c) => c.join(' ')).join(', ')}) ENGINE = Null`,
  `CREATE TABLE ${DB}.events (event_id String, type String, task_id String, queue String, team String, occurred_at Int64, agents UInt32, priority UInt8, related Array(String), minute_of_day UInt16) ENGINE = MergeTree ORDER BY event_id`,
  `CREATE MATERIALIZED VIEW ${DB}.events_mv TO ${DB}.events AS SELECT event_id, type, task_id, queue, team, at AS occurred_at, agents, priority, related, minute_of_day FROM ${DB}.ingest WHERE kind = 1`,
  `CREATE TABLE ${DB}.task_state (task_id String, queue String, created_at Nullable(Int64), created_by String, start_at Nullable(Int64), start_team String, started_by String, completed_at Nullable(Int64), cancelled_at Nullable(Int64), version UInt64) ENGINE = ReplacingMergeTree(version) ORDER BY task_id`,
  `CREATE MATERIALIZED VIEW ${DB}.task_state_mv TO ${DB}.task_state AS SELECT task_id, queue, created_at, created_by, start_at, start_team, started_by, completed_at, cancelled_at, version FROM ${DB}.ingest WHERE kind = 2`,
  `CREATE TABLE ${DB}.open_counts (queue String, team String, started UInt8, n Int64) ENGINE = SummingMergeTree ORDER BY (queue, team, started)`,
  `CREATE MATERIALIZED VIEW ${DB}.open_counts_mv TO ${DB}.open_counts AS SELECT queue, team, started, n FROM ${DB}.ingest WHERE kind = 3`,
  `CREATE TABLE ${DB}.window_facts (queue String, team String, fact UInt8, at Int64, wait_ms Int64, n Int64) ENGINE = SummingMergeTree PARTITION BY intDiv(at, 86400000) ORDER BY (queue, team, fact, at, wait_ms)`,
  `CREATE MATERIALIZED VIEW ${DB}.window_facts_mv TO ${DB}.window_facts AS SELECT queue, team, fact, at, wait_ms, n FROM ${DB}.ingest WHERE kind = 5`,
];
const TARGET_TABLES = ['events', 'task_state', 'open_counts', 'window_facts'];
// Row count and checksum of each target table, in forms that background merges do not change
// (FINAL over unique versions; sums per key, zero sums left out as SummingMergeTree drops them).
const hashed = (cols: string) => `count(), sum(cityHash64(${cols}))`;
const nullable = (c: string) => `isNull(${c}), ifNull(${c}, 0)`;
const CHECKS = [
  `SELECT ${hashed('event_id, type, task_id, queue, team, occurred_at, agents, priority, related, minute_of_day')} FROM ${DB}.events`,
  `SELECT ${hashed(`task_id, queue, ${nullable('created_at')}, created_by, ${nullable('start_at')}, start_team, started_by, ${nullable('completed_at')}, ${nullable('cancelled_at')}, version`)} FROM ${DB}.task_state FINAL`,
  `SELECT ${hashed('queue, team, started, s')} FROM (SELECT queue, team, started, sum(n) AS s FROM ${DB}.open_counts GROUP BY queue, team, started HAVING s != 0)`,
  `SELECT ${hashed('queue, team, fact, at, wait_ms, s')} FROM (SELECT queue, team, fact, at, wait_ms, sum(n) AS s FROM ${DB}.window_facts GROUP BY queue, team, fact, at, wait_ms HAVING s != 0)`,
];

// ---- workload: seeded, so both targets and every format get the same rows
let seed = 0x5eed;
const rand = (): number => { // mulberry32
  let t = Math.imul((seed = (seed + 0x6d2b79f5) | 0) ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const int = (n: number) => Math.floor(rand() * n);
const pick = <T>(a: readonly T[]): T => a[int(a.length)];
const b36 = (len: number) => Array.from({ length: len }, () => '0123456789abcdefghijklmnopqrstuvwxyz'[int(36)]).join('');
const id = (prefix: string) => `${prefix}${b36(4)}-${b36(2)}`;
const QUEUES = ['claims-intake', 'prior-auth', 'billing-disputes', 'eligibility', 'appeals', 'referrals', 'pharmacy-review', 'coding-qa'];
const TEAMS = ['', 'north', 'south', 'east-wing', 'night-shift', "o'hare desk"];
const EVENT_TYPES = ['task.created', 'task.assigned', 'task.started', 'task.completed', 'task.cancelled', 'staffing.updated'];
const PEOPLE = ['agent:ana', 'agent:bo', 'agent:chen', 'agent:dee', "agent:o'neil", 'dr. müller'];
// Rare values only a correct encoder and parser get through: backslash, quotes, tab, newline, unicode.
const ODD = ['svc\\batch', 'lead "night"', 'ops\tdesk', 'two\nlines', "it's\\'", 'naïve ✓ 日本', `handover: ${'callback after 5pm; '.repeat(8)}`];
const person = () => (rand() < 0.01 ? pick(ODD) : pick(PEOPLE));
function generate(count: number): Row[] {
  const [now, tasks] = [Date.now(), Array.from({ length: Math.ceil(count / 6) }, () => id('t'))];
  return Array.from({ length: count }, (_, i): Row => {
    const [k, at] = [rand(), now - int(8 * 3_600_000)];
    const kind = k < 0.45 ? 1 : k < 0.75 ? 2 : k < 0.85 ? 3 : 5;
    const related = Array.from({ length: 1 + int(4) }, () => (rand() < 0.002 ? pick(ODD) : pick(tasks)));
    const r: Row = {
      kind, event_id: '', type: '', task_id: '', queue: pick(QUEUES), team: '', at: 0, wait_ms: 0, fact: 0, started: 0, n: 0,
      agents: 0, priority: 0, arrivals: 0, completions: 0, leaves: 0, created_at: null, created_by: '', start_at: null,
      start_team: '', started_by: '', completed_at: null, cancelled_at: null, version: 0, related,
      minute_of_day: Math.floor((at % 86_400_000) / 60_000),
    };
    if (kind === 1) {
      const type = pick(EVENT_TYPES), staffing = type === 'staffing.updated';
      Object.assign(r, { event_id: id('e'), type, task_id: staffing ? '' : pick(tasks), team: pick(TEAMS), at, agents: staffing ? int(40) : 0 });
      if (type === 'task.created') r.priority = 1 + int(5);
    } else if (kind === 2) {
      Object.assign(r, { task_id: pick(tasks), created_at: rand() < 0.05 ? null : at, created_by: person(), version: now + i });
      if (rand() < 0.6) Object.assign(r, { start_at: at + int(900_000), start_team: pick(TEAMS), started_by: person() });
      if (rand() < 0.4) r.completed_at = at + int(3_600_000);
      else if (rand() < 0.1) r.cancelled_at = at + int(3_600_000);
    } else if (kind === 3) Object.assign(r, { team: pick(TEAMS), started: int(2), n: rand() < 0.55 ? 1 : -1 });
    else {
      const fact = 1 + int(3);
      Object.assign(r, { team: pick(TEAMS), fact, at: at - (at % 60_000), wait_ms: fact === 3 ? int(3_600_000) : 0, n: 1 + int(3) });
    }
    return r;
  });
}
/** Row counts the four target tables must end with, from the rows themselves. */
function expectedCounts(rows: Row[]): number[] {
  const [tasks, open, facts] = [new Set<unknown>(), new Map<string, number>(), new Map<string, number>()];
  const add = (map: Map<string, number>, key: unknown[], n: number) => map.set(key.join('\u0001'), (map.get(key.join('\u0001')) ?? 0) + n);
  for (const r of rows) {
    if (r.kind === 2) tasks.add(r.task_id);
    else if (r.kind === 3) add(open, [r.queue, r.team, r.started], r.n as number);
    else if (r.kind === 5) add(facts, [r.queue, r.team, r.fact, r.at, r.wait_ms], r.n as number);
  }
  return [rows.filter((r) => r.kind === 1).length, tasks.size, ...[open, facts].map((m) => [...m.values()].filter((n) => n !== 0).length)];
}

// ---- encoders: JS objects -> payload bytes, columns in table order
const TSV_SPECIAL = /[\\\t\n\r]/g;
const QUOTED_SPECIAL = /[\\'\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', "'": "\\'", '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const escape = (c: string) => ESCAPES[c];
/** A TabSeparated string field: backslash, tab, newline and CR as escapes. */
const tsvString = (s: string) => (s.search(TSV_SPECIAL) < 0 ? s : s.replace(TSV_SPECIAL, escape));
/** Array(String) as text, ['a','b'], elements quoted with ' and \ escaped (the same in TSV and CSV). */
const arrayText = (a: string[]) => `[${a.map((s) => `'${s.search(QUOTED_SPECIAL) < 0 ? s : s.replace(QUOTED_SPECIAL, escape)}'`).join(',')}]`;
/** A CSV field: always double-quoted, " doubled. */
const csvString = (s: string) => '"' + (s.includes('"') ? s.replaceAll('"', '""') : s) + '"';
// NOTE: JSON lines concatenated beat an array join; TSV/CSV fields joined per row beat `+=` (2x).
function encodeJsonLines(rows: Row[], value: (r: Row) => unknown): Buffer {
  let out = '';
  for (const r of rows) out += JSON.stringify(value(r)) + '\n';
  return Buffer.from(out);
}
const encodeJsonEachRow = (rows: Row[]) => encodeJsonLines(rows, (r) => r);
const encodeJsonCompactEachRow = (rows: Row[]) => encodeJsonLines(rows, (r) => NAMES.map((name) => r[name]));
/** TabSeparated and CSV: fields joined by `sep`, NULL as \N, one row a line. */
function encodeTextRows(rows: Row[], sep: string, str: (s: string) => string, arr: (a: string[]) => string): Buffer {
  const lines: string[] = new Array(rows.length + 1);
  const fields: string[] = new Array(NAMES.length);
  for (let j = 0; j < rows.length; j++) {
    for (let i = 0; i < NAMES.length; i++) {
      const v = rows[j][NAMES[i]];
      fields[i] = v === null ? '\\N' : typeof v === 'string' ? str(v) : typeof v === 'number' ? String(v) : arr(v);
    }
    lines[j] = fields.join(sep);
  }
  lines[rows.length] = '';
  return Buffer.from(lines.join('\n'));
}
const encodeTsv = (rows: Row[]) => encodeTextRows(rows, '\t', tsvString, arrayText);
const encodeCsv = (rows: Row[]) => encodeTextRows(rows, ',', csvString, (a) => csvString(arrayText(a)));
/** RowBinary: fixed-width integers little-endian, String = LEB128 length + UTF-8, Nullable = flag byte (1 = NULL) + value, Array = LEB128 count + elements. */
function encodeRowBinary(rows: Row[]): Buffer {
  let [buf, off] = [Buffer.allocUnsafe(rows.length * 256), 0];
  const room = (n: number) => { if (off + n > buf.length) buf = Buffer.concat([buf.subarray(0, off)], Math.max(buf.length * 2, off + n)); };
  const varint = (n: number) => { for (; n > 0x7f; n >>>= 7) buf[off++] = (n & 0x7f) | 0x80; buf[off++] = n; };
  // Any safe integer, negative ones too: low 32 bits, then the high 32 bits (two's complement).
  const int64 = (v: number) => { off = buf.writeUInt32LE(Math.floor(v / 4294967296) >>> 0, buf.writeUInt32LE(v >>> 0, off)); };
  const string = (s: string) => {
    const n = s.length;
    room(n * 3 + 5);
    if (n > 42) { varint(Buffer.byteLength(s)); off += buf.write(s, off); return; }
    const at = off++; // at most 126 bytes: a one-byte length, filled in after the bytes
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) { buf[at] = buf.write(s, at + 1); off = at + 1 + buf[at]; return; }
      buf[off++] = c;
    }
    buf[at] = n;
  };
  for (const r of rows) {
    for (let i = 0; i < NAMES.length; i++) {
      const v = r[NAMES[i]];
      room(9);
      switch (TYPES[i]) {
        case 'UInt8': buf[off++] = v as number; break;
        case 'UInt16': off = buf.writeUInt16LE(v as number, off); break;
        case 'UInt32': off = buf.writeUInt32LE(v as number, off); break;
        case 'Int64': case 'UInt64': int64(v as number); break;
        case 'Nullable(Int64)': if (v === null) buf[off++] = 1; else { buf[off++] = 0; int64(v as number); } break;
        case 'String': string(v as string); break;
        case 'Array(String)': varint((v as string[]).length); for (const s of v as string[]) string(s); break;
      }
    }
  }
  return buf.subarray(0, off);
}
const FORMATS: [string, (rows: Row[]) => Buffer][] = [
  ['JSONEachRow', encodeJsonEachRow], ['JSONCompactEachRow', encodeJsonCompactEachRow],
  ['TabSeparated', encodeTsv], ['CSV', encodeCsv], ['RowBinary', encodeRowBinary],
];

// ---- targets: 18.16 over HTTP (plain fetch: @clickhouse/client 1.x inserts no RowBinary); chDB by
// Session.insert of a Buffer (as the product's adapter does) and by INSERT ... FROM INFILE
interface Target { name: string; exec(q: string): Promise<string>; insert(format: string, payload: Buffer, file: string): Promise<void> }
interface ChdbSession { queryAsync(q: string, o?: { format?: string }): Promise<{ text(): string }>; insert(p: { table: string; values: Buffer; format: string }): Promise<unknown>; close(): void }
const firstLine = (e: unknown) => (e instanceof Error ? e.message + (e.cause instanceof Error ? `: ${e.cause.message}` : '') : String(e)).trim().split('\n')[0].slice(0, 170);
// TRICKY: 18.16 closes connections idle for 3 s (keep_alive_timeout) and fetch does not retry a POST
// sent on one it closed ("other side closed"), so a request that got no answer is sent once more
// (an insert the server did read would then count twice, and the row counts would show it).
async function http(query: string, body?: Buffer): Promise<string> {
  const send = () => fetch(`${URL}/?query=${encodeURIComponent(query)}`, { method: 'POST', body: (body ?? '') as BodyInit });
  const res = await send().catch(send);
  return res.ok ? res.text() : Promise.reject(new Error(await res.text()));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = generate(ROWS);
const batches = Array.from({ length: Math.ceil(ROWS / BATCH) }, (_, b) => rows.slice(b * BATCH, (b + 1) * BATCH));
const expected = expectedCounts(rows);
const chdb = (await loadChdb()) as unknown as { Session: new (path: string, o?: { connectionArgs?: string[] }) => ChdbSession; version(): Record<string, string> };
const versions = `ClickHouse ${(await http('SELECT version()')).trim()} over HTTP | chDB ${chdb.version().chdb} = ClickHouse ${chdb.version().libchdb.replaceAll('"', '')} in-process`;
const dir = mkdtempSync(join(tmpdir(), 'fmt-bench-'));
const session = new chdb.Session(join(dir, 'data'), { connectionArgs: ['--async_insert=0'] });
const chdbExec = async (q: string) => (await session.queryAsync(q, { format: 'TSV' })).text();
const targets: Target[] = [
  { name: '18.16', exec: (q) => http(q), insert: async (f, p) => void (await http(`INSERT INTO ${DB}.ingest FORMAT ${f}`, p)) },
  { name: 'chDB insert()', exec: chdbExec, insert: async (f, p) => void (await session.insert({ table: `${DB}.ingest`, values: p, format: f })) },
  { name: 'chDB INFILE', exec: chdbExec, insert: async (f, _p, file) => void (await session.queryAsync(`INSERT INTO ${DB}.ingest FROM INFILE '${file}' FORMAT ${f}`)) },
];
type Result = { times: number[]; error?: string; sums?: string[][]; note?: string };
const results = new Map<string, { encodeMs: number; mb: number; on: Map<string, Result>; payloads: Buffer[]; files: string[] }>();
try {
  for (const q of SCHEMA) { await http(q); await chdbExec(q); }
  for (const t of targets.slice(0, 2)) await t.insert('JSONEachRow', encodeJsonEachRow(batches[0]), ''); // warm-up
  // Every encoding first (JIT warmed up), away from inserts and the background merges they leave.
  const [payloadsOf, encodeTimes] = [new Map<string, Buffer[]>(), new Map<string, number[]>(FORMATS.map(([f]) => [f, []]))];
  for (const [, encode] of FORMATS) encode(batches[0]);
  for (let rep = 0; rep < REPS; rep++) {
    for (const [format, encode] of FORMATS) {
      const t0 = performance.now();
      payloadsOf.set(format, batches.map(encode));
      encodeTimes.get(format)!.push(performance.now() - t0);
    }
  }
  for (const [format] of FORMATS) {
    const payloads = payloadsOf.get(format)!;
    const files = payloads.map((p, b) => { const f = join(dir, `${format}-${b}`); writeFileSync(f, p); return f; });
    const on = new Map(targets.map((t): [string, Result] => [t.name, { times: [] }]));
    results.set(format, { encodeMs: median(encodeTimes.get(format)!), mb: payloads.reduce((s, p) => s + p.length, 0) / 1e6, on, payloads, files });
  }
  // Repetitions outermost, so that load from elsewhere on the machine spreads over every format.
  const truncate = async (t: Target) => { for (const table of TARGET_TABLES) await t.exec(`TRUNCATE TABLE ${DB}.${table}`); };
  for (let rep = 0; rep < REPS; rep++) {
    for (const [format] of FORMATS) {
      const { payloads, files, on } = results.get(format)!;
      for (const t of targets) {
        const res = on.get(t.name)!;
        if (res.error) continue;
        try {
          await truncate(t);
          const t0 = performance.now();
          for (let b = 0; b < payloads.length; b++) await t.insert(format, payloads[b], files[b]);
          res.times.push(performance.now() - t0);
          const sums: string[][] = [];
          for (const q of CHECKS) sums.push((await t.exec(q)).trim().split('\t'));
          if (res.sums && JSON.stringify(sums) !== JSON.stringify(res.sums)) res.note = 'checksums differ between repetitions';
          res.sums = sums;
          await truncate(t); // no merges left running behind the next measurement
        } catch (e) { res.error = firstLine(e); }
      }
    }
  }
} finally {
  await http(`DROP DATABASE IF EXISTS ${DB}`).catch((e) => console.error(`DROP DATABASE ${DB} on 18.16: ${firstLine(e)}`));
  await chdbExec(`DROP DATABASE IF EXISTS ${DB}`).catch(() => {});
  session.close();
  rmSync(dir, { recursive: true, force: true });
}

// ---- report: ms per 100k rows; enc+X = encode + insert on X; * = fastest of its column
const result = (f: string) => results.get(f)!;
const COLS = ['encode', ...targets.map((t) => t.name), 'enc+18.16', 'enc+chDB insert()'];
const table = FORMATS.map(([f]) => {
  const ms = targets.map((t) => result(f).on.get(t.name)!).map((r) => (r.error ? undefined : median(r.times)));
  return [result(f).encodeMs, ...ms, ...ms.slice(0, 2).map((v) => (v === undefined ? undefined : v + result(f).encodeMs))];
});
const best = COLS.map((_, i) => Math.min(...table.map((values) => values[i] ?? Infinity)));
const share = [1, 2, 3, 5].map((k) => `${Math.round((rows.filter((r) => r.kind === k).length * 100) / ROWS)}%`).join('/');
console.log(`${versions}\n${ROWS} rows (kinds 1/2/3/5: ${share}), ${COLUMNS.length} columns, 4 views, batches of ${BATCH}, median of ${REPS}; ms per 100k rows`);
const pad = (s: string, name: string) => s.padStart(Math.max(7, name.length));
console.log(['format'.padEnd(18), pad('MB', ''), ...COLS.map((c) => pad(c, c)), ' wins'].join(' '));
table.forEach((values, row) => {
  const cells = values.map((v, i) => pad(v === undefined ? 'n/a ' : ((v * 100_000) / ROWS).toFixed(0) + (v === best[i] ? '*' : ' '), COLS[i]));
  const wins = COLS.filter((_, i) => values[i] === best[i]).join(', ');
  console.log([FORMATS[row][0].padEnd(18), pad(result(FORMATS[row][0]).mb.toFixed(1), ''), ...cells, ' ' + wins].join(' '));
});
let findings = 0;
const say = (what: string) => console.log(`${findings++ === 0 ? '\nnot accepted / mismatches:\n' : ''}  ${what}`);
for (const t of targets) {
  const reference = result('JSONEachRow').on.get(t.name)!.sums;
  for (const [format] of FORMATS) {
    const r = result(format).on.get(t.name)!;
    if (r.error) { say(`${format} on ${t.name}: not accepted: ${r.error}`); continue; }
    if (r.note) say(`${format} on ${t.name}: ${r.note}`);
    r.sums!.forEach(([count, hash], i) => {
      if (Number(count) !== expected[i]) say(`${format} on ${t.name}: ${TARGET_TABLES[i]} has ${count} rows, ${expected[i]} expected`);
      else if (reference && hash !== reference[i][1]) say(`${format} on ${t.name}: ${TARGET_TABLES[i]} checksum ${hash}, JSONEachRow's ${reference[i][1]}`);
    });
  }
}
const [onHttp, onChdb] = ['18.16', 'chDB insert()'].map((name) => JSON.stringify(result('JSONEachRow').on.get(name)!.sums));
if (onHttp !== onChdb) say(`JSONEachRow's checksums differ between 18.16 and chDB: ${onHttp} vs ${onChdb}`);
console.log(`\nchecked: rows in ${TARGET_TABLES.join('/')} (${expected.join('/')} expected), checksums = JSONEachRow's on each target and across targets: ${findings} finding(s)`);
