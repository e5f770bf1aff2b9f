/**
 * Which task ids a partition has ever stored, as a Bloom filter: "no" is certain, "maybe" is wrong
 * about 1% of the time. The stream worker asks it before looking a task up in ClickHouse, so a new
 * task (most events of a live stream) costs no look-up at all, however long the history.
 *
 * NOTE: hand-written (a bit array and two inline string hashes) rather than a package: it runs for
 * every event on the worker's hot path, where a general-purpose filter's byte conversion and
 * hashing per call would cost more than the rest of this file. Scalable: when a layer holds its
 * capacity a new one, twice as large, is added, so the false-positive rate stays near 1% as the
 * partition grows (test/seen-filter.test.ts measures it).
 */

const BITS_PER_ID = 10; // with 7 probes: about 1% false positives at capacity
const PROBES = 7;

class Layer {
  readonly bits: Uint32Array;
  readonly size: number;
  count = 0;
  constructor(readonly capacity: number) {
    this.size = Math.max(64, capacity * BITS_PER_ID);
    this.bits = new Uint32Array(Math.ceil(this.size / 32));
  }
}

/** Two 32-bit hashes of a string (FNV-1a and a multiplicative one), for double hashing. */
function hashes(id: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return [a >>> 0, (b | 1) >>> 0];
}

export class SeenFilter {
  private readonly layers: Layer[];

  constructor(expected = 100_000) {
    this.layers = [new Layer(Math.max(1024, expected))];
  }

  add(id: string): void {
    let layer = this.layers[this.layers.length - 1];
    if (layer.count >= layer.capacity) this.layers.push((layer = new Layer(layer.capacity * 2)));
    const [a, b] = hashes(id);
    for (let i = 0; i < PROBES; i++) {
      const bit = (a + Math.imul(i, b)) >>> 0;
      const at = bit % layer.size;
      layer.bits[at >>> 5] |= 1 << (at & 31);
    }
    layer.count++;
  }

  /** False: never added. True: added, or (about 1%) not. */
  mightHave(id: string): boolean {
    const [a, b] = hashes(id);
    for (const layer of this.layers) {
      let all = true;
      for (let i = 0; i < PROBES && all; i++) {
        const at = ((a + Math.imul(i, b)) >>> 0) % layer.size;
        all = (layer.bits[at >>> 5] & (1 << (at & 31))) !== 0;
      }
      if (all) return true;
    }
    return false;
  }
}
