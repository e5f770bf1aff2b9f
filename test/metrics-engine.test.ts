import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MetricsEngine } from '../streams/embedded/metrics-engine.js';
import { selectRank } from '../streams/embedded/minute-history.js';
import type { OpsEvent } from '../contracts/events.js';
import type { MetricsSnapshot } from '../contracts/metrics-snapshot.js';
import { eventSetArb, REF_NOW, refConfig } from './support/random-events.js';
import {
  dedupedEvents,
  quantileAcceptable,
  referenceTasks,
  referenceValues,
  type RefValues,
} from './support/reference-metrics.js';

const EXACT = ['backlog', 'waiting', 'in_progress', 'oldest_wait_seconds', 'breached', 'at_risk', 'arrivals', 'started', 'completions', 'staffed_agents'] as const;

function expectMatches(actual: Record<string, unknown>, ref: RefValues, where: string) {
  for (const field of EXACT) expect(actual[field], `${where} ${field}`).toBe(ref[field]);
  expect(actual.sla_attainment === null ? null : (actual.sla_attainment as number), `${where} sla_attainment`).toBe(ref.sla_attainment);
  expect(quantileAcceptable(ref.waits, 0.5, actual.wait_p50_seconds as number | null), `${where} p50 ${actual.wait_p50_seconds} of ${ref.waits}`).toBe(true);
  expect(quantileAcceptable(ref.waits, 0.9, actual.wait_p90_seconds as number | null), `${where} p90 ${actual.wait_p90_seconds} of ${ref.waits}`).toBe(true);
}

function checkSnapshot(snapshot: MetricsSnapshot, delivered: OpsEvent[], now: number) {
  const events = dedupedEvents(delivered);
  const tasks = referenceTasks(events);
  for (const q of snapshot.queues) {
    expectMatches(q as never, referenceValues(tasks, events, refConfig, q.queue, now), q.queue);
    for (const t of q.teams) {
      expectMatches(t as never, referenceValues(tasks, events, refConfig, q.queue, now, t.team), `${q.queue}/${t.team}`);
    }
  }
  expect(snapshot.totals.backlog).toBe(snapshot.queues.reduce((s, q) => s + q.backlog, 0));
  expect(snapshot.generated_at).toBe(new Date(now).toISOString());
}

describe('embedded metrics engine against the brute-force reference', () => {
  it('gives the SPEC values for random event sets delivered late, shuffled and duplicated', () => {
    fc.assert(
      fc.property(eventSetArb, fc.array(fc.integer({ min: -200, max: 0 }), { minLength: 1, maxLength: 4 }), (delivered, advances) => {
        const engine = new MetricsEngine(refConfig);
        const stops = advances.map((m) => REF_NOW + m * 60_000).sort((a, b) => a - b);
        const chunk = Math.ceil(delivered.length / stops.length) || 1;
        stops.forEach((stop, i) => {
          engine.advance(stop);
          for (const e of delivered.slice(i * chunk, (i + 1) * chunk)) engine.apply(e);
        });
        checkSnapshot(engine.snapshot(REF_NOW), delivered, REF_NOW);
        // The window slides on: a later snapshot still agrees.
        const later = REF_NOW + 37 * 60_000 + 123;
        checkSnapshot(engine.snapshot(later), delivered, later);
      }),
      { numRuns: 300 },
    );
  });

  it('gives the per-minute history the definitions imply', () => {
    fc.assert(
      fc.property(eventSetArb, (delivered) => {
        const engine = new MetricsEngine(refConfig);
        for (const e of delivered) engine.apply(e);
        const now = REF_NOW + 30_000; // mid-minute: the last point is partial
        const history = engine.history('registration', 240, now);
        const events = dedupedEvents(delivered);
        const tasks = referenceTasks(events).filter((t) => t.queue === 'registration');
        expect(history.points).toHaveLength(240);
        for (const p of history.points) {
          const start = Date.parse(p.minute);
          const end = start + 60_000; // the current minute too: its bucket holds all of it
          const inMinute = (t: number | undefined) => t !== undefined && t >= start && t < end;
          expect(p.arrivals, p.minute).toBe(tasks.filter((t) => inMinute(t.createdAt)).length);
          expect(p.completions, p.minute).toBe(tasks.filter((t) => inMinute(t.completedAt)).length);
          const open = tasks.filter((t) => t.createdAt < end && !((t.completedAt ?? Infinity) < end || (t.cancelledAt ?? Infinity) < end));
          expect(p.backlog, `backlog at end of ${p.minute}`).toBe(open.length);
          const waits = tasks.filter((t) => inMinute(t.startAt)).map((t) => (t.startAt! - t.createdAt) / 1000).sort((a, b) => a - b);
          expect(quantileAcceptable(waits, 0.5, p.wait_p50_seconds)).toBe(true);
          expect(quantileAcceptable(waits, 0.9, p.wait_p90_seconds)).toBe(true);
          expect(p.sla_attainment).toBe(waits.length === 0 ? null : waits.filter((w) => w <= 600).length / waits.length);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('counts a repeated event id as a duplicate that changes nothing', () => {
    const engine = new MetricsEngine(refConfig);
    engine.advance(REF_NOW);
    const created: OpsEvent = { event_id: 'a', type: 'task.created', occurred_at: new Date(REF_NOW - 60_000).toISOString(), queue: 'registration', task_id: 't1' };
    expect(engine.apply(created)).toBe(true);
    expect(engine.apply({ ...created, occurred_at: new Date(REF_NOW - 3600_000).toISOString() })).toBe(false);
    const q = engine.snapshot(REF_NOW).queues[0];
    expect(q.backlog).toBe(1);
    expect(q.oldest_wait_seconds).toBe(60);
  });

  it('counts a near-future task in the backlog at once, and in the window when its time comes', () => {
    const engine = new MetricsEngine(refConfig);
    engine.advance(REF_NOW);
    engine.apply({ event_id: 'f', type: 'task.created', occurred_at: new Date(REF_NOW + 120_000).toISOString(), queue: 'insurance', task_id: 't9' });
    engine.apply({ event_id: 'g', type: 'task.started', occurred_at: new Date(REF_NOW + 150_000).toISOString(), queue: 'insurance', task_id: 't9', team: 'partner-x' });
    const now = engine.snapshot(REF_NOW).queues[1];
    expect(now).toMatchObject({ backlog: 1, in_progress: 1, arrivals: 0, started: 0, wait_p50_seconds: null });
    const later = engine.snapshot(REF_NOW + 180_000).queues[1];
    expect(later).toMatchObject({ backlog: 1, in_progress: 1, arrivals: 1, started: 1, wait_p50_seconds: 30, sla_attainment: 1 });
  });
});

describe('history after a burst (SPEC section 9: cost bounded whatever the burst)', () => {
  it('reads 60 minutes after 150,000 task starts in one minute, with exact quantiles', () => {
    const engine = new MetricsEngine(refConfig);
    const minute = REF_NOW - 10 * 60_000;
    engine.advance(REF_NOW);
    const waits: Record<string, number[]> = { registration: [], insurance: [] };
    for (let i = 0; i < 150_000; i++) {
      const queue = i % 15 === 0 ? 'insurance' : 'registration'; // 140,000 in one queue's minute
      const wait = ((i * 7919) % 3600) * 1000;
      const startAt = minute + (i % 60_000);
      engine.apply({ event_id: `b${i}-c`, type: 'task.created', occurred_at: new Date(startAt - wait).toISOString(), queue, task_id: `b${i}` });
      engine.apply({ event_id: `b${i}-s`, type: 'task.started', occurred_at: new Date(startAt).toISOString(), queue, task_id: `b${i}`, team: queue === 'insurance' ? 'partner-x' : 'inhouse-a' });
      waits[queue].push(wait / 1000);
    }
    const nearest = (values: number[], q: number) => {
      const sorted = [...values].sort((a, b) => a - b);
      return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
    };
    const all = [...waits.registration, ...waits.insurance];
    for (const [queue, expected] of [[undefined, all], ['registration', waits.registration], ['insurance', waits.insurance]] as const) {
      const history = engine.history(queue, 60, REF_NOW);
      const point = history.points.find((p) => p.minute === new Date(minute).toISOString())!;
      expect(point.wait_p50_seconds, `${queue} p50`).toBe(nearest([...expected], 0.5));
      expect(point.wait_p90_seconds, `${queue} p90`).toBe(nearest([...expected], 0.9));
      expect(point.sla_attainment).toBeGreaterThan(0);
      // A second read answers the same from the sorted minute it kept.
      expect(engine.history(queue, 60, REF_NOW)).toEqual(history);
    }
    expect(engine.history(undefined, 7 * 24 * 60, REF_NOW).points).toHaveLength(7 * 24 * 60);
  });

  it('selects the nearest-rank value across sorted parts as a sort of their union would', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 30 }), { minLength: 1, maxLength: 7 }), fc.double({ min: 0, max: 1, noNaN: true }), (parts, q) => {
        const union = parts.flat().sort((a, b) => a - b);
        if (union.length === 0) return;
        const k = Math.min(union.length - 1, Math.max(0, Math.ceil(q * union.length) - 1));
        expect(selectRank(parts.map((p) => Float64Array.from(p).sort()), k)).toBe(union[k]);
      }),
      { numRuns: 3000 },
    );
  });
});
