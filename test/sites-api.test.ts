/**
 * Sites through the product (issue 11, item 4), in-process with the two-hospital example config:
 * `/api/metrics?site=` and `/api/metrics/history?site=` narrow to the site's queues, an unknown
 * site is a 400 naming the parameter (echoing it only when it is an opaque id), a wall's socket
 * takes the site as a view of its own, and a lead limited to a site sees only its queues, in
 * metrics, history, alerts and acknowledgements.
 */
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { io as connect, type Socket } from 'socket.io-client';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Alert } from '../contracts/alerts.js';
import { parseConfig, queuesOfSites } from '../contracts/config.js';
import type { OpsEvent } from '../contracts/events.js';
import type { MetricsHistory, MetricsSnapshot } from '../contracts/metrics-snapshot.js';
import type { ClientToServerEvents, ServerToClientEvents, SubscribeAck, SubscribeRequest } from '../contracts/socket.js';
import { sha256Hex } from '../server/access.js';
import { createProduct, type Product } from '../server/product.js';
import { ROOT } from './support/process.js';

const T0 = Date.parse('2026-11-26T09:00:00.000Z');
const TOKENS = { viewer: 'sites-viewer-token', lead: 'sites-lead-all-token', lakeside: 'sites-lead-lakeside-token', annes: 'sites-lead-st-annes-token' };
const file = JSON.parse(readFileSync(`${ROOT}/seed/two-sites-config.json`, 'utf8'));
const config = parseConfig({
  ...file,
  access: [
    { name: 'wall', role: 'viewer', token_sha256: sha256Hex(TOKENS.viewer) },
    { name: 'lead-all', role: 'lead', token_sha256: sha256Hex(TOKENS.lead) },
    { name: 'lead-lakeside', role: 'lead', sites: ['lakeside'], token_sha256: sha256Hex(TOKENS.lakeside) },
    { name: 'lead-st-annes', role: 'lead', sites: ['st-annes'], token_sha256: sha256Hex(TOKENS.annes) },
  ],
});
const ALL = config.queues.map((q) => q.id);
const ST_ANNES = queuesOfSites(config, ['st-annes']);
const LAKESIDE = queuesOfSites(config, ['lakeside']);
/** The queues that get a demand peak: one per site and a central one. */
const PEAKED = ['registration-st-annes', 'registration-lakeside', 'insurance'];

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const shown = (s: MetricsSnapshot) => s.queues.map((q) => q.queue);

describe('sites', () => {
  let now = T0;
  let product: Product;
  let url: string;
  const sockets: ClientSocket[] = [];
  const get = (path: string, token = TOKENS.viewer) => request(url).get(path).set(auth(token));

  async function open(token: string) {
    const socket: ClientSocket = connect(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    const alerts: Alert[][] = [];
    socket.on('alerts:update', (a) => alerts.push(a));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const subscribe = (req: SubscribeRequest) => new Promise<SubscribeAck>((resolve) => socket.emit('subscribe', req, resolve));
    const next = () => new Promise<MetricsSnapshot>((resolve) => socket.once('metrics:snapshot', resolve));
    return { socket, alerts, subscribe, next };
  }

  beforeAll(async () => {
    product = await createProduct({ config, logger: pino({ level: 'silent' }), clock: () => now, tickMs: 3_600_000 });
    url = await product.listen(0, '127.0.0.1');
    // Every queue: i + 1 arrivals in the last 10 minutes; the peaked ones also 3 agents and 60 tasks nobody starts.
    const events: OpsEvent[] = [];
    ALL.forEach((queue, i) => {
      for (let k = 0; k <= i; k++) events.push({ event_id: `${queue}-a${k}`, type: 'task.created', occurred_at: new Date(T0 - (k + 1) * 60_000).toISOString(), queue, task_id: `${queue}-a${k}` });
    });
    for (const queue of PEAKED) {
      const team = config.teams.find((t) => t.kind === 'inhouse' && t.queues.includes(queue))!.id;
      events.push({ event_id: `st-${queue}`, type: 'staffing.updated', occurred_at: new Date(T0 - 3 * 3600_000).toISOString(), queue, team, agents: 3 });
      for (let k = 0; k < 60; k++) {
        events.push({ event_id: `${queue}-p${k}`, type: 'task.created', occurred_at: new Date(T0 - 15 * 60_000 + k * 15_000).toISOString(), queue, task_id: `${queue}-p${k}` });
      }
    }
    await product.store.apply(events);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await product.stop();
  });

  it('narrows /api/metrics to a site, names it, and sums its totals', async () => {
    const all = (await get('/api/metrics')).body as MetricsSnapshot;
    expect(shown(all)).toEqual(ALL);
    expect(all.site).toBeUndefined();
    const res = await get('/api/metrics?site=st-annes');
    expect(res.status).toBe(200);
    const annes = res.body as MetricsSnapshot;
    expect(shown(annes)).toEqual(ST_ANNES);
    expect(annes.site).toEqual({ id: 'st-annes', name: "St. Anne's Hospital" });
    expect(annes.totals.backlog).toBe(annes.queues.reduce((n, q) => n + q.backlog, 0));
    expect(annes.totals.backlog).toBeLessThan(all.totals.backlog);
    // With other filters: the site's queues among those asked for.
    expect(shown((await get('/api/metrics?site=st-annes&queues=insurance,scheduling-st-annes')).body)).toEqual(['scheduling-st-annes']);
  });

  it('answers 400 for an unknown site, naming the parameter and echoing only opaque ids', async () => {
    const unknown = await get('/api/metrics?site=radiology-east');
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({ error: 'site: unknown site "radiology-east"' });
    const text = await get(`/api/metrics?site=${encodeURIComponent('Jane Doe, MRN 4711')}`);
    expect(text.status).toBe(400);
    expect(text.body).toEqual({ error: 'site: unknown site' });
    for (const path of ['/api/metrics/history?site=Jane%20Doe', '/api/alerts?site=Jane%20Doe', '/api/capacity-requests?site=Jane%20Doe']) {
      const res = await get(path);
      expect(res.status, path).toBe(400);
      expect(JSON.stringify(res.body), path).not.toMatch(/Jane/);
    }
  });

  it('narrows the history to the site\'s queues', async () => {
    const res = await get('/api/metrics/history?site=lakeside&minutes=30');
    expect(res.status).toBe(200);
    const history = res.body as MetricsHistory;
    expect(history.points).toEqual((await product.store.history(LAKESIDE, 30, now)).points);
    expect((await get('/api/metrics/history?site=lakeside&queue=registration-lakeside')).status).toBe(200);
    const elsewhere = await get('/api/metrics/history?site=lakeside&queue=registration-st-annes');
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body).toEqual({ error: 'queue: not a queue of site "lakeside"' });
    expect((await get('/api/metrics/history?site=nowhere')).status).toBe(400);
  });

  it('gives each site\'s wall a view of its own, computed once per tick however many screens hold it', async () => {
    const a = await open(TOKENS.viewer);
    const b = await open(TOKENS.viewer);
    const whole = await open(TOKENS.viewer);
    expect(await a.subscribe({ view: 'wall', site: 'st-annes' })).toMatchObject({ ok: true });
    expect(await b.subscribe({ view: 'wall', site: 'st-annes' })).toMatchObject({ ok: true });
    expect(await whole.subscribe({ view: 'wall' })).toMatchObject({ ok: true });
    const before = (await product.app.telemetry.viewComputations.get()).values[0]?.value ?? 0;
    const got = Promise.all([a.next(), b.next(), whole.next()]);
    await product.app.push.tick();
    const [sa, sb, sw] = await got;
    expect((await product.app.telemetry.viewComputations.get()).values[0].value - before).toBe(2);
    expect(sa).toEqual(sb);
    expect(shown(sa)).toEqual(ST_ANNES);
    expect(sa.site?.name).toBe("St. Anne's Hospital");
    expect(shown(sw)).toEqual(ALL);
    expect(await a.subscribe({ view: 'wall', site: 'nowhere' })).toEqual({ ok: false, error: 'site: unknown site "nowhere"' });
    expect(await a.subscribe({ view: 'wall', site: 'Jane Doe' })).toEqual({ ok: false, error: 'site: unknown site' });
  });

  it('keeps a lead limited to a site to that site\'s queues: metrics, history, socket', async () => {
    const mine = (await get('/api/metrics', TOKENS.lakeside)).body as MetricsSnapshot;
    expect(shown(mine)).toEqual(LAKESIDE);
    expect(mine.site).toEqual({ id: 'lakeside', name: 'Lakeside Community Hospital' });
    expect(shown((await get('/api/metrics?site=lakeside', TOKENS.lakeside)).body)).toEqual(LAKESIDE);
    const other = await get('/api/metrics?site=st-annes', TOKENS.lakeside);
    expect(other.status).toBe(403);
    expect(other.body).toEqual({ error: 'site: not one of the sites this token may see' });
    // Central queues (no site) are not the site's either.
    expect(shown((await get('/api/metrics?queues=insurance', TOKENS.lakeside)).body)).toEqual([]);

    const history = await get('/api/metrics/history?minutes=30', TOKENS.lakeside);
    expect(history.body.points).toEqual((await product.store.history(LAKESIDE, 30, now)).points);
    expect((await get('/api/metrics/history?queue=insurance', TOKENS.lakeside)).status).toBe(403);
    expect((await get('/api/metrics/history?queue=registration-lakeside', TOKENS.lakeside)).status).toBe(200);

    // The scorecard: the partners working a queue of its site (St. Anne's: Meridian's scheduling only).
    const partners = async (token: string) => ((await get('/api/partners/scorecard', token)).body.partners as { team: string }[]).map((p) => p.team);
    expect(await partners(TOKENS.annes)).toEqual(['partner-meridian']);
    expect(await partners(TOKENS.lakeside)).toEqual(['partner-northwind', 'partner-meridian']);

    const lead = await open(TOKENS.lakeside);
    expect(await lead.subscribe({ view: 'lead', site: 'st-annes' })).toEqual({ ok: false, error: 'site: not one of the sites this token may see' });
    expect(await lead.subscribe({ view: 'lead' })).toMatchObject({ ok: true });
    const next = lead.next();
    await product.app.push.tick();
    expect(shown(await next)).toEqual(LAKESIDE);
  });

  it('shows that lead only its site\'s alerts, and lets it acknowledge only those', async () => {
    const lead = await open(TOKENS.lakeside);
    expect(await lead.subscribe({ view: 'lead' })).toMatchObject({ ok: true });
    const siteWall = await open(TOKENS.viewer);
    expect(await siteWall.subscribe({ view: 'wall', site: 'st-annes' })).toMatchObject({ ok: true });
    await product.alerting.evaluate();
    now += 2 * 60_000;
    await product.alerting.evaluate();
    const firing = (list: Alert[] | undefined) => (list ?? []).filter((a) => a.state === 'firing').map((a) => a.queue).sort();
    await vi.waitFor(() => {
      expect(firing(lead.alerts.at(-1))).toEqual(['registration-lakeside']);
      expect(firing(siteWall.alerts.at(-1))).toEqual(['registration-st-annes']);
    });
    const all = (await get('/api/alerts')).body.alerts as Alert[];
    expect(firing(all)).toEqual([...PEAKED].sort());
    expect(firing((await get('/api/alerts', TOKENS.lakeside)).body.alerts)).toEqual(['registration-lakeside']);
    expect(firing((await get('/api/alerts?site=st-annes')).body.alerts)).toEqual(['registration-st-annes']);
    expect((await get('/api/alerts?site=st-annes', TOKENS.lakeside)).status).toBe(403);
    // A repeated site is refused, as /api/metrics refuses it, not read as every site.
    const twice = await get('/api/alerts?site=st-annes&site=lakeside');
    expect({ status: twice.status, body: twice.body }).toEqual({ status: 400, body: { error: 'site: one site id' } });
    const byQueue = (queue: string) => all.find((a) => a.queue === queue)!.id;
    const ack = (id: string, token: string) => request(url).post(`/api/alerts/${id}/ack`).set(auth(token)).send({});
    expect((await ack(byQueue('registration-st-annes'), TOKENS.lakeside)).status).toBe(403);
    expect((await ack(byQueue('insurance'), TOKENS.lakeside)).status).toBe(403);
    expect((await ack(byQueue('registration-lakeside'), TOKENS.lakeside)).status).toBe(200);
    expect((await ack(byQueue('insurance'), TOKENS.lead)).status).toBe(200);
  });
});
