import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  NONE,
  buildTrend,
  connectionLabel,
  describeLinkError,
  formatAge,
  formatClock,
  formatCount,
  formatDuration,
  formatGoal,
  formatPercent,
  secondsSince,
  slaStatus,
  splitTokenFromHash,
  trendTicks,
  type SlaLevel,
} from '../client/src/format';
import type { HistoryPoint } from '../contracts/metrics-snapshot';

describe('formatDuration', () => {
  it('reads as seconds, minutes, hours or days with a zero-padded second unit', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(45)).toBe('45s');
    expect(formatDuration(60)).toBe('1m 00s');
    expect(formatDuration(65)).toBe('1m 05s');
    expect(formatDuration(750)).toBe('12m 30s');
    expect(formatDuration(3599)).toBe('59m 59s');
    expect(formatDuration(3600)).toBe('1h 00m');
    expect(formatDuration(3840)).toBe('1h 04m');
    expect(formatDuration(86_399)).toBe('23h 59m');
    expect(formatDuration(2 * 86_400 + 3 * 3600 + 59 * 60)).toBe('2d 03h');
  });

  it('rounds before splitting, so 59.6 s never reads as "60s"', () => {
    expect(formatDuration(59.6)).toBe('1m 00s');
    expect(formatDuration(3599.5)).toBe('1h 00m');
  });

  it('shows missing values as a dash and clamps negatives to zero', () => {
    expect(formatDuration(null)).toBe(NONE);
    expect(formatDuration(undefined)).toBe(NONE);
    expect(formatDuration(Number.NaN)).toBe(NONE);
    expect(formatDuration(-3)).toBe('0s');
  });

  it('never overstates a duration: the shown units sum to at most the value, within one unit', () => {
    const unit = { d: 86_400, h: 3600, m: 60, s: 1 } as const;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 * 86_400 }), (seconds) => {
        const parts = [...formatDuration(seconds).matchAll(/(\d+)([dhms])/g)];
        const shown = parts.reduce((sum, [, n, u]) => sum + Number(n) * unit[u as keyof typeof unit], 0);
        const smallest = unit[parts[parts.length - 1][2] as keyof typeof unit];
        return shown <= seconds && seconds - shown < smallest;
      }),
    );
  });
});

describe('formatPercent and formatGoal', () => {
  it('rounds attainment down so a queue just below its goal never reads as meeting it', () => {
    expect(formatPercent(0.897)).toBe('89%');
    expect(formatPercent(0.9)).toBe('90%');
    expect(formatPercent(1)).toBe('100%');
    expect(formatPercent(0)).toBe('0%');
  });

  it('is not fooled by binary fractions (0.29 * 100 = 28.999…)', () => {
    expect(formatPercent(0.29)).toBe('29%');
    expect(formatPercent(0.57)).toBe('57%');
  });

  it('shows a missing attainment as a dash', () => {
    expect(formatPercent(null)).toBe(NONE);
  });

  it('shows goals with at most one decimal', () => {
    expect(formatGoal(0.9)).toBe('90%');
    expect(formatGoal(0.925)).toBe('92.5%');
    expect(formatGoal(0.95)).toBe('95%');
  });

  it('groups thousands in counts', () => {
    expect(formatCount(12_345)).toBe('12,345');
    expect(formatCount(0)).toBe('0');
    expect(formatCount(null)).toBe(NONE);
  });
});

describe('slaStatus', () => {
  const queue = (sla_attainment: number | null, breached = 0, sla_goal = 0.9) => ({ sla_attainment, sla_goal, breached });

  it('is green at or above the goal, amber down to goal - 0.1, red below', () => {
    expect(slaStatus(queue(1))).toEqual({ level: 'green', label: 'On target', reason: 'SLA 100%, goal 90%' });
    expect(slaStatus(queue(0.9))).toEqual({ level: 'green', label: 'On target', reason: 'SLA 90%, goal 90%' });
    expect(slaStatus(queue(0.8999))).toEqual({ level: 'amber', label: 'At risk', reason: 'SLA 89% below goal 90%' });
    expect(slaStatus(queue(0.8))).toEqual({ level: 'amber', label: 'At risk', reason: 'SLA 80% below goal 90%' });
    expect(slaStatus(queue(0.7999))).toEqual({ level: 'red', label: 'Breaching', reason: 'SLA 79% below 80%' });
    expect(slaStatus(queue(0))).toEqual({ level: 'red', label: 'Breaching', reason: 'SLA 0% below 80%' });
  });

  it('puts an attainment exactly on the amber line in amber despite float error (0.55 - 0.1 > 0.45)', () => {
    expect(0.55 - 0.1).toBeGreaterThan(0.45);
    expect(slaStatus(queue(9 / 20, 0, 0.55)).level).toBe('amber');
  });

  it('is never green while a task waits past its target, whatever the attainment', () => {
    // The case seen on the wall: "On target" with 4 breached and the oldest wait 21 min of 15.
    expect(slaStatus(queue(0.95, 4))).toEqual({ level: 'red', label: 'Breaching', reason: '4 waiting past target' });
  });

  it('is amber for tasks near their target or a firing alert, even at the goal', () => {
    expect(slaStatus({ ...queue(0.95), at_risk: 2 })).toEqual({ level: 'amber', label: 'At risk', reason: '2 near target' });
    expect(slaStatus(queue(0.95), true)).toEqual({ level: 'amber', label: 'At risk', reason: 'demand-peak alert' });
    expect(slaStatus(queue(0.95), false).level).toBe('green');
    // The worst wins, and every reason is said.
    expect(slaStatus({ ...queue(0.85, 1), at_risk: 3 }, true)).toEqual({ level: 'red', label: 'Breaching', reason: '1 waiting past target; SLA 85% below goal 90%; 3 near target; demand-peak alert' });
  });

  it('with no starts is red only when tasks already breach, otherwise neutral', () => {
    expect(slaStatus(queue(null, 3))).toEqual({ level: 'red', label: 'Breaching', reason: '3 waiting past target' });
    expect(slaStatus(queue(null, 0))).toEqual({ level: 'neutral', label: 'No starts yet', reason: 'no task started in the window' });
  });

  it("uses the queue's own thresholds when present", () => {
    const thresholds = { amber_below: 0.95, red_below: 0.85 };
    expect(slaStatus({ ...queue(0.96), thresholds }).level).toBe('green');
    expect(slaStatus({ ...queue(0.92), thresholds }).level).toBe('amber');
    expect(slaStatus({ ...queue(0.85), thresholds }).level).toBe('amber');
    expect(slaStatus({ ...queue(0.84), thresholds }).level).toBe('red');
  });

  it('never gets worse as attainment rises, for any goal', () => {
    const rank: Record<SlaLevel, number> = { red: 0, amber: 1, green: 2, neutral: -1 };
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (goal, a, b) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          return rank[slaStatus(queue(low, 0, goal)).level] <= rank[slaStatus(queue(high, 0, goal)).level];
        },
      ),
    );
  });
});

describe('age of the data', () => {
  const at = Date.parse('2026-11-26T09:15:00.000Z');

  it('counts whole seconds since the data arrived by the local clock', () => {
    expect(secondsSince(at, at)).toBe(0);
    expect(secondsSince(at, at + 2_999)).toBe(2);
    expect(secondsSince(at, at + 75_000)).toBe(75);
  });

  it('never goes negative', () => {
    expect(secondsSince(at, at - 4_000)).toBe(0);
  });

  it('is unknown before any data', () => {
    expect(secondsSince(null, at)).toBeNull();
    expect(secondsSince(Number.NaN, at)).toBeNull();
  });

  it('reads as a short phrase', () => {
    expect(formatAge(2)).toBe('updated 2 s ago');
    expect(formatAge(75)).toBe('updated 1m 15s ago');
    expect(formatAge(null)).toBe('waiting for data');
  });

  it('shows the local wall-clock time with seconds, 24-hour', () => {
    expect(formatClock(new Date(2026, 10, 26, 9, 5, 3))).toBe('09:05:03');
    expect(formatClock(new Date(2026, 10, 26, 23, 59, 59))).toBe('23:59:59');
  });
});

describe('connectionLabel', () => {
  const now = 1_000_000;

  it('names each phase, turning a long outage from Reconnecting into Offline', () => {
    expect(connectionLabel({ phase: 'live', since: now - 60_000 }, now)).toBe('Live');
    expect(connectionLabel({ phase: 'connecting', since: now }, now)).toBe('Connecting');
    expect(connectionLabel({ phase: 'retrying', since: now - 10_000 }, now)).toBe('Reconnecting');
    expect(connectionLabel({ phase: 'retrying', since: now - 29_999 }, now)).toBe('Reconnecting');
    expect(connectionLabel({ phase: 'retrying', since: now - 30_000 }, now)).toBe('Offline');
    expect(connectionLabel({ phase: 'stopped', since: now, detail: 'unauthorized' }, now)).toBe('Offline');
  });
});

describe('buildTrend', () => {
  const minute = 60_000;
  const end = Date.parse('2026-11-26T10:00:30.000Z');
  const lastSlot = Date.parse('2026-11-26T10:00:00.000Z');
  const point = (t: number, arrivals: number, backlog: number): HistoryPoint => ({
    minute: new Date(t).toISOString(),
    arrivals,
    completions: 0,
    backlog,
    wait_p50_seconds: null,
    wait_p90_seconds: null,
    sla_attainment: null,
  });

  it('has exactly one slot per minute, ending with the minute of the end time', () => {
    const trend = buildTrend([], end, 60);
    expect(trend).toHaveLength(60);
    expect(trend[59].t).toBe(lastSlot);
    expect(trend[0].t).toBe(lastSlot - 59 * minute);
    expect(trend.every((p, i) => i === 0 || p.t - trend[i - 1].t === minute)).toBe(true);
  });

  it('places points by their minute whatever their order, leaving gaps null', () => {
    const trend = buildTrend([point(lastSlot, 7, 120), point(lastSlot - 2 * minute, 3, 100)], end, 60);
    expect(trend[59]).toMatchObject({ arrivals: 7, backlog: 120 });
    expect(trend[58]).toMatchObject({ arrivals: null, backlog: null });
    expect(trend[57]).toMatchObject({ arrivals: 3, backlog: 100 });
  });

  it('stays bounded: points before the window or after its end are dropped', () => {
    const days = Array.from({ length: 3 * 1440 }, (_, i) => point(lastSlot - i * minute, i, i));
    const trend = buildTrend([...days, point(lastSlot + minute, 99, 99)], end, 60);
    expect(trend).toHaveLength(60);
    expect(trend[59]).toMatchObject({ arrivals: 0, backlog: 0 });
    expect(trend[0]).toMatchObject({ arrivals: 59, backlog: 59 });
  });

  it('labels slots with local HH:MM and ticks every ten minutes', () => {
    const trend = buildTrend([], end, 60);
    const date = new Date(trend[59].t);
    expect(trend[59].label).toBe(`${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`);
    const ticks = trendTicks(trend, 10);
    // 09:10 ... 09:50; 10:00 is the last slot, at the axis' end.
    expect(ticks).toHaveLength(5);
    expect(ticks.every((label) => Number(label.slice(3)) % 10 === 0)).toBe(true);
  });

  it('leaves the three slots at each end of the axis without a tick, whatever the minute', () => {
    for (let offset = 0; offset < 10; offset++) {
      const trend = buildTrend([], end + offset * minute, 60);
      const labels = trendTicks(trend, 10);
      const marks = trend.map((p, i) => ({ i, label: p.label })).filter((p) => Number(p.label.slice(3)) % 10 === 0);
      expect(labels).toEqual(marks.filter((p) => p.i >= 3 && p.i <= 56).map((p) => p.label));
      expect(labels.length).toBeGreaterThanOrEqual(5);
    }
  });
});

describe('splitTokenFromHash', () => {
  it('takes the token out of the fragment and keeps the rest', () => {
    expect(splitTokenFromHash('#token=abc')).toEqual({ token: 'abc', rest: '' });
    expect(splitTokenFromHash('#x=1&token=abc&y=2')).toEqual({ token: 'abc', rest: 'x=1&y=2' });
  });

  it('keeps "+" in base64 tokens and decodes percent escapes', () => {
    expect(splitTokenFromHash('#token=a+b%2Fc%3D')).toEqual({ token: 'a+b/c=', rest: '' });
  });

  it('finds nothing where there is no token, and drops an empty one', () => {
    expect(splitTokenFromHash('')).toEqual({ token: null, rest: '' });
    expect(splitTokenFromHash('#x=1')).toEqual({ token: null, rest: 'x=1' });
    expect(splitTokenFromHash('#token=')).toEqual({ token: null, rest: '' });
  });
});

describe('describeLinkError', () => {
  it("turns Socket.IO's transport words into plain ones and passes the server's own reasons through", () => {
    expect(describeLinkError('xhr poll error')).toBe('server unreachable');
    expect(describeLinkError('transport close')).toBe('connection lost');
    expect(describeLinkError('unauthorized')).toBe('unauthorized');
  });
});
