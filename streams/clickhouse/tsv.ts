/**
 * ClickHouse's TabSeparated text, written directly: the stream worker's insert format (measured
 * the fastest that both 18.16 and current versions take: docs/benchmarks.md). Values are data in
 * the INSERT's payload, never SQL. Escaping follows ClickHouse's TSV rules: backslash, tab,
 * newline and carriage return are escaped in every string; inside an array, strings are quoted
 * with `'` (escaped too).
 */

const SPECIAL = /[\\\t\n\r']/;
const SPECIAL_ALL = /[\\\t\n\r']/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', "'": "\\'" };

/** A string as a TSV field. (A quote needs no escape outside arrays; escaping it anyway is valid.) */
export function tsvString(s: string): string {
  return SPECIAL.test(s) ? s.replace(SPECIAL_ALL, (c) => ESCAPES[c]) : s;
}

/** An Array(String) as a TSV field: `['a','b']`. */
export function tsvStringArray(items: readonly string[]): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) out += (i > 0 ? ",'" : "'") + tsvString(items[i]) + "'";
  return out + ']';
}

/**
 * TabSeparated lines written straight into a growing Buffer.
 * NOTE: not one string built by `+=`: a 100 MB rope would live through the batch and be copied by
 * every young-generation collection, then flattened and copied again to send it.
 */
export class TsvWriter {
  private buf = Buffer.allocUnsafe(1 << 20);
  private length = 0;
  /** Lines not yet copied into `buf`: a short rope, flattened and copied once per ~64 KiB. */
  private pending = '';
  rows = 0;

  /** Appends one line (its fields already escaped, ending with `\n`). */
  line(text: string): void {
    this.pending += text;
    this.rows++;
    if (this.pending.length >= 65_536) this.flush();
  }

  private flush(): void {
    const text = this.pending;
    this.pending = '';
    // A UTF-16 unit takes at most 3 bytes in UTF-8.
    if (this.buf.length - this.length < text.length * 3) {
      let size = this.buf.length * 2;
      while (size - this.length < text.length * 3) size *= 2;
      const grown = Buffer.allocUnsafe(size);
      this.buf.copy(grown, 0, 0, this.length);
      this.buf = grown;
    }
    this.length += this.buf.write(text, this.length, 'utf8');
  }

  /** What was written (a view on the writer's memory: take it once, at the end). */
  bytes(): Buffer {
    this.flush();
    return this.buf.subarray(0, this.length);
  }
}
