/**
 * A sorted multiset of (key, value) number pairs, ordered by key then value, stored as a list of
 * sorted chunks (the layout of Python's sortedcontainers): insert and delete cost a binary search
 * plus a splice inside one chunk of at most CHUNK_MAX numbers; rank and select walk chunk sizes.
 *
 * NOTE: with a few thousand chunks at most (a million entries), walking chunk sizes is cheaper in
 * practice than keeping a balanced tree with subtree counts, and far kinder to memory: a million
 * entries cost 16 MB of packed doubles.
 */

const CHUNK_MAX = 1024;
const CHUNK_HALF = CHUNK_MAX >> 1;

function lowerBound(keys: number[], vals: number[], key: number, val: number): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < key || (keys[mid] === key && vals[mid] < val)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose key is > key (upper) or >= key (lower), by key alone. */
function keyBound(keys: number[], key: number, upper: boolean): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < key || (upper && keys[mid] === key)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class SortedPairs {
  private keyChunks: number[][] = [];
  private valChunks: number[][] = [];
  private total = 0;

  get size(): number {
    return this.total;
  }

  /** Index of the chunk that holds (or would hold) the pair. */
  private chunkFor(key: number, val: number): number {
    const chunks = this.keyChunks;
    let lo = 0;
    let hi = chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const keys = chunks[mid];
      const last = keys.length - 1;
      const lastKey = keys[last];
      if (lastKey < key || (lastKey === key && this.valChunks[mid][last] < val)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  add(key: number, val = 0): void {
    this.total++;
    if (this.keyChunks.length === 0) {
      this.keyChunks.push([key]);
      this.valChunks.push([val]);
      return;
    }
    const c = this.chunkFor(key, val);
    const keys = this.keyChunks[c];
    const vals = this.valChunks[c];
    const i = lowerBound(keys, vals, key, val);
    keys.splice(i, 0, key);
    vals.splice(i, 0, val);
    if (keys.length > CHUNK_MAX) {
      this.keyChunks.splice(c + 1, 0, keys.splice(CHUNK_HALF));
      this.valChunks.splice(c + 1, 0, vals.splice(CHUNK_HALF));
    }
  }

  /** Removes one instance of the pair; false when it is not there. */
  delete(key: number, val = 0): boolean {
    if (this.keyChunks.length === 0) return false;
    const c = this.chunkFor(key, val);
    const keys = this.keyChunks[c];
    const vals = this.valChunks[c];
    const i = lowerBound(keys, vals, key, val);
    if (i >= keys.length || keys[i] !== key || vals[i] !== val) return false;
    keys.splice(i, 1);
    vals.splice(i, 1);
    this.total--;
    if (keys.length === 0) {
      this.keyChunks.splice(c, 1);
      this.valChunks.splice(c, 1);
    }
    return true;
  }

  /** Number of pairs whose key is < key (or <= key with `inclusive`). */
  countKeysBelow(key: number, inclusive = false): number {
    let count = 0;
    for (const keys of this.keyChunks) {
      if (keys[keys.length - 1] < key || (inclusive && keys[keys.length - 1] === key)) {
        count += keys.length;
        continue;
      }
      return count + keyBound(keys, key, inclusive);
    }
    return count;
  }

  /** The key at rank `index` (0-based) in order. */
  keyAt(index: number): number {
    let i = index;
    for (const keys of this.keyChunks) {
      if (i < keys.length) return keys[i];
      i -= keys.length;
    }
    throw new RangeError(`index ${index} out of range (size ${this.total})`);
  }

  /** The smallest key; NaN when empty. */
  minKey(): number {
    return this.keyChunks.length === 0 ? Number.NaN : this.keyChunks[0][0];
  }

  /** Removes every pair whose key is <= key, calling `onRemove` for each, in order. */
  removeKeysUpTo(key: number, onRemove?: (key: number, val: number) => void): number {
    let removed = 0;
    while (this.keyChunks.length > 0) {
      const keys = this.keyChunks[0];
      const vals = this.valChunks[0];
      const n = keyBound(keys, key, true);
      if (n === 0) break;
      if (onRemove) for (let i = 0; i < n; i++) onRemove(keys[i], vals[i]);
      removed += n;
      if (n === keys.length) {
        this.keyChunks.shift();
        this.valChunks.shift();
        continue;
      }
      keys.splice(0, n);
      vals.splice(0, n);
      break;
    }
    this.total -= removed;
    return removed;
  }

  /** Calls `fn` for every pair with lo < key <= hi, in order. */
  forEachInKeyRange(lo: number, hi: number, fn: (key: number, val: number) => void): void {
    for (let c = 0; c < this.keyChunks.length; c++) {
      const keys = this.keyChunks[c];
      if (keys[keys.length - 1] <= lo) continue;
      const vals = this.valChunks[c];
      for (let i = keyBound(keys, lo, true); i < keys.length; i++) {
        if (keys[i] > hi) return;
        fn(keys[i], vals[i]);
      }
    }
  }

  /** Every pair in order (for tests and debugging). */
  *entries(): IterableIterator<[number, number]> {
    for (let c = 0; c < this.keyChunks.length; c++) {
      const keys = this.keyChunks[c];
      const vals = this.valChunks[c];
      for (let i = 0; i < keys.length; i++) yield [keys[i], vals[i]];
    }
  }
}
