/**
 * The discrete-event replay of one queue: tasks arrive at their recorded instants, wait in one
 * FIFO line, and start when fewer agents are busy than are on duty. Agents going off duty finish
 * the task in hand (nobody is interrupted). After the period the agents on duty at its end carry
 * on, so tasks still waiting are worked off; with nobody on duty then, they never start.
 *
 * NOTE: each task's handling time is drawn once per queue from the seed, independently of the
 * scenario, so scenarios differ only in their agents. With the same tasks, FIFO start times can
 * only move earlier when agents are added at any instant: more agents never lower the SLA.
 */
import { MinHeap, type Ordered } from '../../seed/min-heap.js';
import { exponential, mulberry32 } from '../../seed/random.js';
import type { CapacityStep } from './agents-on-duty.js';

/** Below this many recorded durations, handling is drawn from an exponential with the default mean. */
export const MIN_HANDLING_SAMPLES = 30;

/** The handling times the replay draws from: the recorded durations, or a fallback mean. */
export interface HandlingSource {
  samplesSeconds: readonly number[];
  defaultMeanSeconds: number;
}

/** Mean handling time (seconds) of what `drawHandling` draws from. */
export function meanHandlingSeconds(source: HandlingSource): number {
  const samples = source.samplesSeconds;
  if (samples.length < MIN_HANDLING_SAMPLES) return source.defaultMeanSeconds;
  let sum = 0;
  for (const s of samples) sum += s;
  // Durations that are all zero would leave Erlang C nothing to staff for.
  return sum > 0 ? sum / samples.length : source.defaultMeanSeconds;
}

/**
 * `count` handling times in ms, one per task in arrival order: resampled from the recorded
 * durations (a bootstrap), or exponential with the default mean when too few were recorded.
 */
export function drawHandling(source: HandlingSource, count: number, seed: number, queueId: string): Float64Array {
  const rand = mulberry32(mixSeed(seed, queueId));
  const samples = source.samplesSeconds;
  const out = new Float64Array(count);
  if (samples.length >= MIN_HANDLING_SAMPLES) {
    for (let i = 0; i < count; i++) out[i] = samples[Math.floor(rand() * samples.length)] * 1000;
  } else {
    const rate = 1 / (source.defaultMeanSeconds * 1000);
    for (let i = 0; i < count; i++) out[i] = exponential(rand, rate);
  }
  return out;
}

/** The seed of a queue's draws: the request's seed and the queue id (adding a queue changes no other). */
function mixSeed(seed: number, queueId: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < queueId.length; i++) h = Math.imul(h ^ queueId.charCodeAt(i), 0x01000193);
  return Math.imul(h ^ (h >>> 16), 0x45d9f3b) >>> 0;
}

/**
 * Waits in seconds, one per task (arrival order); Infinity for a task that never starts.
 * `arrivals` sorted (ms), `handlingMs[i]` the handling time of task i, `capacity` the head count.
 */
export function replayQueue(arrivals: readonly number[], handlingMs: Float64Array, capacity: readonly CapacityStep[]): Float64Array {
  const waits = new Float64Array(arrivals.length);
  const busy = new MinHeap<Ordered>();
  let seq = 0;
  let step = -1; // index of the capacity step in effect at `t`
  let lastStart = -Infinity;
  for (let i = 0; i < arrivals.length; i++) {
    // FIFO: a task starts no earlier than the one ahead of it, so `t` never moves back.
    let t = Math.max(arrivals[i], lastStart);
    for (;;) {
      while (busy.size > 0 && busy.peek()!.at <= t) busy.pop();
      while (step + 1 < capacity.length && capacity[step + 1].atMs <= t) step++;
      const onDuty = step < 0 ? 0 : capacity[step].agents;
      if (busy.size < onDuty) break;
      const nextDone = busy.size > 0 ? busy.peek()!.at : Infinity;
      const nextStep = step + 1 < capacity.length ? capacity[step + 1].atMs : Infinity;
      t = Math.min(nextDone, nextStep);
      if (t === Infinity) break;
    }
    if (t === Infinity) {
      // Nobody will ever be on duty again: this task and all behind it never start.
      waits.fill(Infinity, i);
      break;
    }
    waits[i] = (t - arrivals[i]) / 1000;
    lastStart = t;
    busy.push({ at: t + handlingMs[i], seq: seq++ });
  }
  return waits;
}
