/**
 * The wall's legend has one source (client/src/wall-legend.ts): the README's two tables under
 * "What the wall's colours mean" say the same, row for row, and the badges follow `slaStatus`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { slaStatus } from '../client/src/format';
import { LEVEL_WORDS, MARK_LEGEND, STATUS_LEGEND } from '../client/src/wall-legend';
import { ROOT } from './support/process.js';

/** The rows of the README table whose header row is `| first | second |`, as [first, second] cells. */
function readmeTable(first: string, second: string): string[][] {
  const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n');
  const start = lines.indexOf(`| ${first} | ${second} |`);
  expect(start, `README table "${first} | ${second}"`).toBeGreaterThan(-1);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.split(' | ').map((cell) => cell.replace(/^\| ?| ?\|$/g, '').trim()));
  }
  return rows;
}

describe('the wall legend', () => {
  it('is the README table of badges, row for row', () => {
    expect(readmeTable('badge', 'when')).toEqual(STATUS_LEGEND.map((row) => [`${LEVEL_WORDS[row.level]}, ${row.label}`, row.when]));
  });

  it('is the README table of the other marks, row for row', () => {
    expect(readmeTable('mark', 'means')).toEqual(MARK_LEGEND.map((row) => [row.mark, row.means]));
  });

  it('names each badge as slaStatus gives it, worst first', () => {
    // One queue per row, worked out by hand: past target now; near target only; healthy; nothing started.
    const base = { sla_goal: 0.9, thresholds: undefined, at_risk: 0, breached: 0 };
    const examples = [
      slaStatus({ ...base, sla_attainment: 1, breached: 2 }),
      slaStatus({ ...base, sla_attainment: 1, at_risk: 1 }),
      slaStatus({ ...base, sla_attainment: 0.95 }),
      slaStatus({ ...base, sla_attainment: null }),
    ];
    expect(examples.map(({ level, label }) => ({ level, label }))).toEqual(STATUS_LEGEND.map(({ level, label }) => ({ level, label })));
  });
});
