/**
 * fast-check arbitraries for event sets that stress the metric definitions: times on a coarse
 * grid (ties, window edges hit exactly), late and out-of-order delivery, duplicates that differ
 * from the original, tasks without task.created, several starts per task, future events.
 */
import fc from 'fast-check';
import { parseConfig, type OpsConfig } from '../../contracts/config.js';
import type { OpsEvent } from '../../contracts/events.js';

export const REF_NOW = Date.parse('2026-11-26T12:00:00.000Z');

export const refConfig: OpsConfig = parseConfig({
  window_minutes: 60,
  queues: [
    { id: 'registration', name: 'Registration', sla: { target_seconds: 600, goal: 0.9 }, handling_seconds: 300 },
    { id: 'insurance', name: 'Insurance', sla: { target_seconds: 3600, goal: 0.8 }, handling_seconds: 600 },
  ],
  teams: [
    { id: 'inhouse-a', name: 'In-house A', kind: 'inhouse', queues: ['registration', 'insurance'] },
    { id: 'inhouse-b', name: 'In-house B', kind: 'inhouse', queues: ['registration'] },
    { id: 'partner-x', name: 'Partner X', kind: 'partner', queues: ['insurance'] },
  ],
});

const QUEUES = ['registration', 'insurance'];
const TEAMS = ['inhouse-a', 'inhouse-b', 'partner-x'];

/** Instants where a definition flips: SLA targets, 0.8 x targets, the window edge, `now`. */
const EDGES = [600, 480, 3600, 2880, 3600 + 37 * 60, 0].map((s) => REF_NOW - s * 1000);

/** A time within [now - 3 h, now + 4 min], often on whole minutes or seconds or on an edge. */
const time = fc.oneof(
  fc.tuple(fc.constantFrom(...EDGES), fc.constantFrom(-1, 0, 0, 1)).map(([edge, d]) => edge + d),
  fc.integer({ min: -180, max: 4 }).map((m) => REF_NOW + m * 60_000),
  fc.integer({ min: -3 * 3600, max: 240 }).map((s) => REF_NOW + s * 1000),
  fc.integer({ min: -3 * 3600_000, max: 240_000 }).map((ms) => REF_NOW + ms),
);
const iso = (ms: number) => new Date(ms).toISOString();

const taskArb = fc.record({
  queue: fc.constantFrom(...QUEUES),
  created: fc.option(time, { freq: 8 }),
  starts: fc.array(fc.record({ at: time, team: fc.constantFrom(...TEAMS) }), { maxLength: 2 }),
  assigned: fc.option(fc.record({ at: time, team: fc.constantFrom(...TEAMS) })),
  completed: fc.array(time, { maxLength: 2 }),
  // Most tasks are not cancelled (fc.option's freq is the chance of null, so build it by weight).
  cancelled: fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: time }),
  priority: fc.option(fc.integer({ min: 1, max: 5 })),
});

const staffingArb = fc.record({
  queue: fc.constantFrom(...QUEUES),
  team: fc.constantFrom(...TEAMS),
  at: time,
  agents: fc.integer({ min: 0, max: 30 }),
});

/** A random event set in delivery order, with duplicates mixed in. */
export const eventSetArb: fc.Arbitrary<OpsEvent[]> = fc
  .record({
    tasks: fc.array(taskArb, { maxLength: 60 }),
    staffing: fc.array(staffingArb, { maxLength: 8 }),
    dupPicks: fc.array(fc.record({ index: fc.nat(), shiftMs: fc.integer({ min: -600_000, max: 0 }) }), { maxLength: 10 }),
    order: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 400, maxLength: 400 }),
  })
  .map(({ tasks, staffing, dupPicks, order }) => {
    const events: OpsEvent[] = [];
    let n = 0;
    const eid = () => `e${(n++).toString(36).padStart(4, '0')}`;
    tasks.forEach((t, i) => {
      const task_id = `t${i}`;
      const q = t.queue;
      if (t.created !== null) {
        events.push({ event_id: eid(), type: 'task.created', occurred_at: iso(t.created), queue: q, task_id, ...(t.priority !== null ? { priority: t.priority } : {}) });
      }
      if (t.assigned) events.push({ event_id: eid(), type: 'task.assigned', occurred_at: iso(t.assigned.at), queue: q, task_id, team: t.assigned.team });
      for (const s of t.starts) events.push({ event_id: eid(), type: 'task.started', occurred_at: iso(s.at), queue: q, task_id, team: s.team });
      for (const at of t.completed) events.push({ event_id: eid(), type: 'task.completed', occurred_at: iso(at), queue: q, task_id });
      if (t.cancelled !== null) events.push({ event_id: eid(), type: 'task.cancelled', occurred_at: iso(t.cancelled), queue: q, task_id });
    });
    for (const s of staffing) {
      events.push({ event_id: eid(), type: 'staffing.updated', occurred_at: iso(s.at), queue: s.queue, team: s.team, agents: s.agents });
    }
    const keyed = events.map((e, i) => ({ e, k: order[i % order.length] + i * 1e-9 }));
    keyed.sort((a, b) => a.k - b.k);
    const delivered = keyed.map((x) => x.e);
    // Duplicates: same event_id, possibly a different time; the first delivered copy must win.
    for (const pick of dupPicks) {
      if (delivered.length === 0) break;
      const original = delivered[pick.index % delivered.length];
      const copy = { ...original, occurred_at: iso(Date.parse(original.occurred_at) + pick.shiftMs) } as OpsEvent;
      delivered.splice((pick.index * 7) % (delivered.length + 1), 0, copy);
    }
    return delivered;
  });
