/**
 * The what-if page's logic without a browser: drafts from presets turned into the request body
 * (a sensitive queue never carries a partner share, whatever a lead does), unique names, and the
 * sentence saying why the numbers differ, read against a hand-made answer.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { QueueOutcome, Scenario, WhatIfAnswer, WhatIfSetup } from '../contracts/what-if';
import { draftFromPreset, followPreset, initialDrafts, requestOf, uniqueName, withQueue } from '../client/src/what-if-draft';
import { explainDifferences } from '../client/src/what-if-explain';

const SETUP: WhatIfSetup = {
  period: '24h',
  from: '2026-11-25T12:00:00.000Z',
  to: '2026-11-26T12:00:00.000Z',
  queues: [
    { id: 'billing', name: 'Billing', sensitive: false, arrivals: 240 },
    { id: 'notes', name: 'Clinical notes', sensitive: true, arrivals: 20 },
  ],
  partners: [{ id: 'northwind', name: 'Northwind BPO', queues: ['billing'] }],
  presets: [
    { name: 'as today', queues: {} },
    { name: 'hybrid: sensitive in-house, peaks to partners', queues: { billing: { agents: 'erlang', partner_share: 0.3 }, notes: { agents: 'recorded', partner_share: 0 } } },
  ],
};

describe('what-if drafts', () => {
  it('start as "as today" against "hybrid" and send what the presets say', () => {
    const drafts = initialDrafts(SETUP);
    expect(drafts.map((d) => d.name)).toEqual(['as today', 'hybrid: sensitive in-house, peaks to partners']);
    expect(requestOf(SETUP, drafts)).toEqual({
      from: SETUP.from,
      to: SETUP.to,
      seed: 7,
      scenarios: [
        { name: 'as today', queues: {} },
        { name: 'hybrid: sensitive in-house, peaks to partners', queues: { billing: { agents: 'erlang', partner_share: 0.3 }, notes: { agents: 'recorded', partner_share: 0 } } },
      ],
    });
  });

  it('never send a partner share above 0 for a sensitive queue, and leave unchanged queues out', () => {
    const change = fc.record({
      queue: fc.constantFrom('billing', 'notes'),
      agents: fc.option(fc.oneof(fc.constant('recorded' as const), fc.constant('erlang' as const), fc.nat(50)), { nil: undefined }),
      share: fc.option(fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(change, { maxLength: 12 }), (changes) => {
        let draft = draftFromPreset(SETUP, 'as today', []);
        for (const c of changes) draft = withQueue(draft, c.queue, { agents: c.agents, partner_share: c.share });
        const [scenario] = requestOf(SETUP, [draft]).scenarios;
        expect(scenario.queues.notes?.partner_share ?? 0).toBe(0);
        for (const q of Object.values(scenario.queues)) expect(q.agents !== 'recorded' || q.partner_share !== undefined).toBe(true);
      }),
    );
  });

  it('send the partners a scenario drops, and only then', () => {
    const [today, hybrid] = initialDrafts(SETUP);
    const [a, b] = requestOf(SETUP, [today, { ...hybrid, drop: ['northwind'] }]).scenarios;
    expect(a).not.toHaveProperty('drop_partners');
    expect(b.drop_partners).toEqual(['northwind']);
  });

  it('follow the preset of a new period unless the lead changed them', () => {
    const week: WhatIfSetup = { ...SETUP, period: '7d', presets: [SETUP.presets[0], { ...SETUP.presets[1], queues: { ...SETUP.presets[1].queues, billing: { agents: 'erlang', partner_share: 0.2 } } }] };
    const [, hybrid] = initialDrafts(SETUP);
    expect(followPreset(hybrid, SETUP, week).queues.billing).toEqual({ agents: 'erlang', partner_share: 0.2 });
    const edited = withQueue(hybrid, 'billing', { agents: 12 });
    expect(followPreset(edited, SETUP, week)).toBe(edited);
  });

  it('name copies of a preset apart', () => {
    expect(uniqueName('as today', [])).toBe('as today');
    expect(uniqueName('as today', ['as today', 'as today (2)'])).toBe('as today (3)');
    expect(draftFromPreset(SETUP, 'as today', ['as today']).name).toBe('as today (2)');
  });

  it('clear a partner share back to "as recorded"', () => {
    const draft = withQueue(draftFromPreset(SETUP, 'as today', []), 'billing', { partner_share: 0.5 });
    expect(draft.queues.billing).toEqual({ agents: 'recorded', partner_share: 0.5 });
    expect(withQueue(draft, 'billing', { partner_share: null }).queues.billing).toEqual({ agents: 'recorded' });
  });
});

describe('why the numbers differ', () => {
  const outcome = (queue: string, inhouse: number, partner: number, cost: number): QueueOutcome => ({
    queue, tasks: 100, sla_attainment: 0.9, wait_p50_seconds: 60, wait_p90_seconds: 600, agent_hours_inhouse: inhouse, agent_hours_partner: partner, cost,
  });
  const answer: WhatIfAnswer = {
    from: SETUP.from,
    to: SETUP.to,
    calibration: { queues: [] },
    scenarios: [
      { name: 'as today', queues: [outcome('billing', 100, 0, 4000), outcome('notes', 50, 0, 2000)], totals: { tasks: 200, sla_attainment: 0.8, agent_hours_inhouse: 150, agent_hours_partner: 0, cost: 6000 } },
      { name: 'hybrid', queues: [outcome('billing', 40, 40, 2720), outcome('notes', 50, 0, 2000)], totals: { tasks: 200, sla_attainment: 0.87, agent_hours_inhouse: 90, agent_hours_partner: 40, cost: 4720 } },
    ],
  };

  it('names the queues moved to partners, the staffing and what that did to SLA and cost', () => {
    const sent: Scenario[] = [{ name: 'as today', queues: {} }, { name: 'hybrid', queues: { billing: { agents: 'erlang', partner_share: 0.5 } }, drop_partners: ['northwind'] }];
    const names: Record<string, string> = { billing: 'Billing', notes: 'Clinical notes' };
    expect(explainDifferences(answer, sent, (id) => names[id], () => 'Northwind BPO')).toEqual([
      'Against “as today”, “hybrid” goes without Northwind BPO, moves agent-hours of Billing to partners, staffs Billing to the SLA goal by Erlang C every 15 minutes: ' +
        'SLA attainment 80% → 87% (+7 points), 150 → 130 agent-hours, 21% less cost (6,000 → 4,720).',
    ]);
  });
});
