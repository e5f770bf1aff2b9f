/**
 * The body of `POST /api/events`, from raw bytes to items: a JSON array, one JSON object (pretty-
 * printed or not), or NDJSON. Each item keeps its index: the array index, or the 0-based line
 * number with blank lines counted (SPEC section 9).
 *
 * TRICKY: bytes are decoded as strict UTF-8. A lenient decoder turns every invalid byte into
 * U+FFFD, so two different ids would collapse into one "duplicate". Errors never quote the body:
 * `JSON.parse` messages do, so they name a byte offset instead.
 */
import { DomainError } from '../contracts/errors.js';

export type BodyItem = { index: number; ok: true; value: unknown } | { index: number; ok: false; reason: string };

const LF = 0x0a;
const CR = 0x0d;
const BOM = [0xef, 0xbb, 0xbf];

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Splits a body into items. Throws DomainError('invalid') for a body that holds no JSON at all. */
export function splitBody(body: Uint8Array | string): BodyItem[] {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const bomLength = BOM.every((b, i) => bytes[i] === b) ? BOM.length : 0;
  const first = firstNonSpace(bytes, bomLength, bytes.length);
  if (first === bytes.length) throw new DomainError('invalid', 'the body is empty: send a JSON array or NDJSON of events');
  // A JSON array, or one JSON value (a pretty-printed object spans several lines); else NDJSON.
  const text = decodeOrUndefined(bytes);
  const whole = text === undefined ? undefined : parseJson(text);
  if (whole?.ok) return Array.isArray(whole.value) ? whole.value.map((value, index) => ({ index, ok: true, value })) : [{ index: 0, ok: true, value: whole.value }];
  // NOTE: a body opening with `[` is a JSON array unless its first line is JSON on its own (NDJSON).
  const notUtf8 = () => new DomainError('invalid', `the body is not valid UTF-8 (at byte ${invalidUtf8At(bytes)})`);
  if (bytes[first] === 0x5b /* [ */ && !lineItem(bytes, first, lineEnd(bytes, first), 0).ok) {
    if (whole === undefined) throw notUtf8();
    throw new DomainError('invalid', `the body is not JSON (syntax error at byte ${byteOffset(text!, (whole as { at: number }).at) + bomLength})`);
  }
  const items = ndjsonItems(bytes);
  if (items.some((item) => item.ok)) return items;
  if (whole === undefined) throw notUtf8();
  const reason = items[0].ok ? '' : ` (${items[0].reason})`;
  throw new DomainError('invalid', `the body is not JSON or NDJSON${reason}: send a JSON array or NDJSON of events`);
}

/** NDJSON: one item per non-blank line, indexed by its 0-based line number. */
function ndjsonItems(bytes: Uint8Array): BodyItem[] {
  const items: BodyItem[] = [];
  let start = 0;
  for (let line = 0; start <= bytes.length; line++) {
    const stop = lineEnd(bytes, start);
    if (firstNonSpace(bytes, start, stop) < stop) items.push(lineItem(bytes, start, stop, line));
    const lf = bytes.indexOf(LF, stop);
    start = (lf < 0 ? bytes.length : lf) + 1;
  }
  return items;
}

function lineItem(bytes: Uint8Array, start: number, stop: number, index: number): BodyItem {
  const slice = bytes.subarray(start, stop);
  const text = decodeOrUndefined(slice);
  if (text === undefined) return { index, ok: false, reason: `line ${index + 1} is not valid UTF-8 (at byte ${start + invalidUtf8At(slice)} of the body)` };
  const parsed = parseJson(text);
  return parsed.ok ? { index, ok: true, value: parsed.value } : { index, ok: false, reason: `line ${index + 1} is not JSON` };
}

/** Where the line holding `start` ends, a trailing CR left out. */
function lineEnd(bytes: Uint8Array, start: number): number {
  let end = bytes.indexOf(LF, start);
  if (end < 0) end = bytes.length;
  return end > start && bytes[end - 1] === CR ? end - 1 : end;
}

function firstNonSpace(bytes: Uint8Array, from: number, to: number): number {
  let i = from;
  while (i < to && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === LF || bytes[i] === CR)) i++;
  return i;
}

function decodeOrUndefined(bytes: Uint8Array): string | undefined {
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

type Parsed = { ok: true; value: unknown } | { ok: false; at: number };

function parseJson(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, at: jsonErrorAt(text) };
  }
}

/** The UTF-8 length of `text` up to character `at`. */
function byteOffset(text: string, at: number): number {
  return Buffer.byteLength(text.slice(0, at), 'utf8');
}

/** Offset of the first byte that breaks UTF-8 (only called once strict decoding failed). */
export function invalidUtf8At(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return bytes.length;
}

/**
 * Position (in characters) of the first JSON syntax error in `text` (only called once JSON.parse
 * failed). An explicit stack, not recursion: a deeply nested body must not overflow the call stack.
 */
export function jsonErrorAt(text: string): number {
  const n = text.length;
  const stack: ('[' | '{')[] = [];
  let i = 0;
  let state: 'value' | 'value-or-close' | 'after' | 'key' | 'key-or-close' = 'value';
  const skipSpace = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  for (;;) {
    skipSpace();
    if (state === 'after') {
      const top = stack[stack.length - 1];
      if (top === undefined) return i < n ? i : n;
      if (i >= n) return n;
      if (text[i] === ',') state = top === '{' ? 'key' : 'value';
      else if (text[i] === (top === '{' ? '}' : ']')) stack.pop();
      else return i;
      i++;
      continue;
    }
    if (i >= n) return n;
    const c = text[i];
    if (state === 'key' || state === 'key-or-close') {
      if (state === 'key-or-close' && c === '}') {
        stack.pop();
        i++;
        state = 'after';
        continue;
      }
      if (c !== '"') return i;
      const end = stringEnd(text, i);
      if (end < 0) return -end - 1;
      i = end;
      skipSpace();
      if (text[i] !== ':') return i;
      i++;
      state = 'value';
      continue;
    }
    if (state === 'value-or-close' && c === ']') {
      stack.pop();
      i++;
      state = 'after';
      continue;
    }
    if (c === '[' || c === '{') {
      stack.push(c);
      i++;
      state = c === '[' ? 'value-or-close' : 'key-or-close';
      continue;
    }
    if (c === '"') {
      const end = stringEnd(text, i);
      if (end < 0) return -end - 1;
      i = end;
    } else {
      const end = c === 't' || c === 'f' || c === 'n' ? literalEnd(text, i) : numberEnd(text, i);
      if (end < 0) return -end - 1;
      i = end;
    }
    state = 'after';
  }
}

/** The index after `true`, `false` or `null` at `start`, or -(position of the first wrong character) - 1. */
function literalEnd(text: string, start: number): number {
  const word = text[start] === 't' ? 'true' : text[start] === 'f' ? 'false' : 'null';
  for (let k = 1; k < word.length; k++) if (text[start + k] !== word[k]) return -(start + k) - 1;
  return start + word.length;
}

/** The index after the number at `start`, or -(position of the first wrong character) - 1. */
function numberEnd(text: string, start: number): number {
  const digit = (j: number) => text[j] >= '0' && text[j] <= '9';
  let j = start;
  if (text[j] === '-') j++;
  if (text[j] === '0') j++;
  else if (digit(j)) while (digit(j)) j++;
  else return -j - 1;
  if (text[j] === '.') {
    j++;
    if (!digit(j)) return -j - 1;
    while (digit(j)) j++;
  }
  if (text[j] === 'e' || text[j] === 'E') {
    j++;
    if (text[j] === '+' || text[j] === '-') j++;
    if (!digit(j)) return -j - 1;
    while (digit(j)) j++;
  }
  return j;
}

/** The index after the string starting at `start`, or -(error position) - 1. */
function stringEnd(text: string, start: number): number {
  for (let j = start + 1; j < text.length; j++) {
    const code = text.charCodeAt(j);
    if (code === 0x22) return j + 1;
    if (code < 0x20) return -j - 1;
    if (code === 0x5c) {
      const next = text[j + 1];
      if (next === 'u') {
        for (let k = j + 2; k < j + 6; k++) if (!/[0-9a-fA-F]/.test(text[k] ?? '')) return -Math.min(k, text.length) - 1;
        j += 5;
      } else if (next !== undefined && '"\\/bfnrt'.includes(next)) j++;
      else return -(j + 1) - 1;
    }
  }
  return -text.length - 1;
}
