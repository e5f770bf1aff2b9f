/**
 * What a firing alert tells the room (server/alerts/alert-guidance.ts): the asks per partner
 * summing against the shortfall, the recommended action by its documented rule, and the covered
 * state, with every figure worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import type { CapacityRequest, CapacityState, PeakMeasures } from '../contracts/alerts.js';
import { parseConfig } from '../contracts/config.js';
import { AlertBook } from '../server/alerts/alert-book.js';
import { guideAlert, withGuidance } from '../server/alerts/alert-guidance.js';
import { firingAlert, peakMeasures } from './support/insurance-peak.js';

const NOW = Date.parse('2026-11-26T09:30:00Z');
const MIN = 60_000;
const partner = (id: string, name: string) => ({ id, name, kind: 'partner', queues: ['insurance'], capacity: { webhook_url: `https://${id}.example/capacity`, secret_env: 'S', respond_within_seconds: 900, max_agents: 20 } });
const config = parseConfig({
  queues: [
    { id: 'insurance', name: 'Insurance verification', sla: { target_seconds: 14400, goal: 0.9 }, handling_seconds: 600 },
    { id: 'billing', name: 'Billing', sla: { target_seconds: 3600, goal: 0.8 }, handling_seconds: 600 },
    { id: 'scheduling', name: 'Scheduling', sla: { target_seconds: 3600, goal: 0.8 }, handling_seconds: 300 },
  ],
  teams: [
    { id: 'front', name: 'Front desk', kind: 'inhouse', queues: ['insurance', 'scheduling'] },
    { id: 'revenue', name: 'Revenue team', kind: 'inhouse', queues: ['billing'] },
    partner('north', 'North BPO'),
    partner('south', 'South BPO'),
  ],
});
/** Billing with `spare` agents above its Erlang C need (none when 0). */
const latest = (spare: number) => new Map<string, PeakMeasures>([['billing', { ...peakMeasures(0), agents_needed: 10, staffed_agents: 10 + spare }]]);

function request(id: string, p: 'north' | 'south', state: CapacityState, requested: number, committed: number | null, createdMinutesAgo: number): CapacityRequest {
  const at = new Date(NOW - createdMinutesAgo * MIN).toISOString();
  return {
    request_id: id, queue: 'insurance', partner: p, agents_requested: requested, window_start: at, window_end: at, respond_by: at,
    reason: { kind: 'demand-peak', alert_id: 'a', agents_needed: 34, staffed_agents: 28, forecast_next_60m: 300, projected_sla: 0.4, sla_goal: 0.9, time_to_breach_minutes: 35, committed_elsewhere: 0 },
    alert_id: 'demand-peak.insurance.1', partner_name: p === 'north' ? 'North BPO' : 'South BPO', state, agents_committed: committed,
    attempts: 1, last_error: null, created_at: at, updated_at: at, answered_at: null, escalated_from: null, escalated_to: null,
  };
}

const guide = (requests: CapacityRequest[], spare = 0, shortfall = 6) => guideAlert(firingAlert(shortfall, NOW), requests, { config, latest: latest(spare), now: NOW });

describe('alert guidance', () => {
  it('adds the asks per partner against the shortfall: committed + pending + not yet asked = 6', () => {
    const g = guide([request('r1', 'north', 'partial', 4, 1, 3), request('r2', 'south', 'awaiting_response', 3, null, 1)]);
    expect(g.asks).toEqual([
      { partner: 'north', partner_name: 'North BPO', requested: 4, committed: 1, pending: 0 },
      { partner: 'south', partner_name: 'South BPO', requested: 3, committed: 0, pending: 3 },
    ]);
    // 6 short: 1 committed, 3 pending, 2 asked of no one.
    expect({ status: g.status, shortfall: g.shortfall, committed: g.committed, pending: g.pending, unasked: g.unasked }).toEqual({ status: 'firing', shortfall: 6, committed: 1, pending: 3, unasked: 2 });
  });

  it('recommends moving agents from an in-house team with slack first, no more than is not committed', () => {
    // Billing staffed 4 above need; 6 short, 1 committed: move min(4, 5) = 4.
    expect(guide([request('r1', 'north', 'partial', 4, 1, 3)], 4).action).toEqual({ kind: 'move', text: 'move 4 agents from Revenue team (Billing)' });
    // 9 spare, 5 not committed: move 5.
    expect(guide([request('r1', 'north', 'partial', 4, 1, 3)], 9).action.text).toBe('move 5 agents from Revenue team (Billing)');
    // Scheduling 2 spare, worked by the Front desk, which also works insurance: its agents go first.
    const both = new Map([...latest(9), ['scheduling', { ...peakMeasures(0), agents_needed: 5, staffed_agents: 7 }]]);
    expect(guideAlert(firingAlert(6, NOW), [], { config, latest: both, now: NOW }).action.text).toBe('move 2 agents from Front desk (Scheduling)');
  });

  it('without slack, calls a partner whose answer is 5 min overdue, else asks for what nobody was asked', () => {
    expect(guide([request('r1', 'north', 'awaiting_response', 6, null, 7)]).action).toEqual({ kind: 'call', text: 'call North BPO: no answer for 7 min' });
    // 4 minutes is not overdue; everything is asked: wait.
    expect(guide([request('r1', 'north', 'awaiting_response', 6, null, 4)]).action).toEqual({ kind: 'wait', text: 'wait: 6 agents asked, answers due' });
    // North declined: 6 not asked of anyone, South is next in the contract.
    expect(guide([request('r1', 'north', 'declined', 6, 0, 4)]).action).toEqual({ kind: 'ask', text: 'ask South BPO for 6 more' });
    // Nothing sent yet: the first partner contracted.
    expect(guide([]).action).toEqual({ kind: 'ask', text: 'ask North BPO for 6 more' });
    expect(guide([request('r1', 'north', 'declined', 6, 0, 4), request('r2', 'south', 'expired', 6, null, 20)]).action.text).toBe('find 6 more agents: no partner left to ask');
  });

  it('is covered once committed agents meet the shortfall, even with slack elsewhere', () => {
    const g = guide([request('r1', 'north', 'partial', 4, 2, 9), request('r2', 'south', 'accepted', 4, 4, 5)], 5);
    expect(g.status).toBe('covered');
    expect(g.committed).toBe(6);
    expect(g.action).toEqual({ kind: 'wait', text: 'wait: 6 agents committed, arriving' });
  });

  it('goes firing -> covered -> resolved as partners commit and the queue recovers', () => {
    let now = NOW;
    const book = new AlertBook({ clock: () => now, holdMs: 0, clearMs: 5 * MIN });
    const observe = (verdict: 'raise' | 'clear', shortfall: number) => book.observe({ kind: 'demand-peak', queue: 'insurance', queueName: 'Insurance verification', verdict, measures: peakMeasures(shortfall), summary: 's' });
    observe('raise', 6);
    const id = book.list()[0].id;
    const asked = [request('r1', 'north', 'awaiting_response', 6, null, 0)].map((r) => ({ ...r, alert_id: id }));
    const view = (requests: CapacityRequest[]) => withGuidance(book.list(), requests, { config, latest: latest(0), now })[0];
    expect(view(asked)).toMatchObject({ state: 'firing', guidance: { status: 'firing', pending: 6, action: { kind: 'wait' } }, capacity_request_ids: ['r1'] });
    // North commits 6: covered, recovering.
    const committed = [{ ...asked[0], state: 'accepted' as const, agents_committed: 6 }];
    expect(view(committed)).toMatchObject({ state: 'firing', guidance: { status: 'covered', committed: 6, action: { text: 'wait: 6 agents committed, arriving' } } });
    // The 6 arrive: staffed meets the need; after the clear time the alert resolves, no guidance left.
    observe('clear', 0);
    now += 5 * MIN;
    observe('clear', 0);
    const resolved = view(committed);
    expect(resolved.state).toBe('resolved');
    expect(resolved.guidance).toBeUndefined();
  });
});
