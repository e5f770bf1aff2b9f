/**
 * The forecast over a past range as the lead's charts get it (server/alerts/forecast-plan.ts):
 * interval starts, the staffed agents at each instant (against a brute-force reference), the
 * seasonal forecast of a steady queue, and no zeros read from minutes the series has forgotten.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forecastPlan, intervalStarts, staffingAt } from '../server/alerts/forecast-plan.js';
import { ArrivalSeries, DAY_MS, DEFAULT_FORECAST, INTERVAL_MS, MINUTE_MS } from '../server/alerts/forecast.js';
import type { StaffingChange } from '../streams/metrics-store.js';

const NOW = Date.parse('2026-11-25T14:07:00.000Z');
const QUEUE = { handling_seconds: 360, sla: { target_seconds: 900, goal: 0.9 } };

/** A series with `perMinute` arrivals in every minute of the `days` before now. */
function steadySeries(retainDays: number, days: number, perMinute: number): ArrivalSeries {
  const series = new ArrivalSeries(retainDays * 24 * 60);
  const last = Math.floor(NOW / MINUTE_MS);
  for (let m = last - days * 24 * 60 + 1; m <= last; m++) series.set(m, perMinute);
  return series;
}

describe('intervalStarts', () => {
  it('covers the range with whole quarter hours, the current one last', () => {
    const starts = intervalStarts(NOW, 60);
    expect(starts.map((s) => new Date(s).toISOString().slice(11, 16))).toEqual(['13:00', '13:15', '13:30', '13:45', '14:00']);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 * 24 * 60 }), fc.integer({ min: 0, max: 10 * DAY_MS }), (minutes, shift) => {
        const now = NOW + shift;
        const got = intervalStarts(now, minutes);
        expect(got[0]).toBeLessThanOrEqual(now - minutes * MINUTE_MS);
        expect(got[0] + INTERVAL_MS).toBeGreaterThan(now - minutes * MINUTE_MS);
        expect(got.at(-1)!).toBeLessThanOrEqual(now);
        expect(got.at(-1)! + INTERVAL_MS).toBeGreaterThan(now);
        for (const s of got) expect(s % INTERVAL_MS).toBe(0);
        for (let i = 1; i < got.length; i++) expect(got[i] - got[i - 1]).toBe(INTERVAL_MS);
      }),
    );
  });
});

describe('staffingAt', () => {
  it("sums each team's latest change at or before each instant (reference: scan every change)", () => {
    const change = fc.record({ team: fc.constantFrom('a', 'b', 'c'), atMs: fc.integer({ min: 0, max: 100 }), agents: fc.nat(20) });
    fc.assert(
      fc.property(fc.array(change, { maxLength: 30 }), fc.array(fc.integer({ min: -5, max: 110 }), { maxLength: 20 }), (raw, instants) => {
        const changes: StaffingChange[] = raw.map((c, i) => ({ ...c, queue: 'q', eventId: `e${String(i).padStart(3, '0')}` })).sort((x, y) => x.atMs - y.atMs || x.eventId.localeCompare(y.eventId));
        const at = [...instants].sort((x, y) => x - y);
        const want = at.map((t) => {
          const latest = new Map<string, number>();
          for (const c of changes) if (c.atMs <= t) latest.set(c.team, c.agents);
          return [...latest.values()].reduce((a, b) => a + b, 0);
        });
        expect(staffingAt(changes, at)).toEqual(want);
      }),
    );
  });
});

describe('forecastPlan', () => {
  it('forecasts a steady queue at its rate, with the agents that rate needs', () => {
    // Five weeks of 2 a minute, a ring of 30 days: four weeks averaged, 30 a quarter hour.
    const series = steadySeries(30, 29, 2);
    const starts = intervalStarts(NOW, 8 * 60);
    const plan = forecastPlan(series, QUEUE, [], starts, NOW, DEFAULT_FORECAST);
    expect(plan).toHaveLength(starts.length);
    for (const p of plan) {
      expect(p.forecast_arrivals).toBeCloseTo(30, 6);
      expect(p.staffed_agents).toBe(0);
    }
    // The same need throughout: 30 per 900 s at 360 s each is 12 erlangs, so more than 12 agents.
    expect(new Set(plan.map((p) => p.agents_needed)).size).toBe(1);
    expect(plan[0].agents_needed!).toBeGreaterThan(12);
  });

  it('averages only the weeks the ring still holds: forgotten minutes never read as zeros', () => {
    // 15 days of 2 a minute in a ring of 10 days: the oldest 5 days are gone.
    const series = steadySeries(10, 15, 2);
    const plan = forecastPlan(series, QUEUE, [], intervalStarts(NOW, 8 * 60), NOW, DEFAULT_FORECAST);
    for (const p of plan) expect(p.forecast_arrivals).toBeCloseTo(30, 6);
  });

  it('has no forecast before the series knows a whole interval, and staffing from the changes', () => {
    const series = new ArrivalSeries(7 * 24 * 60);
    const first = Math.floor(NOW / MINUTE_MS) - 40;
    for (let m = first; m <= Math.floor(NOW / MINUTE_MS); m++) series.set(m, 1);
    const changes: StaffingChange[] = [{ queue: 'q', team: 'a', atMs: NOW - 30 * MINUTE_MS, eventId: 'e1', agents: 3 }];
    const plan = forecastPlan(series, QUEUE, changes, intervalStarts(NOW, 60), NOW, DEFAULT_FORECAST);
    // Data from 13:27: 13:00, 13:15 and 13:30 have no interval before them inside it; 13:45 and 14:00 do.
    expect(plan.map((p) => p.forecast_arrivals === null)).toEqual([true, true, true, false, false]);
    expect(plan.map((p) => p.agents_needed === null)).toEqual([true, true, true, false, false]);
    // 3 agents from 13:37: at the interval ends 13:15, 13:30, 13:45, 14:00 and now.
    expect(plan.map((p) => p.staffed_agents)).toEqual([0, 0, 3, 3, 3]);
  });
});
