/** The simulator's live loop on fake timers against an in-test event log (the model itself: seed-model.test.ts). */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../contracts/config.js';
import { DEFAULT_CONFIG_PATH } from '../contracts/env.js';
import type { EventLog, LogMessage } from '../contracts/event-log.js';
import { checkEvent, eventKey, type OpsEvent } from '../contracts/events.js';
import { EVENTS_TOPIC } from '../contracts/topics.js';
import { BackOfficeModel } from '../seed/back-office-model.js';
import { createSimulator } from '../seed/simulator.js';
import { HOUR, MINUTE, at } from './support/model-run.js';

const config = loadConfig(DEFAULT_CONFIG_PATH);

/** An in-memory event log that records what it is given (the port under a simulator test). */
class RecordingLog implements Pick<EventLog, 'append'> {
  readonly appends: { topic: string; messages: LogMessage[]; atMs: number }[] = [];
  failNext = 0;
  gate: Promise<void> | undefined;

  async append(topic: string, messages: LogMessage[]): Promise<Map<number, number>> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('log unavailable');
    }
    await this.gate;
    this.appends.push({ topic, messages, atMs: Date.now() });
    return new Map([[0, this.appends.length - 1]]);
  }

  get events(): OpsEvent[] {
    return this.appends.flatMap((a) => a.messages.map((m) => JSON.parse(m.value) as OpsEvent));
  }
}

describe('simulator on the event log', () => {
  const NOW = Date.parse('2026-11-24T10:30:00.000Z'); // a Tuesday, in the surge

  afterEach(() => {
    vi.useRealTimers();
  });

  it('backfills 8 hours in batches, valid events keyed by eventKey, ending at now', async () => {
    const log = new RecordingLog();
    const simulator = createSimulator({ config, log, now: () => NOW, seed: 11 });
    const { events } = await simulator.backfill();
    const all = log.events;
    expect(events).toBe(all.length);
    expect(simulator.clockMs).toBe(NOW);
    for (const append of log.appends) {
      expect(append.topic).toBe(EVENTS_TOPIC);
      expect(append.messages.length).toBeGreaterThan(0);
      const span = at(JSON.parse(append.messages.at(-1)!.value)) - at(JSON.parse(append.messages[0].value));
      expect(span).toBeLessThanOrEqual(10 * MINUTE);
      for (const m of append.messages) {
        const check = checkEvent(JSON.parse(m.value), config, NOW);
        if (!check.ok) throw new Error(check.reason);
        expect(m.key).toBe(eventKey(check.event));
      }
    }
    expect(at(all[0])).toBe(NOW - 8 * HOUR);
    expect(at(all.at(-1)!)).toBeLessThanOrEqual(NOW);
    expect(log.appends.length).toBe(48);

    const created = new Map<string, number>();
    for (const e of all) if (e.type === 'task.created') created.set(e.queue, (created.get(e.queue) ?? 0) + 1);
    const tasks = [...created.values()].reduce((a, b) => a + b, 0);
    console.log(
      `backfill 8 h (02:30-10:30 UTC, a Tuesday): ${all.length} events, ${tasks} tasks (` +
        [...created].map(([q, n]) => `${q} ${n}`).join(', ') +
        ')',
    );
    expect(tasks).toBeGreaterThan(1000);
    expect(tasks).toBeLessThan(20_000);
  });

  it('runs live on a 250 ms timer, one batched append per step, never ahead of the real clock', async () => {
    vi.useFakeTimers({ now: NOW });
    const log = new RecordingLog();
    const simulator = createSimulator({ config, log, seed: 12, backfillHours: 1 });
    await simulator.backfill();
    const backfillAppends = log.appends.length;
    simulator.start();
    await vi.advanceTimersByTimeAsync(60_000);
    const live = log.appends.slice(backfillAppends);
    expect(live.length).toBeGreaterThan(20);
    expect(live.length).toBeLessThanOrEqual(240);
    for (const append of live) {
      for (const m of append.messages) {
        const event = JSON.parse(m.value) as OpsEvent;
        expect(at(event)).toBeLessThanOrEqual(append.atMs);
        expect(at(event)).toBeGreaterThan(append.atMs - 250);
      }
    }
    expect(simulator.clockMs).toBe(Date.now());
    const liveEvents = live.reduce((n, a) => n + a.messages.length, 0);
    expect(liveEvents).toBeGreaterThan(live.length); // batched: more events than appends

    await simulator.stop();
    const afterStop = log.appends.length;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(log.appends.length).toBe(afterStop);
  });

  it('writes exactly what the model produces, retrying an append the log refused', async () => {
    vi.useFakeTimers({ now: NOW });
    const log = new RecordingLog();
    const warnings: string[] = [];
    const logger = { info() {}, warn: (_: object, msg?: string) => void warnings.push(msg ?? '') };
    const simulator = createSimulator({ config, log, seed: 13, backfillHours: 0.5, logger });
    await simulator.backfill();
    simulator.start();
    await vi.advanceTimersByTimeAsync(5_000);
    log.failNext = 3;
    await vi.advanceTimersByTimeAsync(5_000);
    await simulator.stop();
    expect(warnings).toEqual(['simulator: event log append failed; retrying, the clock waits']);

    const model = new BackOfficeModel({ config, startMs: NOW - 0.5 * HOUR, seed: 13 });
    expect(log.events).toEqual(model.advanceTo(simulator.clockMs));
  });

  it('stop() waits for the append in flight', async () => {
    vi.useFakeTimers({ now: NOW });
    const log = new RecordingLog();
    const simulator = createSimulator({ config, log, seed: 14, backfillHours: 0 });
    let release!: () => void;
    log.gate = new Promise<void>((resolve) => (release = resolve));
    simulator.start();
    await vi.advanceTimersByTimeAsync(250); // first step: staffing announcements, held at the gate
    let stopped = false;
    const stopping = simulator.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(stopped).toBe(false);
    expect(log.appends).toHaveLength(0);
    release();
    await stopping;
    expect(log.appends).toHaveLength(1);
    const announced = log.events.filter((e) => e.type === 'staffing.updated' && at(e) === NOW);
    expect(announced).toHaveLength(config.teams.reduce((n, t) => n + t.queues.length, 0));
  });

  it('with speed 60 and no backfill, replays the past hour in a minute, then follows real time', async () => {
    vi.useFakeTimers({ now: NOW });
    const log = new RecordingLog();
    const simulator = createSimulator({ config, log, seed: 15, backfillHours: 1, speed: 60 });
    simulator.start();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(simulator.clockMs).toBeGreaterThanOrEqual(NOW - 31 * MINUTE);
    expect(simulator.clockMs).toBeLessThanOrEqual(NOW - 29 * MINUTE);
    await vi.advanceTimersByTimeAsync(35_000);
    expect(simulator.clockMs).toBe(Date.now());
    for (const append of log.appends) {
      for (const m of append.messages) expect(at(JSON.parse(m.value))).toBeLessThanOrEqual(append.atMs);
    }
    await simulator.stop();
  });

  it('rejects settings that make no sense', () => {
    const log = new RecordingLog();
    expect(() => createSimulator({ config, log, speed: 0.5 })).toThrow(/speed/);
    expect(() => createSimulator({ config, log, backfillHours: -1 })).toThrow(/backfillHours/);
  });
});
