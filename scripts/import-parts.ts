/**
 * A file cut into parts of about `partBytes` at record boundaries, for the import command to send
 * one request per part: a request must arrive within the server's request timeout (Node's
 * default: 5 minutes), and a part answered is a part stored, which is the progress worth showing.
 *
 * CSV: a line break is a record boundary when the quotes before it are balanced (RFC 4180 doubles
 * a quote inside a quoted cell, so the count's parity tells); each part after the first starts
 * with the file's header line. NDJSON: every line break is a boundary.
 */
import { createReadStream } from 'node:fs';
import type { ImportFormat } from '../contracts/import.js';

export interface FilePart {
  /** What to send: for a CSV part after the first, the header line and then its rows. */
  body: Buffer;
  /** The file line of the body's line `n` is `n + lineOffset`. */
  lineOffset: number;
  /** Bytes of the file up to the end of this part. */
  endByte: number;
}

const LF = 0x0a;
const QUOTE = 0x22;

/** The parts of `file`, in order. */
export async function* fileParts(file: string, format: ImportFormat, partBytes: number): AsyncGenerator<FilePart> {
  const csv = format === 'csv';
  let held: Buffer[] = [];
  let heldBytes = 0;
  let inQuotes = false;
  /** Lines that start before the held bytes (the file line of the first held byte is this + 1). */
  let linesBefore = 0;
  /** Line breaks seen in the held bytes, and where the last boundary among them is. */
  let heldLines = 0;
  let cut: { chunk: number; at: number; lines: number } | undefined;
  let header: Buffer | undefined;
  let consumed = 0;
  let first = true;

  const take = (upTo: { chunk: number; at: number; lines: number }): FilePart => {
    const parts = held.slice(0, upTo.chunk);
    parts.push(held[upTo.chunk].subarray(0, upTo.at + 1));
    const rows = Buffer.concat(parts);
    const rest = [held[upTo.chunk].subarray(upTo.at + 1), ...held.slice(upTo.chunk + 1)].filter((b) => b.length > 0);
    const startLine = linesBefore + 1;
    consumed += rows.length;
    linesBefore += upTo.lines;
    heldLines -= upTo.lines;
    held = rest;
    heldBytes = rest.reduce((n, b) => n + b.length, 0);
    cut = undefined;
    const part = first || !csv
      ? { body: rows, lineOffset: startLine - 1, endByte: consumed }
      : { body: Buffer.concat([header!, rows]), lineOffset: startLine - 2, endByte: consumed };
    first = false;
    return part;
  };

  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    held.push(chunk);
    heldBytes += chunk.length;
    /** Where the last held buffer starts in `chunk` (after a cut inside it). */
    let base = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (csv && byte === QUOTE) inQuotes = !inQuotes;
      else if (byte === LF) {
        heldLines++;
        if (inQuotes) continue;
        cut = { chunk: held.length - 1, at: i - base, lines: heldLines };
        if (csv && !header) header = Buffer.concat([...held.slice(0, -1), held[held.length - 1].subarray(0, i - base + 1)]);
        if (heldBytes - (chunk.length - i - 1) >= partBytes) {
          yield take(cut);
          base = i + 1;
        }
      }
    }
  }
  if (heldBytes > 0 || first) {
    const rows = Buffer.concat(held);
    const startLine = linesBefore + 1;
    yield first || !csv || !header
      ? { body: rows, lineOffset: startLine - 1, endByte: consumed + rows.length }
      : { body: Buffer.concat([header, rows]), lineOffset: startLine - 2, endByte: consumed + rows.length };
  }
}
