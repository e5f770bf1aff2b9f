/**
 * The one way values reach ClickHouse SQL: `literal()` formats a value as a SQL literal, and the
 * `sql` tag formats every interpolated value with it. Identifiers come only from `ident()`, which
 * accepts plain names (from the configuration or the options) and nothing else.
 *
 * NOTE: ClickHouse 18.16 has no server-side `{name:Type}` parameters, so this formatter is the
 * whole defence against injection; it is tested with quotes, backslashes, control characters, NUL
 * and unicode (test/clickhouse-sql.test.ts).
 */

export type SqlValue = string | number | boolean | null | readonly SqlValue[];

/** A fragment of SQL that is already safe (built by `sql` or `ident`). */
export class Sql {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\0': '\\0',
  '\b': '\\b',
  '\f': '\\f',
};

/** A string as a ClickHouse string literal: quotes and backslashes escaped, control characters as escapes. */
export function quoteString(value: string): string {
  // eslint-disable-next-line no-control-regex
  const body = value.replace(/[\\'\u0000-\u001f\u007f]/g, (ch) => ESCAPES[ch] ?? `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return `'${body}'`;
}

/** Any supported value as a SQL literal. Throws on what has no safe literal (NaN, Infinity, objects). */
export function literal(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return quoteString(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`no SQL literal for the number ${value}`);
    // Integers print without exponent up to 2^53; others keep JS's shortest round-trip form.
    return Number.isInteger(value) ? value.toFixed(0) : String(value);
  }
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  throw new TypeError(`no SQL literal for ${typeof value}`);
}

/** An identifier (database, table, column): plain names only, never quoted user input. */
export function ident(name: string): Sql {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(name)) throw new TypeError(`not a plain SQL identifier: ${JSON.stringify(name)}`);
  return new Sql(name);
}

/** Template tag: `sql\`SELECT ... WHERE id = ${value}\``; Sql fragments are inlined, values formatted. */
export function sql(strings: TemplateStringsArray, ...values: (SqlValue | Sql)[]): Sql {
  let text = strings[0];
  values.forEach((value, i) => {
    text += (value instanceof Sql ? value.text : literal(value)) + strings[i + 1];
  });
  return new Sql(text);
}

/** A parenthesised list for `IN (...)`; never empty (an empty IN list is not valid SQL). */
export function inList(values: readonly SqlValue[]): Sql {
  if (values.length === 0) throw new TypeError('an IN list needs at least one value');
  return new Sql(`(${values.map(literal).join(', ')})`);
}
