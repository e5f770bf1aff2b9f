/**
 * The operating-model what-if engine (SPEC section 12): replays the recorded arrivals of a period
 * under each scenario and answers per scenario and queue (tasks, SLA attainment, wait p50/p90,
 * agent-hours, cost) with totals; `calibrate` replays the recorded scenario against what was
 * measured. Pure and deterministic for a seed: the route gathers the period from the store.
 */
import { nearestRank as nearestRankOf } from '../../contracts/metrics-snapshot.js';
import { DomainError } from '../../contracts/errors.js';
import { isOpaqueId, NAME_NOT_SHOWN } from '../../contracts/issues.js';
import { staffQueue } from './agents-on-duty.js';
import { drawHandling, meanHandlingSeconds, replayQueue } from './queue-replay.js';
import type {
  CalibrationEntry,
  QueueOutcome,
  QueueScenario,
  RecordedPeriod,
  RecordedQueue,
  Scenario,
  ScenarioOutcome,
  ScenarioTotals,
  WhatIfAnswer,
} from './what-if-types.js';

const AS_RECORDED: QueueScenario = { agents: 'recorded' };

/** A queue prepared once and replayed under every scenario: the same tasks, the same handling times. */
interface PreparedQueue {
  queue: RecordedQueue;
  arrivals: readonly number[];
  handlingMs: Float64Array;
  meanHandlingSeconds: number;
}

/** Replays the period under each scenario. Throws DomainError('invalid') naming a queue a scenario cannot apply to. */
export function replay(period: RecordedPeriod, scenarios: readonly Scenario[], seed: number): ScenarioOutcome[] {
  if (!(period.toMs > period.fromMs)) throw new DomainError('invalid', 'to: must be after from');
  scenarios.forEach((scenario, i) => checkScenario(period, scenario, i));
  const prepared = period.queues.map((queue) => prepareQueue(period, queue, seed));
  return scenarios.map((scenario) => {
    const queues = prepared.map((p) => replayOne(period, p, scenario.queues[p.queue.id] ?? AS_RECORDED));
    return { name: scenario.name, queues, totals: totalsOf(queues) };
  });
}

/** The whole answer of SPEC 12: the period, the calibration and every scenario. */
export function answerWhatIf(period: RecordedPeriod, scenarios: readonly Scenario[], seed: number, measuredSlaByQueue: Readonly<Record<string, number | null>>): WhatIfAnswer {
  const outcomes = replay(period, scenarios, seed);
  return {
    from: new Date(period.fromMs).toISOString(),
    to: new Date(period.toMs).toISOString(),
    calibration: { queues: calibrate(period, measuredSlaByQueue, seed) },
    scenarios: outcomes,
  };
}

/** The recorded scenario replayed next to the SLA attainment measured per queue (null where nothing was measured). */
export function calibrate(period: RecordedPeriod, measuredSlaByQueue: Readonly<Record<string, number | null>>, seed: number): CalibrationEntry[] {
  const [asRecorded] = replay(period, [{ name: 'recorded', queues: {} }], seed);
  return asRecorded.queues.map((q) => ({
    queue: q.queue,
    recorded_sla_attainment: Object.hasOwn(measuredSlaByQueue, q.queue) ? measuredSlaByQueue[q.queue] : null,
    replayed_sla_attainment: q.sla_attainment,
  }));
}

/**
 * Errors name the field as the request schema does (`scenarios.0.queues.billing.partner_share`);
 * a queue id that is not an opaque id is not echoed (SPEC section 9).
 */
function checkScenario(period: RecordedPeriod, scenario: Scenario, index: number): void {
  const known = new Map(period.queues.map((q) => [q.id, q]));
  for (const [id, choice] of Object.entries(scenario.queues)) {
    const queue = known.get(id);
    const where = `scenarios.${index}.queues.${isOpaqueId(id) ? id : NAME_NOT_SHOWN}`;
    const details = { scenario: index, queue: queue ? id : undefined };
    if (!queue) throw new DomainError('invalid', `${where}: no such queue`, details);
    const share = choice.partner_share;
    if (share !== undefined && !(share >= 0 && share <= 1)) throw new DomainError('invalid', `${where}.partner_share: must be between 0 and 1`, details);
    if (typeof choice.agents === 'number' && !(Number.isInteger(choice.agents) && choice.agents >= 0)) {
      throw new DomainError('invalid', `${where}.agents: must be a whole number >= 0`, details);
    }
    if (queue.sensitive && share !== undefined && share > 0) {
      throw new DomainError('invalid', `${where}.partner_share: queue "${id}" is sensitive and must stay in-house (0)`, details);
    }
  }
}

function prepareQueue(period: RecordedPeriod, queue: RecordedQueue, seed: number): PreparedQueue {
  const arrivals = queue.arrivals.filter((at) => at >= period.fromMs && at < period.toMs);
  const source = { samplesSeconds: queue.handlingSeconds, defaultMeanSeconds: queue.defaultHandlingSeconds };
  return { queue, arrivals, handlingMs: drawHandling(source, arrivals.length, seed, queue.id), meanHandlingSeconds: meanHandlingSeconds(source) };
}

function replayOne(period: RecordedPeriod, p: PreparedQueue, choice: QueueScenario): QueueOutcome {
  const staffing = staffQueue(p.queue, choice, {
    fromMs: period.fromMs,
    toMs: period.toMs,
    arrivals: p.arrivals,
    meanHandlingSeconds: p.meanHandlingSeconds,
  });
  const waits = replayQueue(p.arrivals, p.handlingMs, staffing.capacity).sort();
  let met = 0;
  for (const w of waits) if (w <= p.queue.slaTargetSeconds) met++;
  const cost = staffing.agentHoursInhouse * p.queue.costPerAgentHourInhouse + staffing.agentHoursPartner * p.queue.costPerAgentHourPartner;
  return {
    queue: p.queue.id,
    tasks: waits.length,
    sla_attainment: waits.length === 0 ? null : met / waits.length,
    wait_p50_seconds: nearestRank(waits, 0.5),
    wait_p90_seconds: nearestRank(waits, 0.9),
    agent_hours_inhouse: round(staffing.agentHoursInhouse, 2),
    agent_hours_partner: round(staffing.agentHoursPartner, 2),
    cost: round(cost, 2),
  };
}

/** Nearest-rank percentile of ascending waits, to 0.1 s; null when empty or when it lands on a task never started. */
export function nearestRank(sortedWaits: Float64Array, p: number): number | null {
  const value = nearestRankOf(sortedWaits, p);
  return value !== null && Number.isFinite(value) ? round(value, 1) : null;
}

function totalsOf(queues: readonly QueueOutcome[]): ScenarioTotals {
  let tasks = 0;
  let met = 0;
  let inhouse = 0;
  let partner = 0;
  let cost = 0;
  for (const q of queues) {
    tasks += q.tasks;
    met += (q.sla_attainment ?? 0) * q.tasks;
    inhouse += q.agent_hours_inhouse;
    partner += q.agent_hours_partner;
    cost += q.cost;
  }
  return {
    tasks,
    // NOTE: met is a sum of share * tasks; rounding keeps a whole count from drifting by 1e-12.
    sla_attainment: tasks === 0 ? null : Math.round(met) / tasks,
    agent_hours_inhouse: round(inhouse, 2),
    agent_hours_partner: round(partner, 2),
    cost: round(cost, 2),
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
