import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ident, literal, quoteString, Sql, sql } from '../streams/clickhouse/sql.js';
import { clickHouseTargets, describeOnClickHouse } from './support/clickhouse-targets.js';
import { requireEngines } from './support/engines.js';

const targets = await clickHouseTargets(await requireEngines());

describe('SQL literal formatter', () => {
  it('escapes what could end or bend a string', () => {
    expect(quoteString("O'Brien")).toBe("'O\\'Brien'");
    expect(quoteString('a\\b')).toBe("'a\\\\b'");
    expect(quoteString('line\nbreak\r\ttab')).toBe("'line\\nbreak\\r\\ttab'");
    expect(quoteString('nul\0byte')).toBe("'nul\\0byte'");
    expect(quoteString('\u0001\u007f')).toBe("'\\x01\\x7f'");
    expect(quoteString("\\'; DROP TABLE x; --")).toBe("'\\\\\\'; DROP TABLE x; --'");
    expect(quoteString('Zürich 東京 🚑')).toBe("'Zürich 東京 🚑'");
  });

  it('formats numbers, booleans, null and arrays, and refuses what has no literal', () => {
    expect(literal(1764158400000)).toBe('1764158400000');
    expect(literal(-3)).toBe('-3');
    expect(literal(0.9)).toBe('0.9');
    expect(literal(true)).toBe('1');
    expect(literal(null)).toBe('NULL');
    expect(literal(['a', 1, ["b'"]])).toBe("['a', 1, ['b\\'']]");
    expect(() => literal(Number.NaN)).toThrow(/no SQL literal/);
    expect(() => literal(Infinity)).toThrow(/no SQL literal/);
    expect(() => literal({} as never)).toThrow(/no SQL literal/);
  });

  it('takes only plain identifiers', () => {
    expect(ident('ops_test_1').text).toBe('ops_test_1');
    for (const bad of ['', '1abc', 'a-b', 'a.b', 'a b', "a'", 'a;DROP', 'a`b']) expect(() => ident(bad)).toThrow(/not a plain SQL identifier/);
  });

  it('builds statements from fragments and values', () => {
    expect(sql`SELECT * FROM ${ident('t')} WHERE id IN ${['x', "y'"]} AND n > ${5}`.text).toBe("SELECT * FROM t WHERE id IN ['x', 'y\\''] AND n > 5");
  });

  describeOnClickHouse(targets, 'round trip through ClickHouse', (target) => {
    it('reads back every string exactly as sent', async () => {
      const samples = fc.sample(fc.string({ unit: 'binary', maxLength: 40 }), 200);
      samples.push("'", '\\', "\\'", '\0', '\n\r\t', '\u0000\u0001\u001f\u007f', '🚑', "a'b\\c\nd");
      const connection = await target.connect();
      try {
        // Through the port, as the store sends its statements (the text is the formatter's).
        const rows = await connection.query<{ v: string[] }>(new Sql(`SELECT [${samples.map(literal).join(', ')}] AS v`));
        expect(rows[0].v).toEqual(samples);
      } finally {
        await connection.close();
      }
    });
  });
});
