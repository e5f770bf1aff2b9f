/**
 * The partner scorecard (SPEC section 11) on the embedded product, end to end: the hand-worked
 * tasks and capacity requests of support/scorecard-fixture.ts in, every field checked against the
 * figures worked out by hand below (over 24 h, 7 d and 30 d); who sees which entry; the CSV read
 * back by an independent RFC 4180 parser equals the JSON; a bad query is a 400 naming the parameter.
 */
import pino from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCORECARD_CSV_COLUMNS, scorecardSchema, type PartnerScore, type Scorecard } from '../contracts/scorecard.js';
import { createProduct, type Product } from '../server/product.js';
import { NOW, PARTNER_Y_NAME, SCORE_EVENTS, SCORE_REQUESTS, SCORE_TOKENS, scoreConfig } from './support/scorecard-fixture.js';

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const H = 3600_000;
const D = 24 * H;
const iso = (ms: number) => new Date(ms).toISOString();

/** Worked out by hand from the fixture's comments (nearest rank: the ceil(q * n)-th smallest). */
type Totals = Omit<PartnerScore, 'trend'>;
const EXPECTED: Record<'24h' | '7d' | '30d', { x: Totals; y: Totals }> = (() => {
  const x = { team: 'partner-x', name: 'Partner X', queues: ['insurance'] };
  const y = { team: 'partner-y', name: PARTNER_Y_NAME, queues: ['registration', 'insurance'] };
  // partner-y: one request Y1 (20 h ago) accepted 4/4 in 60 s; starts T7 1800 s (insurance) and R1
  // 300 s (registration), both within target; p90 of [300, 1800] is the 2nd. In-house on its
  // queues: T4 3600 (in), T5 7200 (out), R2 900 > 600 (out): 1 of 3.
  const yFixed = {
    ...y,
    requests: { total: 1, accepted: 1, partial: 0, declined: 0, no_answer: 0, undeliverable: 0 },
    acceptance_rate: 1, answer_seconds_p50: 60, answer_seconds_p90: 60, agents_requested: 4, agents_committed: 4,
    sla_attainment: 1, wait_p90_seconds: 1800, inhouse_sla_attainment: 1 / 3, cost: null,
  };
  return {
    // 24 h: requests A-F; answered A 300, B 700, C 100 -> p50 2nd of 3 = 300, p90 3rd = 700.
    // Starts T1 600, T2 7200, T8 3600, Q 60/120/180/240, R3 100 (T10 at exactly now - 24 h is out):
    // 7 of 8 within target; p90 = 8th of 8 = 7200. Insurance starts 10 (T1 T2 T4 T5 T7 T8 Q1-4), 7 partner-x's.
    '24h': {
      x: {
        ...x,
        requests: { total: 6, accepted: 1, partial: 1, declined: 1, no_answer: 1, undeliverable: 1 },
        acceptance_rate: 2 / 3, answer_seconds_p50: 300, answer_seconds_p90: 700, agents_requested: 33, agents_committed: 15,
        share_of_starts: 7 / 10, sla_attainment: 7 / 8, wait_p90_seconds: 7200, inhouse_sla_attainment: 1 / 2,
        // 0 agents at the start (since 2 days ago), 4 x 4 h, then 1 x 6 h: 22 agent-hours at 40.
        cost: 22 * 40,
      },
      y: { ...yFixed, share_of_starts: 2 / 13 },
    },
    // 7 d: + G (accepted 5/5 in 1000 s): answers 100 300 700 1000 -> p50 2nd = 300, p90 4th = 1000.
    // Starts + T3 1800, T10 3600: 9 of 10 within target; p90 = 9th of 10 = 3600. Insurance 12, 9 partner-x's.
    '7d': {
      x: {
        ...x,
        requests: { total: 7, accepted: 2, partial: 1, declined: 1, no_answer: 1, undeliverable: 1 },
        acceptance_rate: 3 / 4, answer_seconds_p50: 300, answer_seconds_p90: 1000, agents_requested: 38, agents_committed: 20,
        share_of_starts: 9 / 12, sla_attainment: 9 / 10, wait_p90_seconds: 3600, inhouse_sla_attainment: 1 / 2,
        // 2 agents in effect at the start (since 10 days ago) for 5 days (240), then 22 as over 24 h.
        cost: (2 * 5 * 24 + 22) * 40,
      },
      y: { ...yFixed, share_of_starts: 2 / 15 },
    },
    // 30 d: + H (accepted 7/7 in 200 s): answers 100 200 300 700 1000 -> p50 3rd = 300, p90 5th = 1000.
    // Starts + T6 60: 10 of 11 within target; p90 = 10th of 11 = 3600. Insurance 13, 10 partner-x's.
    '30d': {
      x: {
        ...x,
        requests: { total: 8, accepted: 3, partial: 1, declined: 1, no_answer: 1, undeliverable: 1 },
        acceptance_rate: 4 / 5, answer_seconds_p50: 300, answer_seconds_p90: 1000, agents_requested: 45, agents_committed: 27,
        share_of_starts: 10 / 13, sla_attainment: 10 / 11, wait_p90_seconds: 3600, inhouse_sla_attainment: 1 / 2,
        // Nobody for the first 20 days, 2 agents for 8 days (384), then 22 as over 24 h.
        cost: (2 * 8 * 24 + 22) * 40,
      },
      y: { ...yFixed, share_of_starts: 2 / 16 },
    },
  };
})();

/** An RFC 4180 reader, written apart from the product's writer: quoted fields, doubled quotes, CRLF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(field), (field = '');
    else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      (row = []), (field = ''), i++;
    } else field += ch;
  }
  if (field !== '' || row.length > 0) throw new Error('the CSV does not end with CRLF');
  return rows;
}

/** A CSV row back as a scorecard entry: numbers parsed, empty fields null, queues split. */
function entryOfRow(header: string[], cells: string[]): { range: string; from: string; to: string; entry: Totals } {
  const v = Object.fromEntries(header.map((h, i) => [h, cells[i]]));
  const num = (k: string) => (v[k] === '' ? null : Number(v[k]));
  const int = (k: string) => Number(v[k]);
  return {
    range: v.range,
    from: v.from,
    to: v.to,
    entry: {
      team: v.team, name: v.name, queues: v.queues.split(';'),
      requests: { total: int('requests_total'), accepted: int('requests_accepted'), partial: int('requests_partial'), declined: int('requests_declined'), no_answer: int('requests_no_answer'), undeliverable: int('requests_undeliverable') },
      acceptance_rate: num('acceptance_rate'), answer_seconds_p50: num('answer_seconds_p50'), answer_seconds_p90: num('answer_seconds_p90'),
      agents_requested: int('agents_requested'), agents_committed: int('agents_committed'), share_of_starts: num('share_of_starts'),
      sla_attainment: num('sla_attainment'), wait_p90_seconds: num('wait_p90_seconds'), inhouse_sla_attainment: num('inhouse_sla_attainment'),
      cost: num('cost'),
    },
  };
}

describe('partner scorecard on the embedded product (SPEC section 11)', () => {
  let product: Product;
  let url: string;
  beforeAll(async () => {
    product = await createProduct({ config: scoreConfig, logger: pino({ level: 'silent' }), clock: () => NOW });
    url = await product.listen(0, '127.0.0.1');
    const res = await request(url).post('/api/events').set(auth(SCORE_TOKENS.ingest)).send(SCORE_EVENTS);
    expect(res.body).toEqual({ accepted: SCORE_EVENTS.length, duplicates: 0, rejected: [] });
    for (const change of SCORE_REQUESTS) await product.capacityStore.record(change);
  });
  afterAll(() => product.stop());

  const get = (query: string, token = SCORE_TOKENS.lead) => request(url).get(`/api/partners/scorecard${query}`).set(auth(token));

  for (const range of ['24h', '7d', '30d'] as const) {
    it(`gives every field as worked out by hand over ${range}`, async () => {
      const res = await get(`?range=${range}`);
      expect(res.status).toBe(200);
      const card = scorecardSchema.parse(res.body);
      const days = { '24h': 1, '7d': 7, '30d': 30 }[range];
      expect({ range: card.range, from: card.from, to: card.to }).toEqual({ range, from: iso(NOW - days * D), to: iso(NOW) });
      expect(card.partners.map((p) => p.team)).toEqual(['partner-x', 'partner-y']);
      for (const [i, want] of [EXPECTED[range].x, EXPECTED[range].y].entries()) {
        const got = card.partners[i];
        for (const key of Object.keys(want) as (keyof Totals)[]) {
          if (typeof want[key] === 'number') expect(got[key], `${want.team} ${key}`).toBeCloseTo(want[key] as number, 12);
          else expect(got[key], `${want.team} ${key}`).toEqual(want[key]);
        }
        expect(Object.keys(got).sort()).toEqual([...Object.keys(want), 'trend'].sort());
      }
    });
  }

  /** The trend's non-null points by bucket start (ms before NOW); every other bucket must be null. */
  const trendOf = (p: PartnerScore) => Object.fromEntries(p.trend.filter((t) => t.sla_attainment !== null || t.answer_seconds_p50 !== null).map((t) => [NOW - Date.parse(t.from), [t.sla_attainment, t.answer_seconds_p50]]));

  it('gives each partner its trend per hour over 24 h, worked out by hand', async () => {
    const card = scorecardSchema.parse((await get('?range=24h')).body);
    for (const p of card.partners) {
      // NOW is on the hour: 24 buckets (NOW - 24 h + k h, NOW - 23 h + k h], end inclusive as the range's.
      expect(p.trend.map((t) => [t.from, t.to])).toEqual(Array.from({ length: 24 }, (_, k) => [iso(NOW - (24 - k) * H), iso(NOW - (23 - k) * H)]));
    }
    // partner-x: Q1-Q4 in (-20 h, -19 h]; T8 (3600 s, within) and A (300 s) in (-6 h, -5 h]; B (700 s) in
    // (-4 h, -3 h]; R3 (100 s) and C (100 s) in (-3 h, -2 h]; T1 (600 s, within) and T2 (7200 s, out, started
    // at exactly -1 h: the bucket's inclusive end) in (-2 h, -1 h]: 1 of 2; D there was not answered.
    expect(trendOf(card.partners[0])).toEqual({ [20 * H]: [1, null], [6 * H]: [1, 300], [4 * H]: [null, 700], [3 * H]: [1, 100], [2 * H]: [0.5, null] });
    // partner-y: Y1 (60 s) in (-21 h, -20 h]; R1 and T7 within target in (-1 h, now].
    expect(trendOf(card.partners[1])).toEqual({ [21 * H]: [null, 60], [1 * H]: [1, null] });
  });

  it('gives the trend per UTC day over 7 and 30 days, the first and last days cut to the range', async () => {
    const week = scorecardSchema.parse((await get('?range=7d')).body).partners[0];
    // NOW is 12:00 UTC: half a day, six whole days, half a day.
    expect(week.trend.map((t) => t.to)).toEqual([...Array.from({ length: 7 }, (_, k) => iso(NOW - 12 * H - (6 - k) * D)), iso(NOW)]);
    expect(week.trend[0].from).toBe(iso(NOW - 7 * D));
    // Nov 23: G (1000 s); Nov 24: T3 within; Nov 25: T10 (at exactly -24 h) and Q1-Q4 within;
    // Nov 26 until now: T8, R3, T1 within, T2 out (3 of 4); A 300, B 700, C 100 answered: p50 300.
    const day = (ago: number) => NOW - 12 * H - ago * D;
    expect(trendOf(week)).toEqual({ [NOW - day(3)]: [null, 1000], [NOW - day(2)]: [1, null], [NOW - day(1)]: [1, null], [12 * H]: [0.75, 300] });
    const month = scorecardSchema.parse((await get('?range=30d')).body).partners[0];
    expect(month.trend).toHaveLength(31);
    // + H (200 s) on Nov 18, T6 (60 s, within) on Nov 16.
    expect(trendOf(month)).toEqual({ ...trendOf(week), [NOW - day(8)]: [null, 200], [NOW - day(10)]: [1, null] });
  });

  it('tells a token its role at /api/me (a partner its team), so the lead view offers only what it can open', async () => {
    const me = async (token: string) => (await request(url).get('/api/me').set(auth(token))).body;
    expect(await me(SCORE_TOKENS.partnerX)).toEqual({ role: 'partner', team: 'partner-x' });
    expect(await me(SCORE_TOKENS.lead)).toEqual({ role: 'lead', team: null });
    expect(await me(SCORE_TOKENS.ingest)).toEqual({ role: 'ingest', team: null });
    expect((await request(url).get('/api/me')).status).toBe(401);
    expect((await request(url).get('/api/me').set(auth('not-a-token-0123456789'))).status).toBe(401);
  });

  it('defaults to 7 days, for the admin as for a lead', async () => {
    const res = await get('', SCORE_TOKENS.admin);
    expect(res.status).toBe(200);
    expect(res.body.range).toBe('7d');
    expect(res.body.partners[0].requests).toEqual(EXPECTED['7d'].x.requests);
  });

  it("shows a partner its own entry only, never another partner's", async () => {
    for (const [token, team, other] of [[SCORE_TOKENS.partnerX, 'partner-x', 'partner-y'], [SCORE_TOKENS.partnerY, 'partner-y', 'partner-x']]) {
      const res = await get('?range=30d', token);
      expect(res.status).toBe(200);
      expect(res.body.partners.map((p: PartnerScore) => p.team)).toEqual([team]);
      expect(res.text).not.toContain(other);
      const csv = await get('?range=30d&format=csv', token);
      expect(csv.status).toBe(200);
      expect(parseCsv(csv.text)).toHaveLength(2); // header and its own row
      expect(csv.text).not.toContain(other);
    }
  });

  it("shows a lead limited to teams the partners of its teams' queues; others get 401 or 403", async () => {
    const limited = await get('', SCORE_TOKENS.leadB);
    expect(limited.body.partners.map((p: PartnerScore) => p.team)).toEqual(['partner-y']);
    expect((await get('', SCORE_TOKENS.viewer)).status).toBe(403);
    expect((await get('', SCORE_TOKENS.ingest)).status).toBe(403);
    expect((await request(url).get('/api/partners/scorecard')).status).toBe(401);
  });

  it('gives CSV by ?format=csv and by Accept: text/csv that reads back as the JSON', async () => {
    const json = (await get('?range=7d')).body as Scorecard;
    const byFormat = await get('?range=7d&format=csv');
    const byAccept = await request(url).get('/api/partners/scorecard?range=7d').set(auth(SCORE_TOKENS.lead)).set('Accept', 'text/csv');
    for (const res of [byFormat, byAccept]) {
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe('attachment; filename=partner-scorecard-7d.csv');
      const [header, ...rows] = parseCsv(res.text);
      expect(header).toEqual([...SCORECARD_CSV_COLUMNS]);
      expect(rows).toHaveLength(json.partners.length);
      const back = rows.map((cells) => entryOfRow(header, cells));
      for (const b of back) expect({ range: b.range, from: b.from, to: b.to }).toEqual({ range: json.range, from: json.from, to: json.to });
      // The name with a quote, a comma and a line break survives; every number is the JSON's.
      // The trend is left out of the CSV: one flat row per partner.
      expect(back.map((b) => b.entry)).toEqual(json.partners.map(({ trend: _trend, ...totals }) => totals));
    }
    // ?format=json wins over the Accept header.
    const forced = await request(url).get('/api/partners/scorecard?format=json').set(auth(SCORE_TOKENS.lead)).set('Accept', 'text/csv');
    expect(forced.headers['content-type']).toMatch(/^application\/json/);
  });

  it('answers a bad range or an unknown parameter with a 400 naming it, without echoing free text', async () => {
    for (const query of ['?range=1y', '?range=%3Cscript%3E%20Jane%20Doe', '?range=7d&range=24h']) {
      const res = await get(query);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatch(/^range: /);
      expect(res.text).not.toMatch(/Jane|script|1y/);
    }
    const format = await get('?format=xml');
    expect(format.status).toBe(400);
    expect(format.body.error).toMatch(/^format: /);
    const unknown = await get('?patient=Jane');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatch(/patient/);
    expect(unknown.text).not.toContain('Jane');
  });
});
