/**
 * The shapes of the operating-model what-if (SPEC section 12): what was recorded over a period
 * (the engine's input, built by the route from the store), the scenarios to replay it under, and
 * the answer per scenario and queue. The engine reads no configuration and no store itself.
 */

/** Agents on a queue from `atMs` until the next step: a step function over time. */
export interface StaffingStep {
  atMs: number;
  inhouse: number;
  partner: number;
}

/** One queue as recorded over the period. */
export interface RecordedQueue {
  id: string;
  slaTargetSeconds: number;
  /** Share of tasks to start within the target; what 'erlang' staffs for. */
  slaGoal: number;
  /** Must stay in-house: a scenario may not give it a partner share above 0. */
  sensitive: boolean;
  /** `task.created` instants (epoch ms), sorted ascending. */
  arrivals: readonly number[];
  /**
   * How long an agent was held by each recorded task, in seconds: assigned (else started) ->
   * completed. NOTE: SPEC 12 says started -> completed; the assignment is when the agent is taken
   * (see period-from-events.ts for what calibration showed).
   */
  handlingSeconds: readonly number[];
  /** Mean handling time used when too few durations were recorded (config `handling_seconds`). */
  defaultHandlingSeconds: number;
  /**
   * The staffing.updated history summed per kind of team, sorted by `atMs`. The state in effect
   * at `fromMs` must be included (a step at or before `fromMs`); before the first step: 0 agents.
   */
  staffing: readonly StaffingStep[];
  costPerAgentHourInhouse: number;
  costPerAgentHourPartner: number;
}

/** What was recorded over [fromMs, toMs). */
export interface RecordedPeriod {
  fromMs: number;
  toMs: number;
  queues: readonly RecordedQueue[];
}

/** `recorded`: the staffing history; `erlang`: what Erlang C needs per 15 minutes; a number: fixed. */
export type AgentsChoice = 'recorded' | 'erlang' | number;

export interface QueueScenario {
  agents: AgentsChoice;
  /** Share of the agents that are the partners' (default: as recorded). */
  partner_share?: number;
}

/** A scenario as the request carries it: queues not named keep `recorded`. */
export interface Scenario {
  name: string;
  queues: Readonly<Record<string, QueueScenario>>;
}

/** One queue's outcome under one scenario (SPEC 12). */
export interface QueueOutcome {
  queue: string;
  tasks: number;
  /** Share of tasks started within the target; null when no tasks arrived. */
  sla_attainment: number | null;
  /** Nearest-rank percentiles of the wait; null when no tasks, or when the rank falls on a task never started. */
  wait_p50_seconds: number | null;
  wait_p90_seconds: number | null;
  agent_hours_inhouse: number;
  agent_hours_partner: number;
  cost: number;
}

export interface ScenarioTotals {
  tasks: number;
  sla_attainment: number | null;
  agent_hours_inhouse: number;
  agent_hours_partner: number;
  cost: number;
}

export interface ScenarioOutcome {
  name: string;
  queues: QueueOutcome[];
  totals: ScenarioTotals;
}

/** The recorded scenario replayed against what was measured (SPEC 12 `calibration.queues`). */
export interface CalibrationEntry {
  queue: string;
  recorded_sla_attainment: number | null;
  replayed_sla_attainment: number | null;
}

/** The answer of `POST /api/what-if` (SPEC 12). */
export interface WhatIfAnswer {
  from: string;
  to: string;
  calibration: { queues: CalibrationEntry[] };
  scenarios: ScenarioOutcome[];
}
