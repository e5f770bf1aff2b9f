/**
 * Several servers, on the real Kafka (issue 10 item 3): the election (two, then three members of
 * one group; one leads; the lead sticks with its holder; stopping it hands it over), and the
 * server bus: a capacity change published to `ops.capacity-requests` by the journal reaches a
 * follower with its deployment, the alert book too, and a forwarded command gets the leader's
 * answer or its domain error, or `unavailable` when nobody leads.
 */
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { CapacityChange } from '../contracts/alerts.js';
import type { AlertBookMessage } from '../contracts/alert-book-message.js';
import type { ForwardedCommand } from '../contracts/commands.js';
import { DomainError } from '../contracts/errors.js';
import { CAPACITY_TOPIC } from '../contracts/topics.js';
import { CapacityJournal } from '../server/capacity/capacity-journal.js';
import { EmbeddedCapacityStore } from '../server/capacity/capacity-store.js';
import { KafkaLeadership } from '../server/leadership/kafka-leadership.js';
import { LeadershipTerms } from '../server/leadership/leadership.js';
import { pickLeader } from '../server/leadership/sticky-leader-assigner.js';
import { KafkaServerBus, type ServerBusHandlers } from '../server/leadership/server-bus.js';
import { KafkaEventLog } from '../streams/kafka/kafka-event-log.js';
import { firingAlert } from './support/insurance-peak.js';
import { describeWithEngines, requireEngines, uniqueName } from './support/engines.js';

const engines = await requireEngines();
const quiet = pino({ level: 'silent' });

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !check(); ) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

it('picks the member holding the lead, else the longest-running one', () => {
  const m = (memberId: string, holding: boolean, since: number) => ({ memberId, claim: { holding, since } });
  expect(pickLeader([m('b', false, 1), m('a', false, 2)])).toBe('b');
  expect(pickLeader([m('b', false, 1), m('a', true, 5)])).toBe('a');
  expect(pickLeader([m('b', false, 1), m('a', false, 1)])).toBe('a');
  expect(pickLeader([])).toBeUndefined();
});

it('runs take-overs and step-downs one at a time, and tries a failed take-over again only after a pause', async () => {
  let now = 0;
  const log: string[] = [];
  let busy = false;
  let failures = 1;
  const step = (name: string) => async () => {
    expect(busy).toBe(false);
    busy = true;
    log.push(name);
    await new Promise((r) => setTimeout(r, 5));
    busy = false;
    if (name === 'elected' && failures-- > 0) throw new Error('the store is down');
  };
  const terms = new LeadershipTerms({ elected: step('elected'), deposed: step('deposed') }, { info: () => undefined, error: () => undefined }, () => now, 5000);
  await terms.want(true);
  expect([terms.leading(), log]).toEqual([false, ['elected', 'deposed']]);
  now += 1000;
  await terms.want(true);
  expect(log).toHaveLength(2);
  now += 5000;
  await terms.want(true);
  expect(terms.leading()).toBe(true);
  // Asked to step down while taking over, then to lead again: each waits for the one before.
  const moves = [terms.want(false), terms.want(true), terms.want(false)];
  await Promise.all(moves);
  expect(terms.leading()).toBe(false);
  expect(log).toEqual(['elected', 'deposed', 'elected', 'deposed']);
});

describeWithEngines(engines, 'leadership on Kafka', () => {
  const started: { stop(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const s of started.reverse()) await s.stop();
  });

  /** A member of the election that records its terms. */
  async function member(group: string, name: string, events: string[]) {
    const leadership = new KafkaLeadership({ brokers: engines.kafkaBrokers, group, logger: quiet, sessionTimeoutMs: 6000 });
    started.push(leadership);
    await leadership.start({
      elected: async () => void events.push(`${name} leads`),
      deposed: async () => void events.push(`${name} follows`),
    });
    return leadership;
  }

  it('elects one of two, keeps the lead when a third joins, and hands it over when the leader stops', async () => {
    const group = uniqueName('ops-leader-test');
    const events: string[] = [];
    const a = await member(group, 'a', events);
    await until('a leads', () => a.leading());
    const b = await member(group, 'b', events);
    // b's join rebalances the group: the lead stays with a.
    await new Promise((r) => setTimeout(r, 3000));
    expect([a.leading(), b.leading()]).toEqual([true, false]);
    const c = await member(group, 'c', events);
    await new Promise((r) => setTimeout(r, 3000));
    expect([a.leading(), b.leading(), c.leading()]).toEqual([true, false, false]);
    expect(events).toEqual(['a leads']);

    const t0 = Date.now();
    await a.stop();
    expect(events.slice(0, 2)).toEqual(['a leads', 'a follows']);
    // b has run longest of those left.
    await until('b leads', () => b.leading());
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(c.leading()).toBe(false);
    expect(events).toEqual(['a leads', 'a follows', 'b leads']);
  });

  it('publishes capacity changes to ops.capacity-requests for the other servers; forwards commands to whoever leads', async () => {
    const deployment = uniqueName('ops_test');
    const log = new KafkaEventLog({ brokers: engines.kafkaBrokers, logger: quiet, clientId: 'leadership-test' });
    started.push({ stop: () => log.close() });
    const seen: { changes: CapacityChange[]; books: AlertBookMessage[]; commands: ForwardedCommand[] } = { changes: [], books: [], commands: [] };
    let leads = false;
    const handlers = (record: boolean): ServerBusHandlers => ({
      capacity: (c) => void (record && seen.changes.push(c)),
      alerts: (m) => void (record && seen.books.push(m)),
      command: (c) => {
        if (!record || !leads) return undefined;
        seen.commands.push(c);
        if (c.type === 'alert.ack') return Promise.reject(new DomainError('conflict', `alert "${c.alert_id}" is already resolved`));
        return Promise.resolve({ request_id: c.request_id, state: 'accepted' });
      },
    });
    const leader = new KafkaServerBus({ brokers: engines.kafkaBrokers, log, deployment, logger: quiet });
    const follower = new KafkaServerBus({ brokers: engines.kafkaBrokers, log, deployment, logger: quiet, replyTimeoutMs: 3000 });
    const stranger = new KafkaServerBus({ brokers: engines.kafkaBrokers, log, deployment: `${deployment}_other`, logger: quiet });
    started.push(leader, follower, stranger);
    await leader.start(handlers(true));
    await follower.start(handlers(false));
    const strangerSaw: string[] = [];
    await stranger.start({ capacity: () => void strangerSaw.push('change'), alerts: () => void strangerSaw.push('book'), command: () => void strangerSaw.push('command') });

    // Published by the journal, as the desk publishes every stored change, with the deployment header.
    const journal = new CapacityJournal(new EmbeddedCapacityStore(), log, quiet, { headers: leader.publishHeaders });
    const alert = firingAlert(5, Date.parse('2026-11-26T09:00:00Z'));
    const request = {
      request_id: uniqueName('req'), queue: 'insurance', partner: 'partner-northwind', agents_requested: 5,
      window_start: alert.firing_at!, window_end: alert.firing_at!, respond_by: alert.firing_at!,
      reason: { kind: 'demand-peak' as const, alert_id: alert.id, agents_needed: 33, staffed_agents: 28, forecast_next_60m: 300, projected_sla: 0.4, sla_goal: 0.9, time_to_breach_minutes: 35, committed_elsewhere: 0 },
      alert_id: alert.id, partner_name: 'Northwind BPO', state: 'delivering' as const, agents_committed: null, attempts: 0, last_error: null,
      created_at: alert.firing_at!, updated_at: alert.firing_at!, answered_at: null, escalated_from: null, escalated_to: null,
    };
    const endsBefore = [...(await log.endOffsets(CAPACITY_TOPIC)).values()].reduce((a, b) => a + b, 0);
    await journal.write({ change: 'created', seq: 1, at: alert.firing_at!, request });
    await until('the change is relayed', () => seen.changes.length > 0);
    expect(seen.changes).toEqual([{ change: 'created', seq: 1, at: alert.firing_at!, request }]);
    await leader.publishAlerts({ published_at: 1, alerts: [{ alert, tracking: null }], measures: [] });
    await until('the book is relayed', () => seen.books.length > 0);
    expect(seen.books[0].alerts[0].alert).toEqual(alert);

    // Nobody leads: the follower answers 503 once its wait is over.
    await expect(follower.forward({ type: 'capacity.respond', request_id: request.request_id, body: { decision: 'accepted' }, principal: { name: 'north', role: 'partner', team: 'partner-northwind' } })).rejects.toMatchObject({ kind: 'unavailable' });
    leads = true;
    const t0 = Date.now();
    expect(await follower.forward({ type: 'capacity.respond', request_id: request.request_id, body: { decision: 'accepted' }, principal: { name: 'north', role: 'partner', team: 'partner-northwind' } })).toEqual({ request_id: request.request_id, state: 'accepted' });
    const refused = await follower.forward({ type: 'alert.ack', alert_id: alert.id, principal: { name: 'lead', role: 'lead' } }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ kind: 'conflict', message: `alert "${alert.id}" is already resolved` });
    // The command sent while nobody led was not run later; another deployment saw none of it.
    expect(seen.commands.map((c) => c.type)).toEqual(['capacity.respond', 'alert.ack']);
    expect(seen.commands[0].principal).toEqual({ name: 'north', role: 'partner', team: 'partner-northwind' });
    // The change is on the real topic (it grew), and the other deployment's servers saw none of it.
    expect([...(await log.endOffsets(CAPACITY_TOPIC)).values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(endsBefore);
    expect(strangerSaw).toEqual([]);
  });
});
