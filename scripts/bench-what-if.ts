/**
 * `npm run bench:what-if`: times the operating-model what-if engine (SPEC section 12) on a week
 * of the default network. Runs the back-office model of the shipped configuration (one day of
 * warm-up, the week, half a day of drain), turns its events into a recorded period, then times
 * `replay` with the four presets of issue 11 and `calibrate`. Prints numbers, asserts nothing.
 * Usage: npm run bench:what-if [-- --days 7 --seed 7 --runs 3]
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { loadConfig, teamsForQueue, type OpsConfig, type QueueConfig } from '../contracts/config.js';
import { DEFAULT_CONFIG_PATH } from '../contracts/env.js';
import type { OpsEvent } from '../contracts/events.js';
import { BackOfficeModel } from '../seed/back-office-model.js';
import { periodFromEvents, type QueueSettings } from '../server/what-if/period-from-events.js';
import { presetScenarios } from '../server/what-if/presets.js';
import { calibrate, replay } from '../server/what-if/replay.js';

const HOUR_MS = 3600_000;
const { values } = parseArgs({
  options: {
    days: { type: 'string', default: '7' },
    seed: { type: 'string', default: '7' },
    runs: { type: 'string', default: '3' },
  },
});
const days = Number(values.days);
const seed = Number(values.seed);
const runs = Math.max(1, Number(values.runs));
const config = loadConfig(process.env.OPS_CONFIG ?? DEFAULT_CONFIG_PATH);

// A Monday 00:00 UTC, so the week has its usual shape.
const fromMs = Date.parse('2026-10-05T00:00:00.000Z');
const toMs = fromMs + days * 24 * HOUR_MS;

/** Cost per agent-hour of the teams of one kind serving a queue (their mean; 0 where the config gives none). */
function meanCost(cfg: OpsConfig, queue: QueueConfig, kind: 'inhouse' | 'partner'): number {
  const costs = teamsForQueue(cfg, queue.id)
    .filter((t) => t.kind === kind)
    .map((t) => (t as { cost_per_agent_hour?: number }).cost_per_agent_hour)
    .filter((c): c is number => typeof c === 'number');
  return costs.length === 0 ? 0 : costs.reduce((a, b) => a + b, 0) / costs.length;
}

// NOTE: `sensitive` and `cost_per_agent_hour` are read loosely: a configuration without them is
// benchmarked all the same (nothing sensitive, costs 0).
const settings: QueueSettings[] = config.queues.map((q) => ({
  id: q.id,
  slaTargetSeconds: q.sla.target_seconds,
  slaGoal: q.sla.goal,
  sensitive: (q as { sensitive?: boolean }).sensitive === true,
  defaultHandlingSeconds: q.handling_seconds,
  costPerAgentHourInhouse: meanCost(config, q, 'inhouse'),
  costPerAgentHourPartner: meanCost(config, q, 'partner'),
}));
const teamKind = new Map(config.teams.map((t) => [t.id, t.kind]));

let t0 = performance.now();
const model = new BackOfficeModel({ config, startMs: fromMs - 24 * HOUR_MS, seed });
const events: OpsEvent[] = [];
for (let t = fromMs - 24 * HOUR_MS; t < toMs + 12 * HOUR_MS; ) {
  t = Math.min(t + 6 * HOUR_MS, toMs + 12 * HOUR_MS);
  for (const e of model.advanceTo(t)) events.push(e);
}
const simulateSeconds = (performance.now() - t0) / 1000;

t0 = performance.now();
const { period, measuredSlaByQueue } = periodFromEvents(events, settings, teamKind, fromMs, toMs);
const buildSeconds = (performance.now() - t0) / 1000;
const scenarios = presetScenarios(period.queues);

const replaySeconds: number[] = [];
let outcomes = replay(period, scenarios, seed);
for (let i = 0; i < runs; i++) {
  t0 = performance.now();
  outcomes = replay(period, scenarios, seed);
  replaySeconds.push((performance.now() - t0) / 1000);
}
t0 = performance.now();
const calibration = calibrate(period, measuredSlaByQueue, seed);
const calibrateSeconds = (performance.now() - t0) / 1000;

const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);
const num = (x: number | null) => (x === null ? '-' : String(Math.round(x)));
const tasks = period.queues.reduce((n, q) => n + q.arrivals.length, 0);
const cores = os.cpus();
console.log(`machine: ${cores.length} cores (${cores[0]?.model.trim()}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
console.log(`period: ${days} days from ${new Date(fromMs).toISOString()}, ${period.queues.length} queues, ${tasks} tasks, ${events.length} events; seed ${seed}`);
console.log(`simulator (not the engine): ${simulateSeconds.toFixed(2)} s; period from events: ${buildSeconds.toFixed(2)} s`);
const sorted = [...replaySeconds].sort((a, b) => a - b);
console.log(`replay, ${scenarios.length} scenarios, ${days} days: min ${sorted[0].toFixed(3)} s, max ${sorted.at(-1)!.toFixed(3)} s over ${runs} runs (after one warm-up run)`);
console.log(`calibrate: ${calibrateSeconds.toFixed(3)} s`);
console.log('');
console.log('calibration (measured in the simulator vs replayed as recorded):');
for (const c of calibration) console.log(`  ${c.queue.padEnd(14)} measured ${pct(c.recorded_sla_attainment).padStart(6)}  replayed ${pct(c.replayed_sla_attainment).padStart(6)}`);
for (const s of outcomes) {
  console.log('');
  const t = s.totals;
  console.log(`${s.name}: ${t.tasks} tasks, SLA ${pct(t.sla_attainment)}, in-house ${t.agent_hours_inhouse} h, partner ${t.agent_hours_partner} h, cost ${t.cost}`);
  for (const q of s.queues) {
    console.log(
      `  ${q.queue.padEnd(14)} SLA ${pct(q.sla_attainment).padStart(6)}  p50 ${num(q.wait_p50_seconds).padStart(6)} s  p90 ${num(q.wait_p90_seconds).padStart(6)} s  ` +
        `in-house ${q.agent_hours_inhouse.toFixed(0).padStart(6)} h  partner ${q.agent_hours_partner.toFixed(0).padStart(6)} h  cost ${q.cost.toFixed(0).padStart(8)}`,
    );
  }
}
console.log('');
console.log('scenarios:', JSON.stringify(scenarios));
