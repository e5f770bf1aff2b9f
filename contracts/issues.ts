/**
 * The one zod-issue formatter: every boundary (events, config, env, query strings, request bodies,
 * socket payloads) names the offending field the same way.
 *
 * Privacy (SPEC section 9): a text built here never carries a value from outside unless it is a
 * well-formed opaque id. Field names that are not (unknown keys, record keys) are named
 * "(name not shown)"; a message that would quote a value is replaced by one that names the rule.
 */
import type { z } from 'zod';

/** A value that may be echoed in a reason or a log line: an opaque id, never free text. */
export const OPAQUE_ID = /^[A-Za-z0-9._:-]{1,64}$/;
/** Rejection reasons are at most this long (SPEC section 9). */
export const MAX_REASON_LENGTH = 200;
/** Stands for a field name that is not an opaque id. */
export const NAME_NOT_SHOWN = '(name not shown)';
/** Stands for an id from a request that is not an opaque id (an unknown one in a URL path). */
export const NOT_SHOWN = '(id not shown)';

/** Whether `value` is a well-formed opaque id, and so may be echoed. */
export function isOpaqueId(value: unknown): value is string {
  return typeof value === 'string' && OPAQUE_ID.test(value);
}

/** `"value"` when it is a well-formed opaque id, else undefined: the caller names the field alone. */
export function quoteIfOpaque(value: unknown): string | undefined {
  return isOpaqueId(value) ? `"${value}"` : undefined;
}

/** A field name as it may be shown: quoted when it is an opaque id, else NAME_NOT_SHOWN. */
export function shownName(key: string): string {
  return isOpaqueId(key) ? `"${key}"` : NAME_NOT_SHOWN;
}

/** Cuts a reason to MAX_REASON_LENGTH (or `max`) characters. */
export function capReason(text: string, max = MAX_REASON_LENGTH): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Names that a lookup does not know, each quoted only when it is an opaque id:
 * `queue "radiology"`, `team (name not shown)`.
 */
export function describeUnknown(kind: string, names: readonly string[] | undefined, known: { has(name: string): boolean }): string[] {
  return (names ?? []).filter((name) => !known.has(name)).map((name) => `${kind} ${quoteIfOpaque(name) ?? NAME_NOT_SHOWN}`);
}

export interface IssueStyle {
  /** The raw value that was checked: a missing field then reads "is required". */
  input?: unknown;
  /** What an issue without a path is about (default: none, the message alone). */
  subject?: string;
  /** Between issues (default "; "). */
  separator?: string;
  /** `queues[0].id` instead of `queues.0.id` (config files read better so). */
  brackets?: boolean;
  /** The message for unknown fields; names that are not opaque ids arrive as NAME_NOT_SHOWN. */
  unknownFields?: (keys: readonly string[]) => string;
  /** Cut the whole text to this many characters (reasons: MAX_REASON_LENGTH). */
  maxLength?: number;
}

/** What a rule says when its own message would quote the value. */
const RULE_BY_CODE: Partial<Record<string, string>> = {
  invalid_type: 'has the wrong type',
  invalid_value: 'is not one of the allowed values',
  invalid_format: 'is not in the expected format',
  too_big: 'is too big',
  too_small: 'is too small',
  not_multiple_of: 'is not an allowed multiple',
};

/** Turns zod issues into one text that names each offending field. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], style: IssueStyle = {}): string {
  const text = issues
    .map((issue) => {
      const path = style.brackets
        ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${segment(p)}`)).join('').replace(/^\./, '')
        : issue.path.map(segment).join('.');
      const where = path || style.subject;
      if (issue.code === 'unrecognized_keys') {
        const keys = issue.keys.map((k) => (isOpaqueId(k) ? k : NAME_NOT_SHOWN));
        const text = style.unknownFields ? style.unknownFields(keys) : `unknown field(s) ${keys.join(', ')}`;
        return where && !style.unknownFields ? `${where}: ${text}` : text;
      }
      const value = 'input' in style ? valueAt(style.input, issue.path) : undefined;
      const missing = 'input' in style && issue.code === 'invalid_type' && value === undefined;
      const message = missing ? 'is required' : safeMessage(issue, value);
      return where ? `${where}: ${message}` : message;
    })
    .join(style.separator ?? '; ');
  return style.maxLength === undefined ? text : capReason(text, style.maxLength);
}

/** A path segment as shown: names that are not opaque ids are not echoed. */
function segment(p: PropertyKey): string {
  if (typeof p === 'number') return String(p);
  return typeof p === 'string' && isOpaqueId(p) ? p : NAME_NOT_SHOWN;
}

/** The issue's message, unless it quotes a value that is not an opaque id (then the rule alone). */
function safeMessage(issue: z.core.$ZodIssue, value: unknown): string {
  const message = issue.message;
  const quotes = typeof value === 'string' && value.length >= 3 && !isOpaqueId(value) && message.includes(value);
  return quotes ? (RULE_BY_CODE[issue.code] ?? 'is not valid') : message;
}

/** The value at `path` in `input`, own properties only. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
