/**
 * The escalation policy is a constructor argument of the desk: it alone decides whether what a
 * round still misses goes to the next partner. The alerting's policy (`escalateWhileFiring`) reads
 * the alert book, and createAlerting hands the desk a policy over the very book the alerting moves.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Principal } from '../server/access.js';
import type { Alert } from '../contracts/alerts.js';
import { manualClock } from '../contracts/clock.js';
import { parseConfig } from '../contracts/config.js';
import { AlertBook, type Observation } from '../server/alerts/alert-book.js';
import { escalateWhileFiring } from '../server/alerts/alerting.js';
import { createAlerting } from '../server/alerts/create-alerting.js';
import { CapacityDesk, type EscalationPolicy } from '../server/capacity/capacity-desk.js';
import { EmbeddedCapacityStore } from '../server/capacity/capacity-store.js';
import { EmbeddedEventLog } from '../streams/embedded/embedded-event-log.js';
import { EmbeddedMetricsStore } from '../streams/embedded/embedded-store.js';
import { startFakePartner, type FakePartner } from './support/fake-partner.js';
import { peakMeasures } from './support/insurance-peak.js';

const SECRET = 'a plain shared secret';
const NOW = Date.parse('2026-11-26T09:30:00.000Z');
const quiet = { info() {}, warn() {}, error() {} };
const as = (team: string): Principal => ({ name: team, role: 'partner', team });


const observation = (verdict: Observation['verdict']): Observation => ({ kind: 'demand-peak', queue: 'insurance', queueName: 'Insurance verification', verdict, measures: peakMeasures(6), summary: 'short' });

/** A fresh firing alert, as the book raises it (hold and clear times of 0: one observation moves it). */
function firingBook(clock: () => number): { book: AlertBook; alert: Alert } {
  const book = new AlertBook({ clock, holdMs: 0, clearMs: 0 });
  book.observe(observation('raise'));
  return { book, alert: book.openFor('demand-peak', 'insurance')! };
}

describe('the escalation policy', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0)) await c();
  });

  /** Three partners for one queue, asked in this order; every webhook is taken (200). */
  async function partners() {
    const [north, south, west] = await Promise.all([startFakePartner(SECRET), startFakePartner(SECRET), startFakePartner(SECRET)]);
    cleanup.push(async () => {
      await Promise.all([north.close(), south.close(), west.close()]);
    });
    const team = (id: string, p: FakePartner) => ({ id, name: id, kind: 'partner', queues: ['insurance'], capacity: { webhook_url: p.url, secret_env: 'SECRET', respond_within_seconds: 900, max_agents: 20 } });
    const config = parseConfig({
      queues: [{ id: 'insurance', name: 'Insurance verification', sla: { target_seconds: 14400, goal: 0.9 }, handling_seconds: 600 }],
      teams: [team('north', north), team('south', south), team('west', west)],
    });
    return { north, south, west, config };
  }

  async function deskWith(stillNeeded: EscalationPolicy) {
    const p = await partners();
    const clock = manualClock(NOW);
    const log = new EmbeddedEventLog();
    const desk = new CapacityDesk({ config: p.config, store: new EmbeddedCapacityStore(), log, secret: () => SECRET, clock, logger: quiet, stillNeeded });
    cleanup.push(async () => {
      await desk.close();
      await log.close();
    });
    return { ...p, desk, clock };
  }

  it('decides escalation in the desk: asked with the alert and queue, a false keeps the rest with nobody', async () => {
    const asked: [string, string][] = [];
    let wanted = true;
    const { desk, clock, south, west } = await deskWith((alertId, queue) => {
      asked.push([alertId, queue]);
      return wanted;
    });
    const alert = firingBook(clock).alert;
    const toNorth = (await desk.requestCapacity(alert))!;
    await desk.idle();
    await desk.respond(toNorth.request_id, as('north'), { decision: 'declined' });
    await desk.idle();
    expect(asked).toEqual([[alert.id, 'insurance']]);
    const toSouth = desk.list()[0];
    expect(toSouth).toMatchObject({ partner: 'south', escalated_from: toNorth.request_id });
    expect(south.deliveries).toHaveLength(1);

    // The policy says no: neither a decline nor silence past respond_by goes further.
    wanted = false;
    await desk.respond(toSouth.request_id, as('south'), { decision: 'partial', agents_committed: 2 });
    await desk.idle();
    expect(desk.list()).toHaveLength(2);
    expect(desk.get(toSouth.request_id)).toMatchObject({ state: 'partial', escalated_to: null });

    const other = { ...firingBook(clock).alert, id: 'demand-peak.insurance.other' };
    const second = (await desk.requestCapacity(other))!;
    await desk.idle();
    clock.advance(15 * 60_000);
    await desk.tick();
    await desk.idle();
    expect(desk.get(second.request_id)).toMatchObject({ state: 'expired', escalated_to: null });
    expect(west.deliveries).toHaveLength(0);
    expect(asked.slice(1)).toEqual([
      [alert.id, 'insurance'],
      [other.id, 'insurance'],
    ]);
  });

  it('escalateWhileFiring: while the alert fires, or (after a restart) while its queue has a firing demand peak', () => {
    const clock = manualClock(NOW);
    const { book, alert } = firingBook(clock);
    const policy = escalateWhileFiring(book);
    expect(alert.state).toBe('firing');
    expect(policy(alert.id, 'insurance')).toBe(true);
    // A round restored from the store names an alert this process never raised.
    expect(policy('demand-peak.insurance.before-restart', 'insurance')).toBe(true);
    expect(policy('demand-peak.billing.before-restart', 'billing')).toBe(false);

    clock.advance(60_000);
    book.observe(observation('clear'));
    expect(book.get(alert.id)?.state).toBe('resolved');
    expect(policy(alert.id, 'insurance')).toBe(false);
    expect(policy('demand-peak.insurance.before-restart', 'insurance')).toBe(false);
  });

  it('createAlerting gives the desk the policy over the book the alerting moves', async () => {
    const { config, south, west } = await partners();
    const clock = manualClock(NOW);
    const log = new EmbeddedEventLog();
    const alerting = await createAlerting({
      config,
      store: new EmbeddedMetricsStore(config, clock),
      capacityStore: new EmbeddedCapacityStore(),
      log,
      secret: () => SECRET,
      clock,
      lifecycle: { holdMs: 0, clearMs: 0 },
      logger: quiet,
    });
    cleanup.push(async () => {
      await alerting.stop();
      await log.close();
    });
    const { book, desk } = alerting;
    book.observe(observation('raise'));
    const alert = book.openFor('demand-peak', 'insurance')!;
    const toNorth = (await desk.requestCapacity(alert))!;
    await desk.idle();
    await desk.respond(toNorth.request_id, as('north'), { decision: 'declined' });
    await desk.idle();
    const toSouth = desk.list()[0];
    expect(toSouth).toMatchObject({ partner: 'south', escalated_from: toNorth.request_id });
    expect(south.deliveries).toHaveLength(1);

    // The peak is over: south's decline goes to nobody.
    clock.advance(60_000);
    book.observe(observation('clear'));
    await desk.respond(toSouth.request_id, as('south'), { decision: 'declined' });
    await desk.idle();
    expect(desk.list()).toHaveLength(2);
    expect(west.deliveries).toHaveLength(0);
  });
});
