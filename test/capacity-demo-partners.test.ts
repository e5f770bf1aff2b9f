import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CapacityWebhook } from '../contracts/alerts.js';
import { signWebhook } from '../server/capacity/signing.js';
import { createDemoPartners } from '../seed/partners.js';
import { parseConfig } from '../contracts/config.js';

const config = parseConfig({
  queues: [{ id: 'insurance', name: 'Insurance', sla: { target_seconds: 14400, goal: 0.9 }, handling_seconds: 600 }],
  teams: [
    { id: 'inhouse', name: 'In-house', kind: 'inhouse', queues: ['insurance'] },
    { id: 'partner-northwind', name: 'Northwind', kind: 'partner', queues: ['insurance'], capacity: { webhook_url: 'http://127.0.0.1:3000/demo/partners/partner-northwind/capacity', secret_env: 'NW_SECRET', respond_within_seconds: 900, max_agents: 20 } },
  ],
});
const SECRET = 'whsec_ZGVtby1wYXJ0bmVyLXNlY3JldC0wMDE=';

const webhook: CapacityWebhook = {
  request_id: 'req-1',
  queue: 'insurance',
  partner: 'partner-northwind',
  agents_requested: 8,
  window_start: '2026-11-26T09:30:00.000Z',
  window_end: '2026-11-26T11:30:00.000Z',
  respond_by: '2026-11-26T09:45:00.000Z',
  reason: { kind: 'demand-peak', alert_id: 'a1', agents_needed: 38, staffed_agents: 30, forecast_next_60m: 220, projected_sla: 0.5, sla_goal: 0.9, time_to_breach_minutes: 40, committed_elsewhere: 0 },
};

/** The demo partners and, on the same port, a stand-in for the answer endpoint of the server. */
async function setup(rolls: number[]) {
  const answers: { id: string; body: unknown }[] = [];
  const added: unknown[][] = [];
  const logged: string[] = [];
  let url = '';
  const partners = createDemoPartners({
    config,
    secret: (name) => (name === 'NW_SECRET' ? SECRET : undefined),
    simulator: { addAgents: (...args) => void added.push(args) },
    serverUrl: () => url,
    delayMs: [0, 5],
    random: () => rolls.shift() ?? 0.5,
    logger: { info: (_, msg) => void logged.push(msg ?? ''), warn: (_, msg) => void logged.push(msg ?? '') },
  });
  const app = express();
  app.use('/demo/partners', partners.router);
  app.post('/api/capacity-requests/:id/response', express.json(), (req, res) => {
    answers.push({ id: req.params.id, body: req.body });
    res.json({ ok: true });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  /**
   * Waits until a partner has answered and acted on the answer: it logs 'answered' once the server
   * took it, then puts any committed agents on in the same step, so `answers` and `added` are final.
   */
  const waitForAnswer = () => vi.waitFor(() => expect(logged).toContain('demo partner: answered'), { timeout: 5000, interval: 5 });
  return {
    url, answers, added, logged, waitForAnswer,
    close: () => {
      partners.close();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const signed = (body: string, id = 'req-1') => signWebhook(SECRET, id, new Date(), body);

describe('the demo partners', () => {
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
  });

  it('refuse what does not verify, and partners they are not', async () => {
    const s = await setup([]);
    open.push(s);
    const body = JSON.stringify(webhook);
    const path = '/demo/partners/partner-northwind/capacity';
    expect((await request(s.url).post(path).send(body)).status).toBe(401);
    const forged = { ...signed(body), 'webhook-signature': signWebhook('whsec_b3RoZXItc2VjcmV0LTEyMzQ1Njc4', 'req-1', new Date(), body)['webhook-signature'] };
    expect((await request(s.url).post(path).set(forged).send(body)).status).toBe(401);
    const stale = signWebhook(SECRET, 'req-1', new Date(Date.now() - 10 * 60_000), body);
    expect((await request(s.url).post(path).set(stale).send(body)).status).toBe(401);
    expect((await request(s.url).post('/demo/partners/inhouse/capacity').set(signed(body)).send(body)).status).toBe(404);
    expect(s.logged.filter((m) => m === 'demo partner: refused a webhook that does not verify')).toHaveLength(3);
    // NOTE: a deliberate wait, asserting that nothing happens: an answer, had one been scheduled,
    // would come within delayMs (at most 5 ms); 30 ms leaves room for a slow machine.
    await new Promise((r) => setTimeout(r, 30));
    expect(s.answers).toEqual([]);
  });

  it('take a signed request once however often it is delivered, answer over the API and put the agents on', async () => {
    // Rolls: delay, decision (0.7: partial for Northwind), share of the agents (0.5 -> 55% of 8 = 4).
    const s = await setup([0, 0.7, 0.5]);
    open.push(s);
    const body = JSON.stringify(webhook);
    const path = '/demo/partners/partner-northwind/capacity';
    expect((await request(s.url).post(path).set(signed(body)).set('content-type', 'application/json').send(body)).status).toBe(202);
    const retry = await request(s.url).post(path).set(signed(body)).set('content-type', 'application/json').send(body);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual({ received: true, duplicate: true });
    await s.waitForAnswer();
    expect(s.answers).toEqual([{ id: 'req-1', body: { decision: 'partial', agents_committed: 4 } }]);
    expect(s.added).toEqual([['partner-northwind', 'insurance', 4, Date.parse(webhook.window_end)]]);
  });

  it('sometimes decline, committing nobody', async () => {
    const s = await setup([0, 0.99]);
    open.push(s);
    const body = JSON.stringify({ ...webhook, request_id: 'req-2' });
    expect((await request(s.url).post('/demo/partners/partner-northwind/capacity').set(signed(body, 'req-2')).send(body)).status).toBe(202);
    await s.waitForAnswer();
    expect(s.answers).toEqual([{ id: 'req-2', body: { decision: 'declined', agents_committed: 0 } }]);
    expect(s.added).toEqual([]);
  });
});
