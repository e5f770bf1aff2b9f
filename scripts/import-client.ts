/**
 * The client side of a history import: sends a file to a running server's `POST /api/import`, in
 * parts of about 8 MB cut at row ends (import-parts.ts), and adds up their summaries. The server
 * does the reading, checking and storing, so the data directory (or Kafka) has one writer, and
 * the import lands where the live events land.
 *
 * Before sending anything it checks what it can on its own: the file is there, the server answers,
 * and (CSV) the header has every mapped column.
 */
import { createReadStream, statSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { basename } from 'node:path';
import { parse } from 'csv-parse';
import { csvMappingOf, MAX_REJECTED_LISTED, type ImportFormat, type ImportQuery, type ImportSummary } from '../contracts/import.js';
import { columnsOf } from '../server/import/csv-rows.js';
import { emptySummary } from '../server/import/import-stream.js';
import { fileParts } from './import-parts.js';

/** What one request carries at most (cut at a row's end): a part is stored within seconds, far inside the server's request timeout. */
export const PART_BYTES = 8 << 20;

export interface ImportFileOptions {
  file: string;
  /** Default: from the file's extension (.csv; .ndjson, .jsonl). */
  format?: ImportFormat;
  /** CSV only: map, queues, teams, defaults, time_zone. */
  csv?: Omit<ImportQuery, 'format' | 'name'>;
  /** The server, e.g. http://127.0.0.1:3000. */
  url: string;
  token?: string;
  /** Bytes of the file stored so far, of `total`; called after each part. */
  onProgress?(stored: number, total: number): void;
  /** Bytes per request (default PART_BYTES). */
  partBytes?: number;
}

/** A failure the command reports in one line (and exits 1 on). */
export class ImportFailure extends Error {
  override name = 'ImportFailure';
  /** What the server had stored before it stopped, when it says. */
  constructor(message: string, readonly summary?: ImportSummary) {
    super(message);
  }
}

/** The format a file name implies, if any. */
export function formatOfName(file: string): ImportFormat | undefined {
  const name = file.toLowerCase();
  if (name.endsWith('.csv')) return 'csv';
  if (name.endsWith('.ndjson') || name.endsWith('.jsonl')) return 'ndjson';
  return undefined;
}

/** The first record of a CSV file: its header. */
async function csvHeader(file: string): Promise<string[]> {
  const parser = createReadStream(file).pipe(parse({ bom: true, to_line: 1, relax_column_count: true, max_record_size: 1 << 20 }));
  for await (const record of parser as AsyncIterable<string[]>) return record;
  throw new ImportFailure('the CSV file is empty: it needs a header line naming its columns');
}

/** Whether the server answers its liveness check within 5 s. */
function reachable(url: string): Promise<boolean> {
  const target = new URL('/healthz', url);
  const get = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    // NOTE: agent false: no kept-alive socket holds the process (or a benchmark) open afterwards.
    const req = get(target, { agent: false, timeout: 5000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** Streams the file to `POST /api/import`; resolves with the summary, or rejects with ImportFailure. */
export async function importFile(o: ImportFileOptions): Promise<ImportSummary> {
  let size: number;
  try {
    size = statSync(o.file).size;
  } catch {
    throw new ImportFailure(`cannot read ${o.file}`);
  }
  const format = o.format ?? formatOfName(o.file);
  if (!format) throw new ImportFailure('say what the file is: --format csv or --format ndjson (or name it .csv, .ndjson)');
  const query = new URLSearchParams({ format, name: basename(o.file) });
  if (format === 'csv') {
    const given = Object.fromEntries(Object.entries(o.csv ?? {}).filter(([, v]) => v !== undefined)) as Record<string, string>;
    let mapping;
    try {
      mapping = csvMappingOf(given);
    } catch (err) {
      throw new ImportFailure((err as Error).message);
    }
    const { missing } = columnsOf(await csvHeader(o.file), mapping);
    if (missing) throw new ImportFailure(missing);
    for (const [key, value] of Object.entries(given)) query.set(key, value);
  } else if (o.csv && Object.values(o.csv).some((v) => v !== undefined)) {
    throw new ImportFailure('--map, --queues, --teams, --defaults and --time-zone are for CSV; NDJSON lines are events as they are');
  }
  if (!(await reachable(o.url))) {
    throw new ImportFailure(`no server answers at ${o.url}: start it first (npm start); the import goes through the running server, which stores it as it stores live events`);
  }
  const target = new URL(`/api/import?${query}`, o.url);
  const summary = emptySummary(format);
  o.onProgress?.(0, size);
  for await (const part of fileParts(o.file, format, o.partBytes ?? PART_BYTES)) {
    let answer: PartAnswer;
    try {
      answer = await postPart(target, format, part.body, o.token);
    } catch (err) {
      throw new ImportFailure(`the connection to ${o.url} failed (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); what was stored stays: run the import again to add the rest`, summary);
    }
    const { status, body } = answer;
    if (status === 200 && body && body.error === undefined) {
      addPart(summary, body, part.lineOffset);
      o.onProgress?.(part.endByte, size);
      continue;
    }
    if (status === 401 || status === 403) throw new ImportFailure(`the server refused the token (${status}): an import needs an admin token in OPS_TOKEN`, summary);
    if (body?.details?.summary) addPart(summary, body.details.summary, part.lineOffset);
    throw new ImportFailure(`the server answered ${status}: ${body?.error ?? 'no explanation'}`, summary);
  }
  summary.rejected.sort((a, b) => a.line - b.line);
  return summary;
}

type PartAnswer = { status: number; body?: ImportSummary & { error?: string; details?: { summary?: ImportSummary } } };

/** One part, one request (no kept-alive socket: nothing holds the process open afterwards). */
async function postPart(target: URL, format: ImportFormat, body: Buffer, token: string | undefined): Promise<PartAnswer> {
  const headers: Record<string, string | number> = { 'content-type': format === 'csv' ? 'text/csv' : 'application/x-ndjson', 'content-length': body.length };
  if (token) headers.authorization = `Bearer ${token}`;
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const req = send(target, { method: 'POST', headers, agent: false });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
  });
  // NOTE: the server may answer (400, 401) before it has read the whole part; the answer is what counts.
  req.end(body);
  const res = await response;
  let text = '';
  for await (const chunk of res) text += chunk;
  try {
    return { status: res.statusCode ?? 0, body: JSON.parse(text) };
  } catch {
    return { status: res.statusCode ?? 0 };
  }
}

/** Adds a part's counts to the file's, its lines renumbered as the file's. */
function addPart(summary: ImportSummary, part: ImportSummary, lineOffset: number): void {
  summary.records += part.records;
  summary.events += part.events;
  summary.accepted += part.accepted;
  summary.duplicates += part.duplicates;
  summary.rejected_count += part.rejected_count;
  for (const r of part.rejected) if (summary.rejected.length < MAX_REJECTED_LISTED) summary.rejected.push({ line: r.line + lineOffset, reason: r.reason });
}
