/**
 * A body of any size, as import items: NDJSON lines as they are, or CSV rows through the mapping
 * (csv-rows.ts). Both read the body as a stream and hold one record at a time.
 */
import { pipeline, Readable } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import type { OpsConfig } from '../../contracts/config.js';
import { DomainError } from '../../contracts/errors.js';
import type { CsvMapping } from '../../contracts/import.js';
import { planRows, rowEvents, type RowPlan } from './csv-rows.js';
import { invalidUtf8At } from '../ingest-body.js';
import type { ImportItem } from './import-stream.js';
import { ndjsonLines } from './ndjson-lines.js';

/**
 * Line numbers as an editor counts them (line breaks before a byte offset), for records that end
 * at an offset. TRICKY: not csv-parse's `info.lines`, which counts a CRLF inside a quoted cell as
 * two lines, so every row after a multi-line note in a Windows export would be named wrongly.
 */
export class LineBreaks {
  /** Offsets of line feeds not yet passed; `head` indexes the first. */
  private offsets: number[] = [];
  private head = 0;
  private passed = 0;
  private fed = 0;

  add(bytes: Uint8Array): void {
    for (let i = bytes.indexOf(0x0a); i >= 0; i = bytes.indexOf(0x0a, i + 1)) this.offsets.push(this.fed + i);
    this.fed += bytes.length;
  }

  /** The line of a record whose bytes end at `end` (exclusive, its line break included); ends only grow. */
  lineEndingAt(end: number): number {
    while (this.head < this.offsets.length && this.offsets[this.head] < end - 1) {
      this.head++;
      this.passed++;
    }
    if (this.head > 4096) {
      this.offsets = this.offsets.slice(this.head);
      this.head = 0;
    }
    return this.passed + 1;
  }
}

/** At most this many bytes in one CSV record: a file that is not CSV fails fast instead of filling memory. */
const MAX_RECORD_BYTES = 1 << 20;

type Body = AsyncIterable<Buffer | Uint8Array | string>;

/** NDJSON body -> one item per non-blank line. */
export async function* ndjsonItems(body: Body): AsyncGenerator<ImportItem> {
  for await (const line of ndjsonLines(body)) yield line.ok ? { line: line.line, events: [line.value] } : { line: line.line, reason: line.reason };
}

export interface CsvSource {
  mapping: CsvMapping;
  config: OpsConfig;
  /** The instant rows are checked at. */
  now: number;
  retentionDays: number;
}

/**
 * CSV body -> one item per row, `line` the file's line where the row ends (the header is line 1).
 * The header is checked against the mapping before any row is given: a mapped column it lacks
 * throws DomainError('invalid') naming it. Rows CSV cannot read (a stray quote) are rejected by
 * line and the reading goes on; their text is never shown, only what kind of fault it is.
 */
export async function* csvItems(body: Body, source: CsvSource): AsyncGenerator<ImportItem> {
  /** Rows CSV could not read, by the offset where they start: named in order with the rows around them. */
  const skipped: { at: number; reason: string }[] = [];
  let tooLarge: number | undefined;
  const parser = parse({
    info: true,
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD_BYTES,
    on_skip: (err: CsvError | undefined) => {
      // TRICKY: after a record over the size limit csv-parse reads nothing more: the rest of the
      // file would be dropped without a word, so that one stops the import, named by its line.
      if (err?.code === 'CSV_MAX_RECORD_SIZE') tooLarge ??= typeof err.bytes === 'number' ? err.bytes : 0;
      else skipped.push({ at: typeof err?.bytes === 'number' ? err.bytes : 0, reason: `the row cannot be read as CSV (${err?.code ?? 'unknown fault'})` });
      return undefined;
    },
  });
  const breaks = new LineBreaks();
  // TRICKY: csv-parse reads invalid UTF-8 as U+FFFD, so two task ids differing in one bad byte would
  // become one id and the second row a "duplicate". Bytes are checked strictly on the way in, and
  // the first invalid one stops the import (the rows before it are stored), named by its line.
  const strict = new TextDecoder('utf-8', { fatal: true });
  let offset = 0;
  const notUtf8 = (at: number) => new DomainError('invalid', `the CSV is not valid UTF-8 from line ${breaks.lineEndingAt(at + 1)} on: export it as UTF-8 and import it again`);
  const counted = (async function* () {
    for await (const chunk of body) {
      if (tooLarge !== undefined) return;
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      breaks.add(bytes);
      try {
        strict.decode(bytes, { stream: true });
      } catch {
        throw notUtf8(offset + Math.max(0, invalidUtf8At(bytes)));
      }
      offset += bytes.length;
      yield bytes;
    }
    try {
      strict.decode();
    } catch {
      throw notUtf8(Math.max(0, offset - 1));
    }
  })();
  // TRICKY: pipeline, not pipe: a body that fails (the connection dropped) must fail the parser,
  // which ends the loop below with the error; with pipe it would be an uncaught stream error.
  pipeline(Readable.from(counted), parser, () => undefined);
  // The line where an unreadable row starts: the one holding its first byte.
  const unreadable = (s: { at: number; reason: string }): ImportItem => ({ line: breaks.lineEndingAt(s.at + 1), reason: s.reason });
  let plan: RowPlan | undefined;
  let width = 0;
  for await (const { record, info } of readable(parser, breaks)) {
    while (skipped.length > 0 && skipped[0].at < info.bytes) yield unreadable(skipped.shift()!);
    const line = breaks.lineEndingAt(info.bytes);
    if (!plan) {
      plan = planRows(record, source.mapping, source.config, source.now, source.retentionDays);
      width = record.length;
      continue;
    }
    if (record.length !== width) {
      yield { line, reason: `the row has ${record.length} cells, the header ${width}` };
      continue;
    }
    const result = rowEvents(record, plan);
    yield result.ok ? { line, events: result.events } : { line, reason: result.reason };
  }
  while (skipped.length > 0) yield unreadable(skipped.shift()!);
  if (tooLarge !== undefined) {
    throw new DomainError('invalid', `the CSV cannot be read from line ${breaks.lineEndingAt(tooLarge + 1)} on: a row over ${MAX_RECORD_BYTES / 2 ** 20} MB, most likely a quote that is never closed`);
  }
  if (!plan) throw new DomainError('invalid', 'the CSV is empty: it needs a header line naming its columns');
}

/**
 * The parser's records; a fault it does not skip (a record over MAX_RECORD_BYTES) ends the import
 * with a DomainError naming the line and the kind of fault. TRICKY: never the parser's own error,
 * whose message quotes the text and whose `raw` holds the record: a logged error must not carry it.
 */
async function* readable(parser: AsyncIterable<unknown>, breaks: LineBreaks): AsyncGenerator<{ record: string[]; info: { bytes: number } }> {
  try {
    for await (const item of parser) yield item as { record: string[]; info: { bytes: number } };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code !== 'string' || !code.startsWith('CSV_')) throw err;
    const at = (err as { bytes?: unknown }).bytes;
    throw new DomainError('invalid', `the CSV cannot be read from line ${typeof at === 'number' ? breaks.lineEndingAt(at + 1) : '(unknown)'} on (${code})`);
  }
}
