/**
 * The import command cuts a file into parts at record ends (scripts/import-parts.ts): for any CSV
 * (quoted cells with commas, doubled quotes and line breaks, CRLF or LF) and any part size, the
 * parts read as CSV give exactly the file's records, each named by the file's own line; NDJSON
 * parts give the file's lines.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { fileParts, type FilePart } from '../scripts/import-parts.js';

const dir = mkdtempSync(join(tmpdir(), 'occ-parts-'));
type Row = { record: string[]; line: number };

/** Records with the editor's line where each ends: line feeds before its last byte, plus one. */
function rowsOf(text: string | Buffer, lineOffset = 0, skipHeader = false): Row[] {
  const bytes = Buffer.from(text);
  const rows = parse(bytes, { info: true, bom: true, relax_column_count: true, skip_empty_lines: true }) as unknown as { record: string[]; info: { bytes: number } }[];
  const lineAt = (end: number) => bytes.subarray(0, end - 1).toString('latin1').split('\n').length;
  return rows.slice(skipHeader ? 1 : 0).map((r) => ({ record: r.record, line: lineAt(r.info.bytes) + lineOffset }));
}

async function partsOf(file: string, format: 'csv' | 'ndjson', size: number): Promise<FilePart[]> {
  const parts: FilePart[] = [];
  for await (const part of fileParts(file, format, size)) parts.push(part);
  return parts;
}

const cell = fc.oneof(fc.stringMatching(/^[a-z0-9 ]{0,6}$/), fc.constantFrom('a,b', 'say "hi"', 'two<EOL>lines', '<EOL>', 'x\r\ny', ''));
const quoted = (c: string) => (/[",\r\n]|<EOL>/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);

describe('a file cut into parts', () => {
  it('CSV: the parts hold the records of the file, each at its own line, the header before each', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { maxLength: 40 }), fc.constantFrom('\n', '\r\n'), fc.integer({ min: 1, max: 120 }), async (rows, eol, size) => {
        const text = (['id,"a, b",c', ...rows.map((r) => r.map(quoted).join(','))].join(eol) + eol).replace(/<EOL>/g, eol);
        const file = join(dir, `f${n++}.csv`);
        writeFileSync(file, text);
        const whole = rowsOf(text);
        const parts = await partsOf(file, 'csv', size);
        const fromParts = parts.flatMap((p, i) => rowsOf(p.body, p.lineOffset, i > 0));
        expect(fromParts).toEqual(whole);
        for (const [i, p] of parts.entries()) if (i > 0) expect(p.body.toString().startsWith(`id,"a, b",c${eol}`)).toBe(true);
        expect(parts.at(-1)!.endByte).toBe(Buffer.byteLength(text));
      }),
      { numRuns: 200 },
    );
  });

  it('NDJSON: the parts hold the lines of the file, numbered as in it', async () => {
    const lines = Array.from({ length: 500 }, (_, i) => (i % 7 === 3 ? '' : JSON.stringify({ event_id: `e-${i}`, note: 'x'.repeat(i % 13) })));
    const file = join(dir, 'events.ndjson');
    writeFileSync(file, lines.join('\n'));
    const parts = await partsOf(file, 'ndjson', 1000);
    expect(parts.length).toBeGreaterThan(10);
    const numbered = parts.flatMap((p) => p.body.toString().split('\n').map((text, i) => ({ text, line: i + 1 + p.lineOffset }))).filter((l) => l.text !== '');
    expect(numbered).toEqual(lines.map((text, i) => ({ text, line: i + 1 })).filter((l) => l.text !== ''));
  });
});
