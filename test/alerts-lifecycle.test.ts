import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AlertBook, type AlertTransition } from '../server/alerts/alert-book.js';
import { DomainError } from '../contracts/errors.js';
import type { PeakMeasures } from '../contracts/alerts.js';
import type { Verdict } from '../server/alerts/demand-peak.js';

const START = Date.parse('2026-11-26T09:00:00.000Z');
const EVERY = 15_000; // the alerting evaluates every 15 s
const S = 1000;
const MIN = 60 * S;

const measures = (agents_needed = 12): PeakMeasures => ({
  agents_needed,
  staffed_agents: 8,
  shortfall: agents_needed - 8,
  arrivals_last_15m: 40,
  forecast_last_15m: 25,
  forecast_next_60m: 120,
  forecast_method: 'ewma',
  projected_sla: 0.6,
  sla_goal: 0.9,
  time_to_breach_minutes: 12,
});

/**
 * Drives a book the way the alerting does: a timer every 15 s observes each queue with the
 * verdict the script gives for the time elapsed. Fake timers move the clock.
 */
function drive(book: AlertBook, script: Record<string, (elapsedMs: number) => Verdict>) {
  const log: (AlertTransition & { at: number })[] = [];
  const timer = setInterval(() => {
    const elapsed = Date.now() - START;
    for (const [queue, verdictAt] of Object.entries(script)) {
      const verdict = verdictAt(elapsed);
      for (const t of book.observe({ kind: 'demand-peak', queue, queueName: queue, verdict, measures: measures(), summary: `${queue} short` })) {
        log.push({ ...t, alert: structuredClone(t.alert), at: elapsed });
      }
    }
  }, EVERY);
  return { log, stop: () => clearInterval(timer), changes: (c: string) => log.filter((t) => t.change === c) };
}

describe('alert lifecycle (fake timers)', () => {
  let book: AlertBook;
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(START);
    book = new AlertBook({ clock: () => Date.now() });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('goes pending at once and fires only after the condition held for the hold time (2 min)', () => {
    const d = drive(book, { insurance: () => 'raise' });
    vi.advanceTimersByTime(EVERY);
    expect(d.changes('pending').map((t) => t.at)).toEqual([15 * S]);
    vi.advanceTimersByTime(2 * MIN - EVERY);
    expect(book.list()[0].state).toBe('pending');
    vi.advanceTimersByTime(EVERY);
    expect(d.changes('firing').map((t) => t.at)).toEqual([15 * S + 2 * MIN]);
    const alert = book.list()[0];
    expect(alert).toMatchObject({ state: 'firing', queue: 'insurance', firing_at: new Date(START + 15 * S + 2 * MIN).toISOString() });
    // The first notification goes with firing.
    expect(d.changes('notified')).toHaveLength(1);
    d.stop();
  });

  it('drops a pending alert whose condition went away before the hold: never fired, never notified', () => {
    const d = drive(book, { insurance: (t) => (t <= 90 * S ? 'raise' : 'clear') });
    vi.advanceTimersByTime(10 * MIN);
    expect(d.changes('pending')).toHaveLength(1);
    expect(d.changes('dropped')).toHaveLength(1);
    expect(d.changes('firing')).toHaveLength(0);
    expect(d.changes('notified')).toHaveLength(0);
    expect(book.list()).toEqual([]);
    d.stop();
  });

  it('needs the hold unbroken: a break in the condition restarts it', () => {
    // Raise, a band reading at 60 s, raise again from 75 s: fires at 75 s + 2 min.
    const d = drive(book, { insurance: (t) => (t === 60 * S ? 'hold' : 'raise') });
    vi.advanceTimersByTime(5 * MIN);
    expect(d.changes('firing').map((t) => t.at)).toEqual([75 * S + 2 * MIN]);
    d.stop();
  });

  it('resolves only after the recovery condition held for 5 minutes (hysteresis)', () => {
    // Firing at 2:15. Clear from 5:00 to 9:45 (4:45), a raise at 10:00, then clear for good.
    const d = drive(book, {
      insurance: (t) => (t < 5 * MIN ? 'raise' : t < 10 * MIN ? 'clear' : t === 10 * MIN ? 'raise' : 'clear'),
    });
    vi.advanceTimersByTime(14 * MIN);
    expect(d.changes('resolved')).toHaveLength(0);
    expect(book.list()[0].state).toBe('firing');
    vi.advanceTimersByTime(2 * MIN);
    // Clear since 10:15; resolved at 15:15.
    expect(d.changes('resolved').map((t) => t.at)).toEqual([15 * MIN + 15 * S]);
    expect(book.list()[0]).toMatchObject({ state: 'resolved', resolved_at: new Date(START + 15 * MIN + 15 * S).toISOString() });
    d.stop();
  });

  it('does not flap: a queue hovering between raise, band and recovery keeps one firing alert', () => {
    const pattern: Verdict[] = ['raise', 'hold', 'clear', 'clear', 'hold', 'raise', 'clear', 'hold'];
    const d = drive(book, { insurance: (t) => (t <= 3 * MIN ? 'raise' : pattern[(t / EVERY) % pattern.length]) });
    vi.advanceTimersByTime(2 * 60 * MIN);
    expect(d.changes('pending')).toHaveLength(1);
    expect(d.changes('firing')).toHaveLength(1);
    expect(d.changes('resolved')).toHaveLength(0);
    expect(book.list()).toHaveLength(1);
    // The band alone ("hold") never resolves it either.
    d.stop();
    const band = drive(book, { billing: (t) => (t < 3 * 60 * MIN ? 'raise' : 'hold') });
    vi.advanceTimersByTime(4 * 60 * MIN);
    expect(book.openFor('demand-peak', 'billing')?.state).toBe('firing');
    band.stop();
  });

  it('deduplicates per queue and kind, and a new peak after resolution is a new alert', () => {
    const d = drive(book, {
      insurance: (t) => (t < 10 * MIN || t >= 20 * MIN ? 'raise' : 'clear'),
      billing: () => 'raise',
    });
    vi.advanceTimersByTime(9 * MIN);
    expect(book.list().map((a) => a.queue).sort()).toEqual(['billing', 'insurance']);
    vi.advanceTimersByTime(20 * MIN);
    const pendings = d.changes('pending').filter((t) => t.alert.queue === 'insurance');
    expect(pendings).toHaveLength(2);
    expect(pendings[0].alert.id).not.toBe(pendings[1].alert.id);
    expect(d.changes('pending').filter((t) => t.alert.queue === 'billing')).toHaveLength(1);
    const insurance = book.list().filter((a) => a.queue === 'insurance');
    expect(insurance.map((a) => a.state)).toEqual(['firing', 'resolved']);
    d.stop();
  });

  it('repeats notifications at a bounded rate until acknowledged; ack keeps the comment', () => {
    book = new AlertBook({ clock: () => Date.now(), repeatMs: 15 * MIN });
    const d = drive(book, { insurance: () => 'raise' });
    vi.advanceTimersByTime(40 * MIN);
    // Fired at 2:15, repeated at 17:15 and 32:15.
    expect(d.changes('notified').map((t) => t.at)).toEqual([2 * MIN + 15 * S, 17 * MIN + 15 * S, 32 * MIN + 15 * S]);
    const id = book.list()[0].id;
    const ack = book.acknowledge(id, 'lead-anna', '  Called Northwind, 6 agents from 10:00  ');
    expect(ack.alert.acknowledged).toEqual({ by: 'lead-anna', at: new Date(START + 40 * MIN).toISOString(), comment: 'Called Northwind, 6 agents from 10:00' });
    vi.advanceTimersByTime(60 * MIN);
    expect(d.changes('notified')).toHaveLength(3);
    expect(book.list()[0].notifications).toBe(3);
    d.stop();
  });

  it('keeps every acknowledgement, oldest first: a second one adds, the latest shows as acknowledged', () => {
    book = new AlertBook({ clock: () => Date.now() });
    const d = drive(book, { insurance: () => 'raise' });
    vi.advanceTimersByTime(5 * MIN);
    const id = book.list()[0].id;
    expect(book.list()[0].acknowledgements).toEqual([]);
    const first = { by: 'lead-anna', at: new Date(START + 5 * MIN).toISOString(), comment: 'Calling Northwind' };
    book.acknowledge(id, 'lead-anna', 'Calling Northwind');
    vi.advanceTimersByTime(3 * MIN);
    // Made now, applied later (the alerting stores its audit record in between): nothing changes until it is added.
    const second = book.acknowledgementFor(id, 'lead-ben', undefined);
    expect(second).toEqual({ by: 'lead-ben', at: new Date(START + 8 * MIN).toISOString(), comment: null });
    expect(book.get(id)!.acknowledgements).toEqual([first]);
    const t = book.addAcknowledgement(id, second);
    expect(t).toMatchObject({ change: 'acknowledged' });
    expect(t.alert.acknowledgements).toEqual([first, second]);
    expect(t.alert.acknowledged).toEqual(second);
    expect(t.alert.updated_at).toBe(second.at);
    // One that was made earlier but stored later still takes its place in time.
    const late = { by: 'lead-cy', at: new Date(START + 6 * MIN).toISOString(), comment: 'me too' };
    expect(book.addAcknowledgement(id, late).alert.acknowledgements).toEqual([first, late, second]);
    expect(book.get(id)!.acknowledged).toEqual(second);
    expect(() => book.acknowledgementFor('nope', 'lead', undefined)).toThrow(expect.objectContaining({ kind: 'not_found' }));
    d.stop();
  });

  it('caps notifications over all queues per minute; the rest follow in the next minute', () => {
    book = new AlertBook({ clock: () => Date.now(), maxPerMinute: 6 });
    const queues = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`q${i}`, (): Verdict => 'raise']));
    const d = drive(book, queues);
    vi.advanceTimersByTime(2 * MIN + 15 * S);
    expect(d.changes('firing')).toHaveLength(10);
    expect(d.changes('notified')).toHaveLength(6);
    vi.advanceTimersByTime(MIN);
    expect(d.changes('notified')).toHaveLength(10);
    expect(new Set(d.changes('notified').map((t) => t.alert.queue)).size).toBe(10);
    d.stop();
  });

  it('refuses to acknowledge an unknown or resolved alert', () => {
    expect(() => book.acknowledge('nope', 'lead', undefined)).toThrow(DomainError);
    const d = drive(book, { insurance: (t) => (t < 3 * MIN ? 'raise' : 'clear') });
    vi.advanceTimersByTime(10 * MIN);
    const resolved = book.list()[0];
    expect(resolved.state).toBe('resolved');
    try {
      book.acknowledge(resolved.id, 'lead', 'late');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).kind).toBe('conflict');
    }
    expect(() => book.acknowledge('nope', 'lead', undefined)).toThrow(expect.objectContaining({ kind: 'not_found', message: 'no alert "nope"' }));
    d.stop();
  });
});
