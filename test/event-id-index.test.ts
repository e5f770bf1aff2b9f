/** The engine's index of taken event ids: duplicates recognised, whole days forgotten past retention, checked against a plain reference. */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { EventIdIndex } from '../streams/embedded/event-id-index.js';

const DAY = 24 * 3600_000;

it('recognises a taken id until its day is forgotten, and takes it anew after', () => {
  const index = new EventIdIndex();
  expect(index.add('a', 0)).toBe(true);
  expect(index.add('a', 5 * DAY)).toBe(false); // a duplicate keeps its first day
  expect(index.add('b', 2 * DAY)).toBe(true);
  expect(index.has('a')).toBe(true);
  index.forgetBefore(DAY); // day 0 ended before the cut
  expect(index.has('a')).toBe(false);
  expect(index.has('b')).toBe(true);
  expect(index.size).toBe(1);
  expect(index.add('a', 6 * DAY)).toBe(true);
});

it('answers like a reference map of id -> first day on any sequence of adds and cuts', () => {
  const op = fc.oneof(
    fc.record({ kind: fc.constant('add' as const), id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), day: fc.integer({ min: 0, max: 40 }) }),
    fc.record({ kind: fc.constant('cut' as const), day: fc.integer({ min: 0, max: 40 }) }),
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
      const index = new EventIdIndex();
      const reference = new Map<string, number>();
      for (const o of ops) {
        if (o.kind === 'add') {
          const fresh = !reference.has(o.id);
          if (fresh) reference.set(o.id, o.day);
          expect(index.add(o.id, o.day * DAY + 1000)).toBe(fresh);
        } else {
          for (const [id, day] of reference) if (day < o.day) reference.delete(id);
          index.forgetBefore(o.day * DAY);
        }
        for (const id of ['a', 'b', 'c', 'd', 'e', 'f']) expect(index.has(id)).toBe(reference.has(id));
        expect(index.size).toBe(reference.size);
      }
    }),
    { numRuns: 300 },
  );
});
