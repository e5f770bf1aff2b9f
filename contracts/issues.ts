/**
 * The one zod-issue formatter: every boundary (events, config, env, query strings, request bodies,
 * socket payloads) names the offending field the same way.
 */
import type { z } from 'zod';

export interface IssueStyle {
  /** The raw value that was checked: a missing field then reads "is required". */
  input?: unknown;
  /** What an issue without a path is about (default: none, the message alone). */
  subject?: string;
  /** Between issues (default "; "). */
  separator?: string;
  /** `queues[0].id` instead of `queues.0.id` (config files read better so). */
  brackets?: boolean;
  /** The message for unknown fields (default: "unknown field(s) a, b"). */
  unknownFields?: (keys: readonly string[]) => string;
}

/** Turns zod issues into one text that names each offending field. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], style: IssueStyle = {}): string {
  return issues
    .map((issue) => {
      const path = style.brackets
        ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '')
        : issue.path.map(String).join('.');
      const where = path || style.subject;
      if (issue.code === 'unrecognized_keys') {
        const text = style.unknownFields ? style.unknownFields(issue.keys) : `unknown field(s) ${issue.keys.join(', ')}`;
        return where && !style.unknownFields ? `${where}: ${text}` : text;
      }
      const missing = 'input' in style && issue.code === 'invalid_type' && valueAt(style.input, issue.path) === undefined;
      const message = missing ? 'is required' : issue.message;
      return where ? `${where}: ${message}` : message;
    })
    .join(style.separator ?? '; ');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
