/**
 * The edges of `POST /api/events` (SPEC section 9): strict UTF-8 per body or per NDJSON line,
 * NDJSON indexes that are line numbers with blank lines counted, a pretty-printed object taken as
 * JSON, syntax errors named by byte offset, and the retention rule through the composition root.
 */
import fc from 'fast-check';
import pino from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProduct } from '../server/product.js';
import { invalidUtf8At, jsonErrorAt, splitBody } from '../server/ingest-body.js';
import { configWithAccess, startHarness, TOKENS, type Harness } from './support/harness.js';
import { REF_NOW, refConfig } from './support/random-events.js';

const auth = { Authorization: `Bearer ${TOKENS.ingest}` };
const at = (minutesAgo: number) => new Date(REF_NOW - minutesAgo * 60_000).toISOString();
const created = (id: string, extra: Record<string, unknown> = {}) => ({
  event_id: id,
  type: 'task.created',
  occurred_at: at(30),
  queue: 'registration',
  task_id: `task-${id}`,
  ...extra,
});
const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

describe('ingest edges over HTTP', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(configWithAccess(refConfig), () => REF_NOW);
  });
  afterAll(() => h.close());
  // NOTE: fetch, not supertest: superagent serializes a Buffer sent as application/json.
  const post = async (body: Buffer | string, type = 'application/json') => {
    const res = await fetch(`${h.url}/api/events`, { method: 'POST', headers: { ...auth, 'Content-Type': type }, body: typeof body === 'string' ? body : new Uint8Array(body) });
    return { status: res.status, body: await res.json() };
  };

  it('answers 400 naming the byte offset of invalid UTF-8 in a JSON body', async () => {
    const body = bytes('[{"event_id":"utf-a', [0xff], '"}]');
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe(`the body is not valid UTF-8 (at byte ${body.indexOf(0xff)})`);
    const pretty = bytes('{\n  "event_id": "utf-b', [0xc3], '"\n}');
    expect((await post(pretty)).body.error).toBe(`the body is not valid UTF-8 (at byte ${pretty.indexOf(0xc3)})`);
  });

  it('rejects an NDJSON line with invalid UTF-8 on its own: two different ids never collapse into one', async () => {
    const line = (id: number[]) => bytes('{"event_id":"utf-', id, '","type":"task.created","occurred_at":"', at(20), '","queue":"registration","task_id":"utf-t', id, '"}');
    const body = Buffer.concat([line([0xfe]), bytes('\n'), line([0xff]), bytes('\n', JSON.stringify(created('utf-ok')), '\n')]);
    const res = await post(body, 'application/x-ndjson');
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(1);
    expect(res.body.duplicates).toBe(0);
    expect(res.body.rejected).toEqual([
      { index: 0, reason: `line 1 is not valid UTF-8 (at byte ${body.indexOf(0xfe)} of the body)` },
      { index: 1, reason: `line 2 is not valid UTF-8 (at byte ${body.indexOf(0xff)} of the body)` },
    ]);
  });

  it('indexes NDJSON by line number, blank lines and CRLF included', async () => {
    const body = ['', JSON.stringify(created('nd-1')), '   ', '', '{"event_id": broken', JSON.stringify(created('nd-2', { queue: 'radiology' })), JSON.stringify(created('nd-3')), ''].join('\r\n');
    const res = await post(body, 'application/x-ndjson');
    expect(res.body).toEqual({
      accepted: 2,
      duplicates: 0,
      rejected: [
        { index: 4, reason: 'line 5 is not JSON' },
        { index: 5, reason: 'queue: "radiology" is not a queue in the configuration' },
      ],
    });
  });

  it('takes a pretty-printed single object as JSON, and one NDJSON line as one event', async () => {
    const pretty = await post(JSON.stringify(created('pretty-1'), null, 2));
    expect(pretty.status).toBe(202);
    expect(pretty.body).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    const oneLine = await post(`${JSON.stringify(created('pretty-1'))}\n`, 'application/x-ndjson');
    expect(oneLine.body).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
  });

  it('names a JSON syntax error by byte offset, never quoting the body', async () => {
    const body = '[{"event_id": "é", "queue": Jane Doe}]';
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe(`the body is not JSON (syntax error at byte ${Buffer.from(body).indexOf('Jane')})`);
    const text = await post('Jane Doe DOB 1961-02-03');
    expect(text.status).toBe(400);
    expect(JSON.stringify(text.body)).not.toContain('Jane');
  });

  it('rejects occurred_at older than the retention and takes lowercase t and z', async () => {
    const res = await post(JSON.stringify([created('old-1', { occurred_at: at(36 * 24 * 60) }), created('old-2', { occurred_at: '0001-01-01T00:00:00Z' }), created('lower-1', { occurred_at: at(5).replace('T', 't').replace('Z', 'z') })]));
    expect(res.body).toEqual({
      accepted: 1,
      duplicates: 0,
      rejected: [
        { index: 0, reason: 'occurred_at: is too old: older than the 35-day retention' },
        { index: 1, reason: 'occurred_at: is too old: older than the 35-day retention' },
      ],
    });
  });
});

describe('retention through the composition root', () => {
  it('takes RETENTION_DAYS from ProductDeps to ingest', async () => {
    const product = await createProduct({ config: refConfig, logger: pino({ level: 'silent' }), clock: () => REF_NOW, retentionDays: 7 });
    try {
      const url = await product.listen(0, '127.0.0.1');
      const res = await request(url).post('/api/events').send([created('ret-1', { occurred_at: at(8 * 24 * 60) }), created('ret-2', { occurred_at: at(6 * 24 * 60) })]);
      expect(res.body).toEqual({ accepted: 1, duplicates: 0, rejected: [{ index: 0, reason: 'occurred_at: is too old: older than the 7-day retention' }] });
    } finally {
      await product.stop();
    }
  });
});

describe('body decoding, against the platform', () => {
  it('finds the first invalid UTF-8 byte exactly where a strict TextDecoder fails', () => {
    const tricky = fc.constantFrom(0x80, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xa0, 0xef, 0xf0, 0xf4, 0xf5, 0x90, 0x8f, 0xff, 0x41);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), fc.array(tricky, { maxLength: 24 }), (a, b) => {
        const body = Uint8Array.from([...a, ...b]);
        const strict = new TextDecoder('utf-8', { fatal: true });
        let valid = true;
        try {
          strict.decode(body);
        } catch {
          valid = false;
        }
        const offset = invalidUtf8At(body);
        expect(offset === body.length).toBe(valid);
        if (!valid) expect(() => strict.decode(body.subarray(0, offset))).not.toThrow();
      }),
      { numRuns: 20_000 },
    );
  });

  it('names the position V8 names, whenever V8 names one', () => {
    const alphabet = fc.constantFrom(...'[]{}",:0123456789-.eE+ truefalsnul\\uA\n\t'.split(''), '\u0001', 'x');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 30 }).map((chars) => chars.join('')), (text) => {
        let message: string | undefined;
        try {
          JSON.parse(text);
        } catch (err) {
          message = (err as Error).message;
        }
        if (message === undefined) return;
        const position = jsonErrorAt(text);
        expect(position).toBeGreaterThanOrEqual(0);
        expect(position).toBeLessThanOrEqual(text.length);
        const named = /at position (\d+)/.exec(message);
        if (named) expect(position).toBe(Number(named[1]));
      }),
      { numRuns: 20_000 },
    );
  });

  it('survives a deeply nested body without overflowing the stack', () => {
    const deep = `${'['.repeat(200_000)}1${']'.repeat(199_999)}`;
    expect(() => splitBody(deep)).toThrow(/syntax error at byte 400000\)/);
  });
});
