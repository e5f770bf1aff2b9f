/**
 * Poison-proof ingest over the real HTTP API (SPEC section 9): arbitrary JSON, with fields drawn
 * from arbitrary strings, numbers, nested objects and the names of inherited properties
 * (`__proto__`, `constructor`, `toString`...), mixed with valid events, as a JSON array or as
 * NDJSON. Never a 5xx; each valid event accepted exactly once (the same batch again: all
 * duplicates); everything else rejected by its index, with a short reason.
 *
 * The expectation per item is the contract itself (checkEvent on the item as the server parses
 * it); the generated valid events make sure a good share of every batch must get through.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkEvent, EVENT_TYPES } from '../contracts/events.js';
import { configWithAccess, startHarness, TOKENS, type Harness } from './support/harness.js';
import { REF_NOW, refConfig } from './support/random-events.js';

const config = configWithAccess(refConfig);
const POISON_NAMES = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'prototype', '__defineGetter__'];
const FIELDS = ['event_id', 'type', 'occurred_at', 'queue', 'task_id', 'team', 'priority', 'agents'];
const iso = (ms: number) => new Date(ms).toISOString();

/** A JSON text: `{...}` with keys in the order given (so an own `__proto__` key survives). */
const objectText = (pairs: [string, string][]) => `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;

/** Any JSON value as text, nested objects keyed by poison names as often as by anything else. */
const { json } = fc.letrec<{ json: string }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string().map((s) => JSON.stringify(s)),
    fc.constantFrom(...POISON_NAMES, ...EVENT_TYPES, 'registration', 'inhouse-a', 'Jane Doe').map((s) => JSON.stringify(s)),
    fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(1e308)).map((n) => JSON.stringify(n)),
    fc.constantFrom('null', 'true', 'false', '[]', '{}'),
    fc.array(tie('json'), { maxLength: 3 }).map((items) => `[${items.join(',')}]`),
    fc.array(fc.tuple(fc.oneof(fc.constantFrom(...POISON_NAMES), fc.string()), tie('json')), { maxLength: 3 }).map(objectText),
  ),
}));

/** Something shaped like an event: known fields, poison names and arbitrary keys, any values. */
const eventLike = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...FIELDS), fc.constantFrom(...POISON_NAMES), fc.string({ maxLength: 8 })), json), { minLength: 1, maxLength: 8 })
  .map(objectText);

/** A valid event; `n` makes its id unique across the whole test. */
const validEvent = fc
  .record({
    type: fc.constantFrom(...EVENT_TYPES),
    queue: fc.constantFrom('registration', 'insurance'),
    team: fc.constantFrom('inhouse-a', 'inhouse-b', 'partner-x'),
    minutesAgo: fc.integer({ min: 0, max: 60 * 24 * 30 }),
    lower: fc.boolean(),
  })
  .map(({ type, queue, team, minutesAgo, lower }) => (n: number) => {
    let occurred_at = iso(REF_NOW - minutesAgo * 60_000);
    if (lower) occurred_at = occurred_at.replace('T', 't').replace('Z', 'z');
    const event: Record<string, unknown> = { event_id: `valid-${n}`, type, occurred_at, queue };
    if (type === 'staffing.updated') Object.assign(event, { team, agents: n % 50 });
    else Object.assign(event, { task_id: `task-${n}` }, type === 'task.started' || type === 'task.assigned' ? { team } : {});
    return JSON.stringify(event);
  });

/** A line of NDJSON that is not JSON (never blank, never with a line break). */
const notJsonLine = fc.string({ minLength: 1 }).filter((s) => !/[\r\n]/.test(s) && s.trim() !== '' && !parses(s));

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const batchArb = fc.record({
  ndjson: fc.boolean(),
  items: fc.array(
    fc.oneof(
      { arbitrary: validEvent.map((make) => ({ kind: 'valid' as const, make })), weight: 3 },
      { arbitrary: eventLike.map((text) => ({ kind: 'json' as const, text })), weight: 3 },
      { arbitrary: json.map((text) => ({ kind: 'json' as const, text })), weight: 1 },
      { arbitrary: notJsonLine.map((text) => ({ kind: 'line' as const, text })), weight: 1 },
    ),
    { minLength: 1, maxLength: 30 },
  ),
});

let h: Harness;
beforeAll(async () => {
  h = await startHarness(config, () => REF_NOW);
});
afterAll(() => h.close());

async function post(body: string, ndjson: boolean): Promise<{ status: number; body: { accepted: number; duplicates: number; rejected: { index: number; reason: string }[] } }> {
  const res = await fetch(`${h.url}/api/events`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TOKENS.ingest}`, 'Content-Type': ndjson ? 'application/x-ndjson' : 'application/json' },
    body,
  });
  return { status: res.status, body: await res.json() };
}

it('never answers 5xx, takes each valid event exactly once and rejects the rest by index', async () => {
  let next = 0;
  const seen = new Set<string>();
  await fc.assert(
    fc.asyncProperty(batchArb, async ({ ndjson, items }) => {
      // A JSON array holds JSON values only: there a line that is not JSON becomes a string.
      const texts = items.map((item) => (item.kind === 'valid' ? item.make(next++) : item.kind === 'line' && !ndjson ? JSON.stringify(item.text) : item.text));
      const body = ndjson ? texts.join('\n') : `[${texts.join(',')}]`;
      // What the server should see: the whole body when it is one JSON value, else one item per line.
      const whole = parses(body) ? (JSON.parse(body) as unknown) : undefined;
      const seenItems: { index: number; value?: unknown; json: boolean }[] =
        whole === undefined
          ? texts.map((text, index) => (parses(text) ? { index, value: JSON.parse(text), json: true } : { index, json: false }))
          : (Array.isArray(whole) ? whole : [whole]).map((value, index) => ({ index, value, json: true }));
      const expectedRejected = new Set<number>();
      const fresh = new Set<string>();
      let valid = 0;
      for (const item of seenItems) {
        const check = item.json ? checkEvent(item.value, config, REF_NOW) : undefined;
        if (!check?.ok) {
          expectedRejected.add(item.index);
          continue;
        }
        valid++;
        if (!seen.has(check.event.event_id)) fresh.add(check.event.event_id);
      }
      // A body opening with `[` whose first line is not JSON on its own is a broken JSON array.
      const firstLine = body.replace(/^[ \t\r\n]*/, '').split('\n')[0].replace(/\r$/, '');
      const brokenArray = whole === undefined && firstLine.startsWith('[') && !parses(firstLine);
      if (!brokenArray && (whole !== undefined || seenItems.some((item) => item.json))) {
        const first = await post(body, ndjson);
        expect(first.status, body).toBe(202);
        expect(first.body.rejected.map((r) => r.index)).toEqual([...expectedRejected]);
        for (const r of first.body.rejected) expect(r.reason.length).toBeLessThanOrEqual(200);
        expect(first.body.accepted).toBe(fresh.size);
        expect(first.body.accepted + first.body.duplicates).toBe(valid);
        for (const id of fresh) seen.add(id);
        const again = await post(body, ndjson);
        expect(again.status).toBe(202);
        expect(again.body).toEqual({ ...first.body, accepted: 0, duplicates: valid });
      } else {
        // A broken JSON array, or NDJSON with no line that is JSON at all: a 400 (never a 5xx).
        expect((await post(body, ndjson)).status).toBe(400);
      }
    }),
    { numRuns: 300 },
  );
}, 120_000);

it('answers the events of the issue one by one: inherited names as types, an own __proto__', async () => {
  const ok = (id: string) => ({ event_id: id, type: 'task.created', occurred_at: iso(REF_NOW - 60_000), queue: 'registration', task_id: id });
  const types = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty'];
  const items = [JSON.stringify(ok('issue-1')), ...types.map((type) => JSON.stringify({ ...ok(`issue-${type}`), type })), objectText([['__proto__', '{"type":"task.created"}']]), JSON.stringify(ok('issue-2'))];
  const res = await post(`[${items.join(',')}]`, false);
  expect(res.status).toBe(202);
  expect(res.body.accepted).toBe(2);
  expect(res.body.rejected.map((r) => r.index)).toEqual([1, 2, 3, 4, 5, 6]);
  expect(res.body.rejected[0].reason).toBe('type: "constructor" is not one of task.created, task.assigned, task.started, task.completed, task.cancelled, staffing.updated');
  expect(res.body.rejected[5].reason).toBe('type: is required');
});
