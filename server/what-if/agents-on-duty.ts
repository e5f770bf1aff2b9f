/**
 * The agents on duty on one queue under one scenario: a step function of the head count (what
 * serves the line in the replay) and the agent-hours it costs, split in-house / partner.
 * `recorded` follows the staffing history, `erlang` staffs each 15-minute interval with the
 * fewest agents Erlang C says meet the goal for the arrivals of that interval, a number is fixed.
 */
import { agentsNeeded } from '../alerts/erlang-c.js';
import type { QueueScenario, RecordedQueue, StaffingStep } from './what-if-types.js';

/** Length of an Erlang-staffed interval. */
export const ERLANG_INTERVAL_MS = 15 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

/** The head count from `atMs` until the next step; sorted by `atMs`, 0 before the first. */
export interface CapacityStep {
  atMs: number;
  agents: number;
}

export interface QueueStaffing {
  capacity: CapacityStep[];
  agentHoursInhouse: number;
  agentHoursPartner: number;
}

/** What the staffing of a queue needs to know about the queue beyond its record. */
export interface StaffingContext {
  fromMs: number;
  toMs: number;
  /** The queue's arrivals within [fromMs, toMs), sorted. */
  arrivals: readonly number[];
  /** Mean of the handling times the replay draws from, in seconds. */
  meanHandlingSeconds: number;
}

/** Agents on duty and their hours for one queue under one scenario (partner_share already checked). */
export function staffQueue(queue: RecordedQueue, choice: QueueScenario, ctx: StaffingContext): QueueStaffing {
  const recorded = recordedHours(queue.staffing, ctx.fromMs, ctx.toMs);
  if (choice.agents === 'recorded') {
    // NOTE: steps after the period are left out: the agents on duty at its end work off what waits.
    const capacity = queue.staffing.filter((s) => s.atMs < ctx.toMs).map((s) => ({ atMs: s.atMs, agents: s.inhouse + s.partner }));
    if (choice.partner_share === undefined) {
      return { capacity, agentHoursInhouse: recorded.inhouse, agentHoursPartner: recorded.partner };
    }
    return { capacity, ...split(recorded.inhouse + recorded.partner, choice.partner_share) };
  }
  // NOTE: with no share given, the partners keep the share of agent-hours they had over the period.
  const share = choice.partner_share ?? recordedShare(recorded);
  const capacity = choice.agents === 'erlang' ? erlangCapacity(queue, ctx) : [{ atMs: ctx.fromMs, agents: choice.agents }];
  return { capacity, ...split(integrate(capacity, ctx.fromMs, ctx.toMs, (s) => s.agents), share) };
}

/** The fewest agents meeting the goal in each 15-minute interval (aligned to the quarter hour) of the period. */
export function erlangCapacity(queue: RecordedQueue, ctx: StaffingContext): CapacityStep[] {
  const steps: CapacityStep[] = [];
  let next = 0;
  for (let start = Math.floor(ctx.fromMs / ERLANG_INTERVAL_MS) * ERLANG_INTERVAL_MS; start < ctx.toMs; start += ERLANG_INTERVAL_MS) {
    const from = Math.max(start, ctx.fromMs);
    const to = Math.min(start + ERLANG_INTERVAL_MS, ctx.toMs);
    let count = 0;
    while (next < ctx.arrivals.length && ctx.arrivals[next] < to) {
      if (ctx.arrivals[next] >= from) count++;
      next++;
    }
    const agents = agentsNeeded({
      arrivalsPerSecond: count / ((to - from) / 1000),
      handlingSeconds: ctx.meanHandlingSeconds,
      targetSeconds: queue.slaTargetSeconds,
      goal: queue.slaGoal,
    });
    steps.push({ atMs: from, agents });
  }
  return steps;
}

/** In-house and partner agent-hours of the recorded history within [fromMs, toMs). */
function recordedHours(staffing: readonly StaffingStep[], fromMs: number, toMs: number): { inhouse: number; partner: number } {
  return {
    inhouse: integrate(staffing, fromMs, toMs, (s) => s.inhouse),
    partner: integrate(staffing, fromMs, toMs, (s) => s.partner),
  };
}

function recordedShare(hours: { inhouse: number; partner: number }): number {
  const total = hours.inhouse + hours.partner;
  return total > 0 ? hours.partner / total : 0;
}

function split(totalHours: number, partnerShare: number): { agentHoursInhouse: number; agentHoursPartner: number } {
  return { agentHoursInhouse: totalHours * (1 - partnerShare), agentHoursPartner: totalHours * partnerShare };
}

/** Hours of a step function's value over [fromMs, toMs) (0 before its first step). */
export function integrate<S extends { atMs: number }>(steps: readonly S[], fromMs: number, toMs: number, value: (s: S) => number): number {
  let total = 0;
  for (let i = 0; i < steps.length; i++) {
    const start = Math.max(steps[i].atMs, fromMs);
    const end = Math.min(i + 1 < steps.length ? steps[i + 1].atMs : Infinity, toMs);
    if (end > start) total += value(steps[i]) * (end - start);
  }
  return total / HOUR_MS;
}
