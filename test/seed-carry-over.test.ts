/**
 * A simulator that starts again on stored data carries on: the tasks the earlier run left open are
 * worked off by the new run's model (waiting ones started and completed, started ones completed by
 * the team that has them), with the stored task ids, and nothing else of the past is made up.
 */
import { expect, it } from 'vitest';
import { loadConfig } from '../contracts/config.js';
import { DEFAULT_CONFIG_PATH } from '../contracts/env.js';
import { BackOfficeModel, type CarriedTask } from '../seed/back-office-model.js';
import { MetricsEngine } from '../streams/embedded/metrics-engine.js';

const config = loadConfig(DEFAULT_CONFIG_PATH);
const T0 = Date.parse('2026-11-25T10:00:00.000Z'); // a Wednesday morning

it('works off the open tasks of an earlier run, with their ids and teams', () => {
  // The earlier run: two busy hours, cut off mid-stream (the restart).
  const earlier = new BackOfficeModel({ config, startMs: T0 - 2 * 3600_000, seed: 5 });
  const engine = new MetricsEngine(config);
  for (const e of earlier.advanceTo(T0)) engine.apply(e);
  const open: CarriedTask[] = [...engine.openTaskList()];
  const waiting = open.filter((t) => t.team === undefined);
  const started = open.filter((t) => t.team !== undefined);
  expect(waiting.length).toBeGreaterThan(0);
  expect(started.length).toBeGreaterThan(0);
  expect(open.length).toBe(engine.snapshot(T0).totals.backlog);

  // The new run starts at the restart with no backfill and takes them over.
  const next = new BackOfficeModel({ config, startMs: T0, seed: 6 });
  next.adopt(open);
  expect(next.openTasks).toBe(open.length);
  const events = next.advanceTo(T0 + 8 * 3600_000);
  for (const e of events) engine.apply(e);
  expect(events.every((e) => Date.parse(e.occurred_at) >= T0)).toBe(true);
  const closed = new Set(events.filter((e) => e.type === 'task.completed' || e.type === 'task.cancelled').map((e) => (e as { task_id: string }).task_id));
  // Eight hours on, the old backlog is gone: every carried task was finished.
  for (const t of open) expect(closed.has(t.task_id), t.task_id).toBe(true);
  for (const t of started) {
    const completion = events.find((e) => e.type === 'task.completed' && e.task_id === t.task_id)!;
    expect(completion.team).toBe(t.team);
    expect(events.some((e) => e.type === 'task.started' && e.task_id === t.task_id)).toBe(false);
  }
  for (const t of waiting) expect(events.some((e) => e.type === 'task.started' && e.task_id === t.task_id)).toBe(true);
  expect([...engine.openTaskList()].filter((t) => t.created_at < T0)).toEqual([]);
});
