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
import type { ImportItem } from './import-stream.js';
import { ndjsonLines } from './ndjson-lines.js';

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
  const skipped: ImportItem[] = [];
  const parser = parse({
    info: true,
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD_BYTES,
    on_skip: (err: CsvError | undefined) => {
      skipped.push({ line: typeof err?.lines === 'number' ? err.lines : 0, reason: `the row cannot be read as CSV (${err?.code ?? 'unknown fault'})` });
      return undefined;
    },
  });
  // TRICKY: pipeline, not pipe: a body that fails (the connection dropped) must fail the parser,
  // which ends the loop below with the error; with pipe it would be an uncaught stream error.
  pipeline(Readable.from(body), parser, () => undefined);
  let plan: RowPlan | undefined;
  let width = 0;
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    while (skipped.length > 0) yield skipped.shift()!;
    if (!plan) {
      plan = planRows(record, source.mapping, source.config, source.now, source.retentionDays);
      width = record.length;
      continue;
    }
    if (record.length !== width) {
      yield { line: info.lines, reason: `the row has ${record.length} cells, the header ${width}` };
      continue;
    }
    const result = rowEvents(record, plan);
    yield result.ok ? { line: info.lines, events: result.events } : { line: info.lines, reason: result.reason };
  }
  while (skipped.length > 0) yield skipped.shift()!;
  if (!plan) throw new DomainError('invalid', 'the CSV is empty: it needs a header line naming its columns');
}
