/**
 * `POST /api/what-if` (SPEC section 12) through the durable embedded product, in process: a
 * hand-worked period (staffing before and within it, tasks measured in and beyond it) gives the
 * measured SLA, the agent-hours and the costs worked out below, for scenarios that keep, move or
 * drop partners (issue 11, business continuity); the same request and seed give the same answer;
 * bad bodies, sensitive queues, dropped in-house teams, periods past the retention or without data
 * and the in-memory store are refused saying why, without echoing what was sent.
 */
import pino from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../contracts/config.js';
import type { OpsEvent } from '../contracts/events.js';
import { whatIfAnswerSchema } from '../contracts/what-if.js';
import { sha256Hex } from '../server/access.js';
import { createProduct, type Product } from '../server/product.js';
import { REF_NOW } from './support/random-events.js';
import { tempDataDir } from './support/process.js';

const NOW = REF_NOW;
const MIN = 60_000;
const H = 60 * MIN;
const D = 24 * H;
const iso = (ms: number) => new Date(ms).toISOString();
const TOKENS = { docsLead: 'wi-docs-lead-0123456789', billingLead: 'wi-billing-lead-0123456789', lead: 'wi-lead-0123456789', admin: 'wi-admin-0123456789', viewer: 'wi-viewer-0123456789', ingest: 'wi-ingest-0123456789' };
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

const config = parseConfig({
  queues: [
    { id: 'billing', name: 'Billing', sla: { target_seconds: 600, goal: 0.8 }, handling_seconds: 300 },
    { id: 'docs', name: 'Documentation', sla: { target_seconds: 3600, goal: 0.9 }, handling_seconds: 600, sensitive: true },
  ],
  teams: [
    { id: 'inhouse-a', name: 'In-house A', kind: 'inhouse', queues: ['billing', 'docs'], cost_per_agent_hour: 30 },
    { id: 'partner-p1', name: 'Partner One', kind: 'partner', queues: ['billing'], cost_per_agent_hour: 20 },
    { id: 'partner-p2', name: 'Partner Two', kind: 'partner', queues: ['billing'], cost_per_agent_hour: 25 },
    { id: 'inhouse-docs', name: 'Documentation desk', kind: 'inhouse', queues: ['docs'], cost_per_agent_hour: 40 },
  ],
  access: [
    { name: 'lead', role: 'lead', token_sha256: sha256Hex(TOKENS.lead) },
    { name: 'docs lead', role: 'lead', token_sha256: sha256Hex(TOKENS.docsLead), teams: ['inhouse-docs'] },
    { name: 'billing lead', role: 'lead', token_sha256: sha256Hex(TOKENS.billingLead), teams: ['partner-p1'] },
    { name: 'admin', role: 'admin', token_sha256: sha256Hex(TOKENS.admin) },
    { name: 'wall', role: 'viewer', token_sha256: sha256Hex(TOKENS.viewer) },
    { name: 'upstream', role: 'ingest', token_sha256: sha256Hex(TOKENS.ingest) },
  ],
});

/** The period: [NOW - 2 h, NOW - 1 h). */
const FROM = NOW - 2 * H;
const TO = NOW - H;
let n = 0;
const id = () => `wi-${(n++).toString().padStart(4, '0')}`;
const task = (task_id: string, type: 'task.created' | 'task.assigned' | 'task.started' | 'task.completed' | 'task.cancelled', at: number, team?: string): OpsEvent =>
  ({ event_id: id(), type, occurred_at: iso(at), queue: 'billing', task_id, ...(team ? { team } : {}) }) as OpsEvent;
const staffing = (team: string, at: number, agents: number): OpsEvent => ({ event_id: id(), type: 'staffing.updated', occurred_at: iso(at), queue: 'billing', team, agents });

/**
 * Staffing: inhouse-a 2 agents from 3 h before (in effect all period: 2 agent-hours), partner-p1 2
 * agents from the middle (1 agent-hour), partner-p2 none. Measured SLA (target 600 s): T1 waits
 * 2 min (met), T2 15 min (missed), T3 cancelled (left out), T4 starts 5 min after the period ends, 7 min after it came
 * (7 min: met): 2 of 3. T0, created before the period, only gives a handling time.
 */
const EVENTS: OpsEvent[] = [
  staffing('inhouse-a', NOW - 3 * H, 2),
  staffing('partner-p1', FROM + 30 * MIN, 2),
  task('T0', 'task.created', FROM - 10 * MIN), task('T0', 'task.assigned', FROM - 5 * MIN, 'inhouse-a'), task('T0', 'task.completed', FROM + 2 * MIN),
  task('T1', 'task.created', FROM + 5 * MIN), task('T1', 'task.started', FROM + 7 * MIN, 'inhouse-a'), task('T1', 'task.completed', FROM + 12 * MIN),
  task('T2', 'task.created', FROM + 10 * MIN), task('T2', 'task.started', FROM + 25 * MIN, 'inhouse-a'), task('T2', 'task.completed', FROM + 31 * MIN),
  task('T3', 'task.created', FROM + 20 * MIN), task('T3', 'task.cancelled', FROM + 21 * MIN),
  task('T4', 'task.created', FROM + 58 * MIN), task('T4', 'task.started', FROM + 65 * MIN, 'partner-p1'), task('T4', 'task.completed', FROM + 70 * MIN),
];

const body = (scenarios: unknown[], over: Record<string, unknown> = {}) => ({ from: iso(FROM), to: iso(TO), seed: 7, scenarios, ...over });
const billing = (answer: { scenarios: { name: string; queues: { queue: string }[] }[] }, name: string) =>
  answer.scenarios.find((s) => s.name === name)!.queues.find((q) => q.queue === 'billing') as unknown as Record<string, number | null>;

describe('POST /api/what-if on the durable embedded product', () => {
  let product: Product;
  let url: string;
  beforeAll(async () => {
    product = await createProduct({ config, logger: pino({ level: 'silent' }), clock: () => NOW, engines: { dataDir: tempDataDir() } });
    url = await product.listen(0, '127.0.0.1');
    const res = await request(url).post('/api/events').set(auth(TOKENS.ingest)).send(EVENTS);
    expect(res.body).toEqual({ accepted: EVENTS.length, duplicates: 0, rejected: [] });
  });
  afterAll(() => product.stop());
  const post = (payload: unknown, token = TOKENS.lead) => request(url).post('/api/what-if').set(auth(token)).send(payload as object);

  const SCENARIOS = [
    { name: 'as recorded', queues: {} },
    { name: 'northwind out', queues: {}, drop_partners: ['partner-p1'] },
    { name: 'all partners out', queues: {}, drop_partners: ['partner-p1', 'partner-p2'] },
    { name: 'fixed half out', queues: { billing: { agents: 4, partner_share: 0.5 } }, drop_partners: ['partner-p1'] },
    { name: 'fixed, nobody left', queues: { billing: { agents: 4, partner_share: 0.5 } }, drop_partners: ['partner-p1', 'partner-p2'] },
  ];

  it('answers SPEC 12 with the calibration and the agent-hours and costs worked out by hand', async () => {
    const res = await post(body(SCENARIOS.slice(0, 4)), TOKENS.admin);
    expect(res.status).toBe(200);
    whatIfAnswerSchema.parse(res.body);
    expect({ from: res.body.from, to: res.body.to }).toEqual({ from: iso(FROM), to: iso(TO) });
    expect(res.body.calibration.queues.map((q: { queue: string }) => q.queue)).toEqual(['billing', 'docs']);
    const [cb, cd] = res.body.calibration.queues;
    expect(cb.recorded_sla_attainment).toBeCloseTo(2 / 3, 12);
    // Replayed as recorded: at least 2 agents all period, tasks minutes apart and held 5-7 min, so
    // none waits for an agent: every replayed task is within its 600 s target.
    expect(cb.replayed_sla_attainment).toBe(1);
    expect(cd).toEqual({ queue: 'docs', recorded_sla_attainment: null, replayed_sla_attainment: null });
    // As recorded: in-house 2 h x 30, partner-p1 1 h x 20.
    expect(billing(res.body, 'as recorded')).toMatchObject({ tasks: 4, agent_hours_inhouse: 2, agent_hours_partner: 1, cost: 80 });
    // partner-p1 out: its hour goes to partner-p2, the next partner of billing, at 25.
    expect(billing(res.body, 'northwind out')).toMatchObject({ tasks: 4, agent_hours_inhouse: 2, agent_hours_partner: 1, cost: 85 });
    expect(res.body.scenarios[1].drop_partners).toEqual(['partner-p1']);
    // Both out: the hour stays in-house, at 30.
    expect(billing(res.body, 'all partners out')).toMatchObject({ agent_hours_inhouse: 3, agent_hours_partner: 0, cost: 90 });
    // 4 agents for 1 h, half of them partner-p2's (25): 2 x 30 + 2 x 25.
    expect(billing(res.body, 'fixed half out')).toMatchObject({ agent_hours_inhouse: 2, agent_hours_partner: 2, cost: 110 });
    expect(res.body.scenarios[0]).not.toHaveProperty('drop_partners');
    const docs = res.body.scenarios[0].queues.find((q: { queue: string }) => q.queue === 'docs');
    expect(docs).toEqual({ queue: 'docs', tasks: 0, sla_attainment: null, wait_p50_seconds: null, wait_p90_seconds: null, agent_hours_inhouse: 0, agent_hours_partner: 0, cost: 0 });
    expect(res.body.scenarios[0].totals).toMatchObject({ tasks: 4, agent_hours_inhouse: 2, agent_hours_partner: 1, cost: 80 });
  });

  it('narrows a lead limited to teams to the queues they serve: no figure, total or calibration of another', async () => {
    const billingOnly = await post(body([{ name: 'mine', queues: {} }]), TOKENS.billingLead);
    expect(billingOnly.status).toBe(200);
    expect(billingOnly.body.calibration.queues.map((q: { queue: string }) => q.queue)).toEqual(['billing']);
    expect(billingOnly.body.scenarios[0].queues.map((q: { queue: string }) => q.queue)).toEqual(['billing']);
    expect(billingOnly.body.scenarios[0].totals).toMatchObject({ tasks: 4, agent_hours_inhouse: 2, agent_hours_partner: 1, cost: 80 });
    // Documentation recorded nothing in the period: its lead learns nothing of billing's tasks or staffing.
    const docsOnly = await post(body([{ name: 'mine', queues: {} }]), TOKENS.docsLead);
    expect(docsOnly.status).toBe(404);
    const other = await post(body([{ name: 'theirs', queues: { billing: { agents: 2 } } }]), TOKENS.docsLead);
    expect(other.status).toBe(403);
    expect(other.body.error).toBe('scenarios.0.queues: names a queue this token may not see');
    const setup = await request(url).get('/api/what-if/setup?period=24h').set(auth(TOKENS.docsLead));
    expect(setup.status).toBe(200);
    expect(setup.body.queues.map((q: { id: string }) => q.id)).toEqual(['docs']);
    expect(setup.body.partners).toEqual([]);
  });

  it('keeps a partner share in-house when every partner of the queue is dropped', async () => {
    const res = await post(body([SCENARIOS[4]]));
    expect(res.status).toBe(200);
    expect(billing(res.body, 'fixed, nobody left')).toMatchObject({ agent_hours_inhouse: 4, agent_hours_partner: 0, cost: 120 });
  });

  it('gives the same answer to the same request and seed', async () => {
    const [a, b] = [await post(body(SCENARIOS.slice(1))), await post(body(SCENARIOS.slice(1)))];
    expect(a.status).toBe(200);
    expect(b.body).toEqual(a.body);
  });

  it('refuses a bad body naming the field, without echoing what was sent', async () => {
    const missing = await post({ from: iso(FROM), to: iso(TO), scenarios: SCENARIOS.slice(0, 1) });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatch(/seed/);
    const badAgents = await post(body([{ name: 'x', queues: { billing: { agents: 'Jane Doe' } } }]));
    expect(badAgents.status).toBe(400);
    expect(badAgents.body.error).toMatch(/scenarios\.0\.queues\.billing\.agents/);
    expect(badAgents.text).not.toContain('Jane');
  });

  it('refuses a sensitive queue sent to partners, naming the queue', async () => {
    const res = await post(body([{ name: 'docs out', queues: { docs: { agents: 'recorded', partner_share: 0.5 } } }]));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/scenarios\.0\.queues\.docs\.partner_share: queue "docs" is sensitive/);
  });

  it('refuses dropping a team that is no partner, naming the field and echoing no free text', async () => {
    for (const team of ['inhouse-a', 'Jane Doe <script>']) {
      const res = await post(body([{ name: 'x', queues: {}, drop_partners: [team] }]));
      expect(res.status).toBe(400);
      expect(res.body.error).toMatch(/^scenarios\.0\.drop_partners\.0: not a partner team/);
      expect(res.text).not.toMatch(/Jane|script/);
    }
  });

  it('says so for a period before the retention, in the future, or without data', async () => {
    const old = await post(body(SCENARIOS.slice(0, 1), { from: iso(NOW - 40 * D), to: iso(NOW - 39 * D) }));
    expect(old.status).toBe(400);
    expect(old.body.error).toMatch(/^from: .*retention period \(35 days\)/);
    const future = await post(body(SCENARIOS.slice(0, 1), { from: iso(NOW - H), to: iso(NOW + H) }));
    expect(future.status).toBe(400);
    expect(future.body.error).toMatch(/^to: /);
    const empty = await post(body(SCENARIOS.slice(0, 1), { from: iso(NOW - 20 * D), to: iso(NOW - 19 * D) }));
    expect(empty.status).toBe(404);
    expect(empty.body.error).toMatch(/nothing was recorded in this period/);
  });

  it('is for leads and admins only', async () => {
    expect((await post(body(SCENARIOS.slice(0, 1)), TOKENS.viewer)).status).toBe(403);
    expect((await request(url).post('/api/what-if').send(body(SCENARIOS.slice(0, 1)))).status).toBe(401);
  });
});

describe('POST /api/what-if on the in-memory embedded product', () => {
  it('answers 503 saying what is needed', async () => {
    const product = await createProduct({ config, logger: pino({ level: 'silent' }), clock: () => NOW });
    try {
      const url = await product.listen(0, '127.0.0.1');
      const res = await request(url).post('/api/what-if').set(auth(TOKENS.lead)).send(body([{ name: 'x', queues: {} }]));
      expect(res.status).toBe(503);
      expect(res.body.error).toMatch(/DATA_DIR/);
    } finally {
      await product.stop();
    }
  });
});
