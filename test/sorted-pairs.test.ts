import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SortedPairs } from '../streams/embedded/sorted-pairs.js';

type Op = { kind: 'add' | 'delete'; key: number; val: number } | { kind: 'trim'; key: number };

describe('SortedPairs against a sorted array', () => {
  it('agrees on size, order, rank, select and trimming for random operations', () => {
    const key = fc.integer({ min: 0, max: 60 });
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 6, arbitrary: fc.record({ kind: fc.constant('add' as const), key, val: fc.integer({ min: 0, max: 3 }) }) },
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete' as const), key, val: fc.integer({ min: 0, max: 3 }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('trim' as const), key: fc.integer({ min: -5, max: 30 }) }) },
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 3000 }), fc.integer({ min: 0, max: 70 }), (ops, probe) => {
        const set = new SortedPairs();
        let model: [number, number][] = [];
        for (const o of ops) {
          if (o.kind === 'add') {
            set.add(o.key, o.val);
            model.push([o.key, o.val]);
            model.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
          } else if (o.kind === 'delete') {
            const i = model.findIndex(([k, v]) => k === o.key && v === o.val);
            expect(set.delete(o.key, o.val)).toBe(i >= 0);
            if (i >= 0) model.splice(i, 1);
          } else {
            const removed: number[] = [];
            set.removeKeysUpTo(o.key, (k) => removed.push(k));
            expect(removed).toEqual(model.filter(([k]) => k <= o.key).map(([k]) => k));
            model = model.filter(([k]) => k > o.key);
          }
        }
        expect(set.size).toBe(model.length);
        expect([...set.entries()]).toEqual(model);
        expect(set.countKeysBelow(probe)).toBe(model.filter(([k]) => k < probe).length);
        expect(set.countKeysBelow(probe, true)).toBe(model.filter(([k]) => k <= probe).length);
        if (model.length > 0) {
          const i = probe % model.length;
          expect(set.keyAt(i)).toBe(model[i][0]);
          expect(set.minKey()).toBe(model[0][0]);
        } else expect(set.minKey()).toBeNaN();
      }),
      { numRuns: 200 },
    );
  });
});
