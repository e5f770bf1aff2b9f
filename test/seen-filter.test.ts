/** The filter of stored task ids: never says no to an id it took, seldom says maybe to one it did not. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeenFilter } from '../streams/clickhouse/seen-filter.js';

describe('SeenFilter', () => {
  it('never forgets an id it took, whatever the ids', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 64, unit: 'binary' }), { maxLength: 3000 }), (ids) => {
        const filter = new SeenFilter(100);
        for (const id of ids) filter.add(id);
        for (const id of ids) expect(filter.mightHave(id)).toBe(true);
      }),
    );
  });

  it('says maybe to about 1% of ids it never took, also after growing far past its first size', () => {
    const filter = new SeenFilter(10_000);
    for (let i = 0; i < 200_000; i++) filter.add(`task-${i}`);
    let maybe = 0;
    for (let i = 0; i < 100_000; i++) if (filter.mightHave(`other-${i}`)) maybe++;
    // Layers of 10k, 20k, 40k, 80k and 160k, each near 1% when full: well under 5% together.
    expect(maybe / 100_000).toBeLessThan(0.05);
    expect(maybe).toBeGreaterThan(0); // a Bloom filter, not a set: it does err
  });
});
