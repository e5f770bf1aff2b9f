/**
 * NDJSON from a byte stream, line by line, without holding the body: each non-blank line is one
 * item, numbered as an editor numbers it (1-based, blank lines counted).
 *
 * TRICKY: lines are split on raw bytes and each is decoded as strict UTF-8 (as POST /api/events
 * does): a lenient decoder turns invalid bytes into U+FFFD, so two different ids could collapse
 * into one "duplicate". A line longer than MAX_LINE_BYTES is rejected without being held.
 */
export type NdjsonLine = { line: number; ok: true; value: unknown } | { line: number; ok: false; reason: string };

export const MAX_LINE_BYTES = 1 << 20;

const LF = 0x0a;
const decoder = new TextDecoder('utf-8', { fatal: true });

function item(bytes: Buffer, line: number): NdjsonLine | undefined {
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === 0x0d) end--;
  let start = 0;
  // A byte-order mark opens the first line of files written by some Windows tools.
  if (line === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  const slice = bytes.subarray(start, end);
  if (/^[ \t]*$/.test(slice.toString('latin1'))) return undefined;
  let text: string;
  try {
    text = decoder.decode(slice);
  } catch {
    return { line, ok: false, reason: 'the line is not valid UTF-8' };
  }
  try {
    return { line, ok: true, value: JSON.parse(text) };
  } catch {
    return { line, ok: false, reason: 'the line is not JSON' };
  }
}

/** The items of an NDJSON byte stream, in order. */
export async function* ndjsonLines(source: AsyncIterable<Buffer | Uint8Array | string> | Iterable<Buffer | Uint8Array | string>): AsyncGenerator<NdjsonLine> {
  let parts: Buffer[] = [];
  let held = 0;
  let tooLong = false;
  let line = 1;
  for await (const chunk of source) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    let from = 0;
    for (let lf = bytes.indexOf(LF, from); lf >= 0; lf = bytes.indexOf(LF, from)) {
      const piece = bytes.subarray(from, lf);
      from = lf + 1;
      if (tooLong || held + piece.length > MAX_LINE_BYTES) {
        yield { line, ok: false, reason: `the line is longer than ${MAX_LINE_BYTES} bytes` };
      } else {
        const whole = parts.length === 0 ? piece : Buffer.concat([...parts, piece]);
        const next = item(whole, line);
        if (next) yield next;
      }
      parts = [];
      held = 0;
      tooLong = false;
      line++;
    }
    const rest = bytes.subarray(from);
    if (rest.length === 0) continue;
    if (tooLong || held + rest.length > MAX_LINE_BYTES) {
      tooLong = true;
      parts = [];
      held = 0;
    } else {
      // NOTE: copied: the source may reuse its buffer for the next chunk.
      parts.push(Buffer.from(rest));
      held += rest.length;
    }
  }
  if (tooLong) yield { line, ok: false, reason: `the line is longer than ${MAX_LINE_BYTES} bytes` };
  else if (held > 0) {
    const last = item(Buffer.concat(parts), line);
    if (last) yield last;
  }
}
