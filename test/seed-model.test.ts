/**
 * The simulator's pure model over a simulated week (contract, lifecycles, surge, handling,
 * determinism, staffing, volumes) and its details over longer stretches. The live loop on the
 * event log is in seed-simulator.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../contracts/config.js';
import { DEFAULT_CONFIG_PATH } from '../contracts/env.js';
import type { OpsEvent } from '../contracts/events.js';
import { BEHAVIOUR, BackOfficeModel } from '../seed/back-office-model.js';
import { DAY, HOUR, MINUTE, MONDAY, at, simulate, type Run } from './support/model-run.js';

const config = loadConfig(DEFAULT_CONFIG_PATH);

const isWeekday = (ms: number) => ![0, 6].includes(new Date(ms).getUTCDay());
const hourOf = (ms: number) => new Date(ms).getUTCHours();

describe('back-office model over a simulated week', () => {
  let week: Run;
  beforeAll(() => {
    week = simulate(config, 42, MONDAY, 7 * DAY);
  }, 120_000);

  it('produces only events that pass checkEvent at the simulated instant', () => {
    expect(week.events.length).toBeGreaterThan(100_000);
    expect(week.rejected.slice(0, 5)).toEqual([]);
    expect(week.fromTheFuture).toBe(0);
    for (let i = 1; i < week.events.length; i++) {
      if (at(week.events[i]) < at(week.events[i - 1])) throw new Error(`out of order at ${i}`);
    }
    expect(new Set(week.events.map((e) => e.event_id)).size).toBe(week.events.length);
  });

  it('uses opaque ids only', () => {
    const odd = week.events.filter(
      (e) => !/^evt-[0-9a-z]{6}-[0-9a-z]+$/.test(e.event_id) || (e.type !== 'staffing.updated' && !/^tsk-[0-9a-z]{12}$/.test(e.task_id)),
    );
    expect(odd).toEqual([]);
  });

  it('keeps every task lifecycle in order: created <= assigned <= started <= completed, or cancelled', () => {
    const violations: string[] = [];
    let completed = 0;
    let cancelled = 0;
    for (const [id, t] of week.tasks) {
      const fail = (why: string) => violations.push(`${id} in ${t.queue}: ${why}`);
      if (t.created === undefined) fail('no task.created');
      if (t.completed !== undefined && t.cancelled !== undefined) fail('both completed and cancelled');
      if (t.assigned !== undefined && !(t.assigned >= t.created!)) fail('assigned before created');
      if (t.started !== undefined && !(t.assigned !== undefined && t.started >= t.assigned)) fail('started before assigned');
      if (t.completed !== undefined) {
        completed++;
        if (!(t.started !== undefined && t.completed >= t.started)) fail('completed before started');
      }
      if (t.cancelled !== undefined) {
        cancelled++;
        // Withdrawn tasks are never picked up.
        if (t.assigned !== undefined) fail('cancelled after an assignment');
        if (!(t.cancelled >= t.created!)) fail('cancelled before created');
      }
      // One event per step, and one team, which serves the queue, per task.
      if (t.count > 4) fail(`${t.count} events`);
      if (t.teams.size > 1) fail(`teams ${[...t.teams].join(', ')}`);
      for (const team of t.teams) if (!config.teamIndex.get(team)!.queues.includes(t.queue)) fail(`${team} does not serve it`);
    }
    expect(violations.slice(0, 5)).toEqual([]);
    const share = cancelled / week.tasks.size;
    console.log(`week: ${week.tasks.size} tasks, ${completed} completed, ${cancelled} cancelled (${(100 * share).toFixed(2)}%)`);
    expect(share).toBeGreaterThan(0.01);
    expect(share).toBeLessThan(0.03);
  });

  it('draws priorities mostly 3, some 1-2 and 4-5, and assigns about 30% ahead of the start', () => {
    const byPriority = [0, 0, 0, 0, 0, 0];
    let assigned = 0;
    let early = 0;
    for (const t of week.tasks.values()) {
      byPriority[t.priority!]++;
      if (t.started !== undefined) {
        assigned++;
        if (t.assigned! < t.started) early++;
      }
    }
    const n = week.tasks.size;
    expect(byPriority[0]).toBe(0);
    expect(byPriority[3] / n).toBeGreaterThan(0.65);
    expect((byPriority[1] + byPriority[2]) / n).toBeGreaterThan(0.1);
    expect((byPriority[4] + byPriority[5]) / n).toBeGreaterThan(0.1);
    expect(early / assigned).toBeGreaterThan(0.27);
    expect(early / assigned).toBeLessThan(0.33);
  });

  it('surges registration arrivals 08:00-11:00 UTC on weekdays to at least 1.5x the overnight rate', () => {
    const perHour = (from: number, to: number) => {
      let count = 0;
      let hours = 0;
      for (let day = MONDAY; day < MONDAY + 5 * DAY; day += DAY) hours += to - from;
      for (const t of week.tasks.values()) {
        if (t.queue !== 'registration' || !isWeekday(t.created!)) continue;
        const h = hourOf(t.created!);
        if (h >= from && h < to) count++;
      }
      return count / hours;
    };
    const surge = perHour(8, 11);
    const overnight = perHour(0, 6);
    const afternoon = perHour(13, 16);
    console.log(`registration arrivals per hour: overnight ${overnight.toFixed(0)}, 08-11 ${surge.toFixed(0)}, 13-16 ${afternoon.toFixed(0)}`);
    expect(surge).toBeGreaterThan(1.5 * overnight);
    // A surge, not just the working day: well above the afternoon too.
    expect(surge).toBeGreaterThan(1.5 * afternoon);
  });

  it('lets the surge outrun registration staff, then recover by early afternoon', () => {
    for (let day = MONDAY; day < MONDAY + 5 * DAY; day += DAY) {
      const peak = Math.max(...[9, 10, 11].map((h) => week.waitingAt.get(day + h * HOUR)!));
      const before = week.waitingAt.get(day + 7 * HOUR)!;
      const after = week.waitingAt.get(day + 13 * HOUR)!;
      expect(peak, new Date(day).toDateString()).toBeGreaterThan(30);
      expect(before).toBeLessThan(peak / 4);
      expect(after).toBeLessThan(peak / 4);
    }
  });

  it('draws log-normal handling times with mean handling_seconds (partners 1.15x)', () => {
    for (const queue of config.queues) {
      for (const kind of ['inhouse', 'partner'] as const) {
        let sum = 0;
        let n = 0;
        for (const t of week.tasks.values()) {
          if (t.queue !== queue.id || t.completed === undefined) continue;
          const team = config.teamIndex.get([...t.teams][0])!;
          if (team.kind !== kind) continue;
          sum += (t.completed - t.started!) / 1000;
          n++;
        }
        const expected = queue.handling_seconds * (kind === 'partner' ? BEHAVIOUR.partnerSlowdown : 1);
        expect(n, `${queue.id} ${kind}`).toBeGreaterThan(300);
        expect(Math.abs(sum / n - expected) / expected, `${queue.id} ${kind}: mean ${sum / n}`).toBeLessThan(0.1);
      }
    }
  });

  it('announces staffing for every team/queue pair at the start, and follows the rota', () => {
    const first = week.events.filter((e) => e.type === 'staffing.updated' && at(e) === MONDAY);
    const pairs = config.teams.flatMap((t) => t.queues.map((q) => `${t.id}/${q}`)).sort();
    expect(first.map((e) => `${e.team}/${e.queue}`).sort()).toEqual(pairs);
    const staffed = (team: string, queue: string, instant: number) =>
      week.events
        .filter((e) => e.type === 'staffing.updated' && e.team === team && e.queue === queue && at(e) <= instant)
        .at(-1) as Extract<OpsEvent, { type: 'staffing.updated' }>;
    const tuesday = MONDAY + DAY;
    expect(staffed('inhouse-access', 'registration', tuesday + 10 * HOUR).agents).toBeGreaterThan(
      2 * staffed('inhouse-access', 'registration', tuesday + 3 * HOUR).agents,
    );
    // Day-shift queues: in-house by day only, partners round the clock.
    expect(staffed('inhouse-rcm', 'insurance', tuesday + 3 * HOUR).agents).toBe(0);
    expect(staffed('inhouse-rcm', 'insurance', tuesday + 10 * HOUR).agents).toBeGreaterThan(10);
    expect(staffed('partner-meridian', 'insurance', tuesday + 3 * HOUR).agents).toBeGreaterThan(0);
  });

  it('runs a mid-size network: thousands of tasks a weekday, quiet weekends, bounded open work', () => {
    const perQueueDay = new Map<string, number[]>();
    for (const t of week.tasks.values()) {
      const day = Math.floor((t.created! - MONDAY) / DAY);
      if (day > 6) continue;
      const counts = perQueueDay.get(t.queue) ?? [0, 0, 0, 0, 0, 0, 0];
      counts[day]++;
      perQueueDay.set(t.queue, counts);
    }
    const table = [...perQueueDay].map(([queue, counts]) => `${queue.padEnd(14)} ${counts.map((c) => String(c).padStart(5)).join(' ')}`);
    console.log(`tasks created per day, Mon..Sun:\n${table.join('\n')}`);
    const total = (day: number) => [...perQueueDay.values()].reduce((sum, counts) => sum + counts[day], 0);
    for (let day = 0; day < 5; day++) {
      expect(total(day)).toBeGreaterThan(3000);
      expect(total(day)).toBeLessThan(40_000);
    }
    expect(total(6)).toBeLessThan(total(2) / 2);
    // What is still open at the end is a working backlog, not an ever-growing pile.
    expect(week.openTasksAtEnd).toBeLessThan(500);
  });

  it('gives the same events for the same seed and start, different ones for another seed', () => {
    const a = simulate(config, 7, MONDAY + 6 * HOUR, 6 * HOUR).events;
    const b = simulate(config, 7, MONDAY + 6 * HOUR, 6 * HOUR).events;
    const c = simulate(config, 8, MONDAY + 6 * HOUR, 6 * HOUR).events;
    expect(a.length).toBeGreaterThan(1000);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });
});

describe('back-office model details', () => {
  it('keeps open work bounded over three weeks', () => {
    const model = new BackOfficeModel({ config, startMs: MONDAY, seed: 3 });
    const openAtMondayNoon: number[] = [];
    for (let week = 0; week < 3; week++) {
      for (let t = MONDAY + week * 7 * DAY; t < MONDAY + (week + 1) * 7 * DAY; t += HOUR) {
        model.advanceTo(t);
        if (t === MONDAY + week * 7 * DAY + 12 * HOUR) openAtMondayNoon.push(model.openTasks);
      }
    }
    expect(Math.max(...openAtMondayNoon)).toBeLessThan(1000);
    expect(openAtMondayNoon[2]).toBeLessThan(openAtMondayNoon[0] * 2);
  }, 60_000);

  it('puts extra partner agents on a queue until the end of a commitment', () => {
    const model = new BackOfficeModel({ config, startMs: MONDAY + 9 * HOUR, seed: 5 });
    const staffing = (events: OpsEvent[]) =>
      events.filter((e) => e.type === 'staffing.updated' && e.team === 'partner-northwind' && e.queue === 'registration') as Extract<
        OpsEvent,
        { type: 'staffing.updated' }
      >[];
    const planned = staffing(model.advanceTo(MONDAY + 9 * HOUR + 5 * MINUTE))[0].agents;
    model.addAgents('partner-northwind', 'registration', 6, MONDAY + 9 * HOUR + 40 * MINUTE);
    const boosted = staffing(model.advanceTo(MONDAY + 9 * HOUR + 10 * MINUTE));
    expect(boosted.map((e) => [e.occurred_at, e.agents])).toEqual([['2026-11-23T09:05:00.000Z', planned + 6]]);
    const ended = staffing(model.advanceTo(MONDAY + 9 * HOUR + 50 * MINUTE));
    expect(ended.map((e) => [e.occurred_at, e.agents])).toEqual([['2026-11-23T09:40:00.000Z', planned]]);
    expect(() => model.addAgents('partner-northwind', 'documentation', 1, MONDAY + DAY)).toThrow(/does not serve/);
  });
});
