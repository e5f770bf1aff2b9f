/**
 * A small seeded PRNG and the distributions the simulator draws from. Deterministic: the same
 * seed gives the same sequence, so simulations and tests are reproducible.
 */

/** A source of uniform numbers in [0, 1). */
export type Random = () => number;

/** mulberry32: a 32-bit-state PRNG, fast and good enough for simulation (not for secrets). */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed for runs that need no reproducibility (a fresh one per process). */
export function randomSeed(): number {
  return (Math.random() * 4294967296) >>> 0;
}

/** Uniform in [min, max). */
export function uniform(rand: Random, min: number, max: number): number {
  return min + (max - min) * rand();
}

/** Exponential with the given rate (events per unit); mean 1 / rate. */
export function exponential(rand: Random, rate: number): number {
  // NOTE: 1 - rand() is in (0, 1], so the log is finite.
  return -Math.log(1 - rand()) / rate;
}

/** Standard normal by Box-Muller (one draw per call; the twin is thrown away for simplicity). */
export function standardNormal(rand: Random): number {
  const u = 1 - rand();
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Log-normal with the given arithmetic mean and shape `sigma` (sigma 0.55 gives a CV of about 0.6). */
export function logNormalWithMean(rand: Random, mean: number, sigma: number): number {
  const mu = Math.log(mean) - (sigma * sigma) / 2;
  return Math.exp(mu + sigma * standardNormal(rand));
}

/** Index drawn with probability proportional to its weight; -1 when all weights are zero. */
export function pickWeighted(rand: Random, weights: readonly number[]): number {
  let total = 0;
  for (const w of weights) total += Math.max(0, w);
  if (total <= 0) return -1;
  let r = rand() * total;
  for (let i = 0; i < weights.length; i++) {
    const w = Math.max(0, weights[i]);
    if (r < w) return i;
    r -= w;
  }
  // Floating-point leftovers land on the last positive weight.
  for (let i = weights.length - 1; i >= 0; i--) if (weights[i] > 0) return i;
  return -1;
}

const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';

/** An opaque lowercase base36 string of `length` characters. */
export function base36Id(rand: Random, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += BASE36[Math.floor(rand() * 36)];
  return out;
}
