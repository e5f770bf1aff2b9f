/**
 * The alerting of a server that does not lead (issue 10, several servers), in process: it shows the
 * store's requests without delivering any, checks a partner's answer or a lead's acknowledgement
 * with the leader's rules before forwarding it, shows what the leader publishes (newer changes
 * only), and once elected resumes the deliveries in progress and goes on from the relayed book.
 */
import { describe, expect, it, vi } from 'vitest';
import type { Principal } from '../server/access.js';
import type { Alert, CapacityChange, CapacityRequest } from '../contracts/alerts.js';
import { parseConfig } from '../contracts/config.js';
import { createAlerting } from '../server/alerts/create-alerting.js';
import type { Forward } from '../server/alerts/alerting.js';
import { EmbeddedCapacityStore } from '../server/capacity/capacity-store.js';
import { firingAlert } from './support/insurance-peak.js';

const NOW = Date.parse('2026-11-26T09:30:00.000Z');
const quiet = { info() {}, warn() {}, error() {} };
const north: Principal = { name: 'north-integration', role: 'partner', team: 'north' };
const south: Principal = { name: 'south-integration', role: 'partner', team: 'south' };
const lead: Principal = { name: 'lead-anna', role: 'lead' };

const config = parseConfig({
  queues: [{ id: 'insurance', name: 'Insurance verification', sla: { target_seconds: 14400, goal: 0.9 }, handling_seconds: 600 }],
  teams: [
    { id: 'inhouse', name: 'In-house', kind: 'inhouse', queues: ['insurance'] },
    { id: 'north', name: 'North BPO', kind: 'partner', queues: ['insurance'], capacity: { webhook_url: 'http://127.0.0.1:9/north', secret_env: 'NORTH_SECRET', respond_within_seconds: 900, max_agents: 20 } },
    { id: 'south', name: 'South BPO', kind: 'partner', queues: ['insurance'], capacity: { webhook_url: 'http://127.0.0.1:9/south', secret_env: 'SOUTH_SECRET', respond_within_seconds: 900, max_agents: 20 } },
  ],
});

function request(id: string, alert: Alert, state: CapacityRequest['state']): CapacityRequest {
  const at = new Date(NOW).toISOString();
  return {
    request_id: id, queue: 'insurance', partner: 'north', agents_requested: 5,
    window_start: at, window_end: new Date(NOW + 7_200_000).toISOString(), respond_by: new Date(NOW + 900_000).toISOString(),
    reason: { kind: 'demand-peak', alert_id: alert.id, agents_needed: 33, staffed_agents: 28, forecast_next_60m: 300, projected_sla: 0.4, sla_goal: 0.9, time_to_breach_minutes: 35, committed_elsewhere: 0 },
    alert_id: alert.id, partner_name: 'North BPO', state, agents_committed: null, attempts: 1, last_error: null,
    created_at: at, updated_at: at, answered_at: null, escalated_from: null, escalated_to: null,
  };
}

describe('the alerting of a server that does not lead', () => {
  it('shows, checks and forwards while following; resumes deliveries and goes on from the book once it leads', async () => {
    const alert = firingAlert(5, NOW, 'demand-peak.insurance.follow');
    const awaiting = request('req-awaiting', alert, 'awaiting_response');
    const delivering = request('req-delivering', { ...alert, id: 'demand-peak.insurance.other' }, 'delivering');
    const capacityStore = new EmbeddedCapacityStore();
    await capacityStore.record({ change: 'delivered', seq: 2, at: awaiting.updated_at, request: awaiting });
    await capacityStore.record({ change: 'created', seq: 1, at: delivering.updated_at, request: delivering });

    const fetch = vi.fn(async () => new Response('{}', { status: 200 }));
    const forward: Forward = {
      acknowledge: vi.fn(async (id: string) => ({ ...alert, id, acknowledged: { by: 'lead-anna', at: new Date(NOW).toISOString(), comment: null } })),
      respond: vi.fn(async (id: string) => ({ ...awaiting, request_id: id, state: 'accepted' as const, agents_committed: 5 })),
    };
    const published: CapacityChange[] = [];
    const alerting = await createAlerting({
      config,
      store: { snapshot: async () => ({ generated_at: new Date(NOW).toISOString(), window_minutes: 60, queues: [], totals: {} }) as never, history: async () => ({ points: [] }) as never },
      capacityStore,
      log: {
        append: async (_topic, messages) => {
          published.push(...messages.map((m) => JSON.parse(m.value) as CapacityChange));
          return new Map();
        },
      },
      secret: () => 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      clock: () => NOW,
      fetch,
      logger: quiet,
      follow: forward,
    });
    const desk = alerting.desk;

    // The store's requests are shown; nothing is delivered by a follower.
    expect(desk.list().map((r) => [r.request_id, r.state]).sort()).toEqual([['req-awaiting', 'awaiting_response'], ['req-delivering', 'delivering']]);
    await desk.idle();
    expect(fetch).not.toHaveBeenCalled();

    // The leader's rules first, here; then the leader's answer.
    await expect(desk.respond('req-awaiting', south, { decision: 'accepted' })).rejects.toMatchObject({ kind: 'forbidden' });
    await expect(desk.respond('req-awaiting', north, { decision: 'partial', agents_committed: 0 })).rejects.toMatchObject({ kind: 'invalid' });
    await expect(desk.respond('nope', north, { decision: 'accepted' })).rejects.toMatchObject({ kind: 'not_found' });
    expect(forward.respond).not.toHaveBeenCalled();
    expect(await desk.respond('req-awaiting', north, { decision: 'accepted' })).toMatchObject({ state: 'accepted' });
    expect(forward.respond).toHaveBeenCalledWith('req-awaiting', north, { decision: 'accepted' });
    expect(published).toEqual([]);

    // What the leader publishes is shown, newer changes only.
    const accepted = { ...awaiting, state: 'accepted' as const, agents_committed: 5 };
    await desk.mirror({ change: 'accepted', seq: 3, at: accepted.updated_at, request: accepted });
    await desk.mirror({ change: 'delivered', seq: 2, at: awaiting.updated_at, request: awaiting });
    expect(desk.get('req-awaiting')).toMatchObject({ state: 'accepted', agents_committed: 5 });

    // The book: shown as published; an acknowledgement checked here, then forwarded.
    const tracking = { raisingSince: NOW - 120_000, clearSince: null, lastRaised: NOW, owed: false };
    alerting.mirror({ published_at: NOW, alerts: [{ alert, tracking }], measures: [['insurance', alert.measures]] });
    expect(alerting.alerts().map((a) => [a.id, a.state])).toEqual([[alert.id, 'firing']]);
    await expect(alerting.acknowledge('nope', lead, undefined)).rejects.toMatchObject({ kind: 'not_found' });
    expect(await alerting.acknowledge(alert.id, lead, 'on it')).toMatchObject({ id: alert.id, acknowledged: { by: 'lead-anna' } });
    expect(forward.acknowledge).toHaveBeenCalledWith(alert.id, lead, 'on it');

    // Elected: the store's word replaces the relayed view, the delivery in progress resumes, the book stays.
    await alerting.lead();
    await desk.idle();
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(desk.get('req-delivering')).toMatchObject({ state: 'awaiting_response' });
    expect(alerting.book.get(alert.id)).toMatchObject({ state: 'firing' });
    // A leader's book is its own: what is relayed no longer replaces it.
    alerting.mirror({ published_at: NOW, alerts: [], measures: [] });
    expect(alerting.book.get(alert.id)).toBeDefined();

    // Deposed: the loop and deliveries stop; answers go to the new leader again.
    await alerting.follow(forward);
    await desk.respond('req-delivering', north, { decision: 'declined' });
    expect(forward.respond).toHaveBeenCalledTimes(2);
    await alerting.stop();
  });
});
