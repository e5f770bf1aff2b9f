import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sparklinePoints, withLiveValue } from '../client/src/components/Sparkline';
import { formatWait } from '../client/src/format';
import { bucketHistory, durationTicks, parseRange, timeTicks } from '../client/src/history-buckets';
import { leadHref, parseLeadRoute, subscriptionOf, toggle } from '../client/src/lead-url';
import { splitByKind, teamShare } from '../client/src/team-split';
import { TILE_MIN_HEIGHT_U, columnsFor, paginate, parsePaging, rowsThatFit } from '../client/src/wall-pages';
import { emptyValues, nearestRank, type HistoryPoint, type TeamMetrics } from '../contracts/metrics-snapshot';

const TARGET = 600;

/** A team row as the engine computes it from the waits of the tasks the team started. */
function teamRow(team: string, kind: 'inhouse' | 'partner', waits: number[]): TeamMetrics {
  const sorted = [...waits].sort((a, b) => a - b);
  return {
    ...emptyValues(),
    team,
    name: team,
    kind,
    started: waits.length,
    wait_p50_seconds: nearestRank(sorted, 0.5),
    wait_p90_seconds: nearestRank(sorted, 0.9),
    sla_attainment: waits.length ? waits.filter((w) => w <= TARGET).length / waits.length : null,
  };
}

describe('splitByKind (in-house against partner on one queue)', () => {
  const team = fc.record({ kind: fc.constantFrom('inhouse' as const, 'partner' as const), waits: fc.array(fc.integer({ min: 0, max: 3000 }), { maxLength: 25 }) });

  it('gives each side its exact share and SLA attainment, and a p90 that is exact or an upper bound', () => {
    fc.assert(
      fc.property(fc.array(team, { maxLength: 6 }), (teams) => {
        const rows = teams.map((t, i) => teamRow(`t${i}`, t.kind, t.waits));
        const split = splitByKind(rows);
        const total = teams.reduce((n, t) => n + t.waits.length, 0);
        expect(split.started).toBe(total);
        for (const kind of ['inhouse', 'partner'] as const) {
          const waits = teams.filter((t) => t.kind === kind).flatMap((t) => t.waits).sort((a, b) => a - b);
          const side = split[kind];
          expect(side.started).toBe(waits.length);
          expect(side.share).toBe(total ? waits.length / total : null);
          expect(side.slaAttainment).toBe(waits.length ? waits.filter((w) => w <= TARGET).length / waits.length : null);
          const combined = nearestRank(waits, 0.9);
          if (side.p90Exact) expect(side.p90).toBe(combined);
          else expect(side.p90!).toBeGreaterThanOrEqual(combined!);
        }
      }),
    );
  });

  it('counts teams with nothing started, and shares of a queue with no starts are unknown', () => {
    const split = splitByKind([teamRow('a', 'inhouse', []), teamRow('x', 'partner', [])]);
    expect(split.inhouse).toMatchObject({ teams: 1, share: null, slaAttainment: null, p90: null });
    expect(teamShare({ started: 0 }, [{ started: 0 }])).toBeNull();
    expect(teamShare({ started: 1 }, [{ started: 1 }, { started: 3 }])).toBe(0.25);
  });
});

const minute = (i: number, over: Partial<HistoryPoint> = {}): HistoryPoint => ({
  minute: new Date(Date.UTC(2026, 10, 26, 8, 0) + i * 60_000).toISOString(),
  arrivals: 0,
  completions: 0,
  backlog: 0,
  wait_p50_seconds: null,
  wait_p90_seconds: null,
  sla_attainment: null,
  ...over,
});

describe('bucketHistory (the lead charts over 8 h, 24 h, 7 days)', () => {
  const point = fc.record({
    arrivals: fc.nat(50),
    completions: fc.nat(50),
    backlog: fc.nat(500),
    p50: fc.option(fc.nat(5000)),
    p90: fc.option(fc.nat(9000)),
    sla: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
  });

  it('sums counts, keeps the backlog at each end, the peak waits and the mean attainment of the minutes', () => {
    fc.assert(
      fc.property(fc.array(point, { maxLength: 200 }), fc.constantFrom(1, 5, 15, 60), (raw, size) => {
        const points = raw.map((p, i) => minute(i, { arrivals: p.arrivals, completions: p.completions, backlog: p.backlog, wait_p50_seconds: p.p50, wait_p90_seconds: p.p90, sla_attainment: p.sla }));
        const buckets = bucketHistory(points, size);
        expect(buckets).toHaveLength(Math.ceil(points.length / size));
        buckets.forEach((b, k) => {
          const members = points.slice(k * size, (k + 1) * size);
          expect(b.t).toBe(Date.parse(members[0].minute));
          expect(b.arrivals).toBe(members.reduce((n, p) => n + p.arrivals, 0));
          expect(b.completions).toBe(members.reduce((n, p) => n + p.completions, 0));
          expect(b.backlog).toBe(members.at(-1)!.backlog);
          const p90s = members.map((p) => p.wait_p90_seconds).filter((v): v is number => v !== null);
          expect(b.waitP90).toBe(p90s.length ? Math.max(...p90s) : null);
          const slas = members.map((p) => p.sla_attainment).filter((v): v is number => v !== null);
          if (slas.length === 0) expect(b.slaPercent).toBeNull();
          else expect(b.slaPercent).toBeCloseTo((slas.reduce((a, v) => a + v, 0) / slas.length) * 100, 9);
        });
      }),
    );
  });

  it('reads ranges from the URL, defaulting to 8 h', () => {
    expect(parseRange('7d')).toBe('7d');
    expect(parseRange('2d')).toBe('8h');
    expect(parseRange(null)).toBe('8h');
  });

  it('puts time ticks on whole steps and duration ticks on round durations', () => {
    const start = Date.UTC(2026, 10, 26, 8, 7);
    const ticks = timeTicks(start, start + 60 * 60_000, '1h');
    expect(ticks).toHaveLength(6);
    for (const t of ticks) expect(new Date(t).getMinutes() % 10).toBe(0);
    expect(durationTicks(600)).toEqual([0, 120, 240, 360, 480, 600]);
    expect(durationTicks(14_400)).toEqual([0, 3600, 7200, 10_800, 14_400]);
    expect(durationTicks(0)).toEqual([0, 1]);
  });
});

describe('lead URLs', () => {
  it('round-trips the overview and queue pages with their filters', () => {
    const overview = parseLeadRoute('/lead', '?queues=billing,intake&teams=partner-x');
    expect(overview).toEqual({ page: 'overview', filter: { queues: ['billing', 'intake'], teams: ['partner-x'] } });
    expect(leadHref(overview!)).toBe('/lead?queues=billing,intake&teams=partner-x');
    const queue = parseLeadRoute('/lead/queues/billing/', '?range=24h&teams=a');
    expect(queue).toEqual({ page: 'queue', queue: 'billing', range: '24h', filter: { queues: [], teams: ['a'] } });
    expect(leadHref(queue!)).toBe('/lead/queues/billing?teams=a&range=24h');
    expect(leadHref({ page: 'overview', filter: { queues: [], teams: [] } })).toBe('/lead');
  });

  it('drops empty and repeated ids, and refuses other paths', () => {
    expect(parseLeadRoute('/lead', '?queues=a,,a,b&teams=')).toEqual({ page: 'overview', filter: { queues: ['a', 'b'], teams: [] } });
    expect(parseLeadRoute('/lead/other', '')).toBeNull();
    expect(parseLeadRoute('/lead/queues/%E0%A4%A', '')).toBeNull();
  });

  it('subscribes to what the page shows, "all" when a list is empty', () => {
    expect(subscriptionOf(parseLeadRoute('/lead', '')!)).toEqual({});
    expect(subscriptionOf(parseLeadRoute('/lead', '?teams=x')!)).toEqual({ teams: ['x'] });
    expect(subscriptionOf(parseLeadRoute('/lead/queues/q', '?teams=x')!)).toEqual({ queues: ['q'], teams: ['x'] });
    expect(toggle(['a', 'b'], 'a')).toEqual(['b']);
    expect(toggle(['a'], 'b')).toEqual(['a', 'b']);
  });
});

describe('wall paging', () => {
  it('reads per_page and rotate from the URL, clamped, with defaults', () => {
    expect(parsePaging('')).toEqual({ perPage: 6, rotateSeconds: 20 });
    expect(parsePaging('?per_page=9&rotate=45')).toEqual({ perPage: 9, rotateSeconds: 45 });
    expect(parsePaging('?per_page=99&rotate=1')).toEqual({ perPage: 12, rotateSeconds: 5 });
    expect(parsePaging('?per_page=x&rotate=')).toEqual({ perPage: 6, rotateSeconds: 20 });
  });

  it('balances pages and keeps every queue exactly once', () => {
    fc.assert(
      fc.property(fc.nat(40), fc.integer({ min: 1, max: 12 }), (n, perPage) => {
        const ids = Array.from({ length: n }, (_, i) => i);
        const pages = paginate(ids, perPage);
        expect(pages.flat()).toEqual(ids);
        expect(pages.length).toBe(Math.ceil(n / perPage));
        for (const page of pages) expect(page.length).toBeLessThanOrEqual(perPage);
        if (pages.length > 1) expect(Math.max(...pages.map((p) => p.length)) - Math.min(...pages.map((p) => p.length))).toBeLessThanOrEqual(pages.length);
      }),
    );
    expect(paginate([1, 2, 3, 4, 5, 6, 7], 6).map((p) => p.length)).toEqual([4, 3]);
    expect([1, 3, 4, 6, 9, 12].map(columnsFor)).toEqual([1, 3, 2, 3, 3, 4]);
  });

  it('counts the rows of readable tiles a grid holds, the same at 1080p and 4K, never none', () => {
    // A row is TILE_MIN_HEIGHT_U units and a gap of 0.9 (1 unit = 19.2 px at 1080p); the last row needs no gap.
    const row = (TILE_MIN_HEIGHT_U + 0.9) * 19.2;
    expect(rowsThatFit(2 * row - 17, 1920, 1080)).toBe(2);
    expect(rowsThatFit(2 * (2 * row - 17), 3840, 2160)).toBe(2);
    expect(rowsThatFit(2 * row - 18, 1920, 1080)).toBe(1);
    expect(rowsThatFit(10, 1920, 1080)).toBe(1);
  });
});

describe('sparkline', () => {
  const at = Date.UTC(2026, 10, 26, 8, 0);

  it('ends with the live value: replacing the current minute, or following it in a new minute', () => {
    const series = { endMinute: at, values: [1, 2, 3] };
    expect(withLiveValue(series, 9, at + 30_000)).toEqual([1, 2, 9]);
    expect(withLiveValue(series, 9, at + 60_000)).toEqual([1, 2, 3, 9]);
    expect(withLiveValue(undefined, 4, at)).toEqual([4]);
    const full = { endMinute: at, values: Array.from({ length: 60 }, (_, i) => i) };
    expect(withLiveValue(full, 99, at + 61_000)).toHaveLength(60);
  });

  it('draws the lowest value at the bottom and the highest at the top of its box', () => {
    expect(sparklinePoints([0, 10])).toBe('0.00,29.00 100.00,1.00');
    expect(sparklinePoints([])).toBe('');
  });
});

describe('formatWait', () => {
  it('drops seconds from 10 minutes to an hour, otherwise reads as formatDuration', () => {
    expect(formatWait(45)).toBe('45s');
    expect(formatWait(599)).toBe('9m 59s');
    expect(formatWait(600)).toBe('10m');
    expect(formatWait(3599)).toBe('59m');
    expect(formatWait(6900)).toBe('1h 55m');
    expect(formatWait(null)).toBe('—');
  });
});
