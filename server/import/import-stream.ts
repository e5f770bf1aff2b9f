/**
 * Runs an import: items (a CSV row's events, or an NDJSON line's event) go through the same ingest
 * as `POST /api/events`, in batches of at most MAX_EVENTS_PER_REQUEST events, a row never split
 * between two. One batch is stored while the next is read, no more: the body is read only as fast
 * as the store takes it, so memory stays bounded whatever the size of the file.
 *
 * Every batch stored stays stored if the import stops half-way (a dropped connection, a store
 * outage): the ids are deterministic, so running the import again adds only what is missing.
 */
import { MAX_REJECTED_LISTED, type ImportFormat, type ImportSummary } from '../../contracts/import.js';
import { MAX_EVENTS_PER_REQUEST, type BodyItem, type IngestResponse } from '../ingest.js';

/** One line of the file: the events it gives, or why it is rejected. */
export type ImportItem = { line: number; events: readonly unknown[] } | { line: number; reason: string };

export type Ingest = (items: BodyItem[]) => Promise<IngestResponse>;

/** A summary with nothing counted yet. */
export function emptySummary(format: ImportFormat): ImportSummary {
  return { format, records: 0, events: 0, accepted: 0, duplicates: 0, rejected: [], rejected_count: 0 };
}

function reject(summary: ImportSummary, line: number, reason: string): void {
  summary.rejected_count++;
  if (summary.rejected.length < MAX_REJECTED_LISTED) summary.rejected.push({ line, reason });
}

export interface ImportOptions {
  /** Called after each stored batch with the counts so far. */
  onBatch?(summary: ImportSummary): void;
  /** Events per batch (default and at most MAX_EVENTS_PER_REQUEST). */
  batchSize?: number;
}

/**
 * Feeds `items` to `ingest` and counts into `summary` (which the caller keeps: after a failure it
 * holds what was stored before it). Resolves once every batch is stored; rejects on the first
 * batch that could not be, having waited for the one in flight.
 */
export async function runImport(items: AsyncIterable<ImportItem>, ingest: Ingest, summary: ImportSummary, options: ImportOptions = {}): Promise<ImportSummary> {
  const limit = Math.min(options.batchSize ?? MAX_EVENTS_PER_REQUEST, MAX_EVENTS_PER_REQUEST);
  let batch: BodyItem[] = [];
  let lines: number[] = [];
  let inFlight: Promise<void> | undefined;
  let failure: { err: unknown } | undefined;

  const store = (sent: BodyItem[], lineOf: number[]) =>
    ingest(sent).then(
      (result) => {
        summary.accepted += result.accepted;
        summary.duplicates += result.duplicates;
        // NOTE: a row's events were checked before, so ingest rejects few; a line is listed once.
        const seen = new Set<number>();
        for (const r of result.rejected) {
          const line = lineOf[r.index];
          if (seen.has(line)) continue;
          seen.add(line);
          reject(summary, line, r.reason);
        }
        options.onBatch?.(summary);
      },
      (err: unknown) => {
        failure ??= { err };
      },
    );

  const flush = async () => {
    // TRICKY: the next batch is sent only once the one before is stored: ingest answers in order,
    // and a failure stops the import before anything after it is stored.
    await inFlight;
    if (failure) throw failure.err;
    if (batch.length > 0) inFlight = store(batch, lines);
    batch = [];
    lines = [];
  };

  const readAll = async () => {
    for await (const item of items) {
      summary.records++;
      if ('reason' in item) {
        reject(summary, item.line, item.reason);
        continue;
      }
      if (batch.length + item.events.length > limit) await flush();
      for (const value of item.events) {
        batch.push({ index: batch.length, ok: true, value });
        lines.push(item.line);
      }
      summary.events += item.events.length;
    }
  };

  try {
    try {
      await readAll();
    } catch (err) {
      // NOTE: what was read before the file could not be read on (or the connection dropped) is stored.
      await flush().catch(() => undefined);
      throw err;
    }
    await flush();
  } finally {
    // NOTE: also when reading failed: the batch in flight is stored, so it is counted.
    await inFlight;
  }
  if (failure) throw failure.err;
  // NOTE: ingest's rejections come a batch after the lines rejected while reading: listed by line.
  summary.rejected.sort((a, b) => a.line - b.line);
  return summary;
}
