/**
 * The recorded period of `POST /api/what-if` (SPEC section 12) from the store's reads: arrivals
 * (task.created in the period), handling times (assigned, else started -> completed, for the tasks
 * completed in it), the staffing step function per kind of team, the cost of an agent-hour per kind
 * (the teams' `cost_per_agent_hour` weighted by their recorded hours) and the SLA attainment measured
 * per queue for the calibration. A partner a scenario drops (issue 11, business continuity) hands
 * its agents to the next partner contracted for the queue, or, when there is none, to the in-house teams.
 */
import type { OpsConfig, TeamConfig } from '../../contracts/config.js';
import type { MetricsStore, PeriodTask, StaffingChange } from '../../streams/metrics-store.js';
import { integrate } from './agents-on-duty.js';
import type { RecordedPeriod, RecordedQueue, StaffingStep } from './what-if-types.js';

/** Assignments up to this long before the period still give its completions a handling time. */
export const PERIOD_LEAD_MS = 3600_000;
/** Starts up to this long after the period still count for the measured SLA of its tasks. */
export const PERIOD_TAIL_MS = 24 * 3600_000;

/** What the store recorded around a period, read once and shared by every scenario. */
export interface PeriodFacts {
  fromMs: number;
  toMs: number;
  tasks: PeriodTask[];
  staffing: StaffingChange[];
}

export interface PeriodOf {
  period: RecordedPeriod;
  measuredSlaByQueue: Record<string, number | null>;
}

/** Reads the facts of [fromMs, toMs) from the store: two reads whose cost follows the period. */
export async function readPeriodFacts(store: Pick<MetricsStore, 'periodTasks' | 'staffingHistory'>, fromMs: number, toMs: number): Promise<PeriodFacts> {
  const [tasks, staffing] = await Promise.all([store.periodTasks(fromMs - PERIOD_LEAD_MS, toMs + PERIOD_TAIL_MS), store.staffingHistory(fromMs, toMs)]);
  return { fromMs, toMs, tasks, staffing };
}

/** Whether the period holds anything to replay: a task created in it or staffing on duty. */
export function hasData(facts: PeriodFacts): boolean {
  return facts.tasks.some((t) => t.createdAt !== null && t.createdAt >= facts.fromMs && t.createdAt < facts.toMs) || facts.staffing.some((s) => s.agents > 0);
}

/**
 * Who takes a team's agents on a queue when `dropped` partners are unavailable: the team itself if
 * not dropped; else the next partner after it in the configuration's order (wrapping round)
 * contracted for the queue and not dropped; else undefined (the in-house teams take them).
 */
export function replacementOf(config: OpsConfig, queue: string, team: string, dropped: ReadonlySet<string>): TeamConfig | undefined {
  const own = config.teamIndex.get(team);
  if (!dropped.has(team)) return own;
  const teams = config.teams;
  const at = teams.findIndex((t) => t.id === team);
  for (let k = 1; k <= teams.length; k++) {
    const t = teams[(at + k) % teams.length];
    if (t.kind === 'partner' && !dropped.has(t.id) && t.queues.includes(queue)) return t;
  }
  return undefined;
}

/** Whether a partner contracted for the queue remains once `dropped` are gone. */
export function partnerRemains(config: OpsConfig, queue: string, dropped: ReadonlySet<string>): boolean {
  return config.teams.some((t) => t.kind === 'partner' && !dropped.has(t.id) && t.queues.includes(queue));
}

/** The recorded period with `dropped` partners' agents moved (see replacementOf). */
export function periodOf(facts: PeriodFacts, config: OpsConfig, dropped: ReadonlySet<string> = new Set()): PeriodOf {
  const { fromMs, toMs } = facts;
  const tasksByQueue = groupBy(facts.tasks, (t) => t.queue);
  const staffingByQueue = groupBy(facts.staffing, (s) => s.queue);
  const measuredSlaByQueue: Record<string, number | null> = {};
  const queues: RecordedQueue[] = config.queues.map((q) => {
    const tasks = tasksByQueue.get(q.id) ?? [];
    const targetMs = q.sla.target_seconds * 1000;
    const arrivals: number[] = [];
    const handlingSeconds: number[] = [];
    let measured = 0;
    let met = 0;
    for (const t of tasks) {
      if (t.completedAt !== null && t.completedAt >= fromMs && t.completedAt < toMs && t.heldAt !== null && t.heldAt <= t.completedAt) {
        handlingSeconds.push((t.completedAt - t.heldAt) / 1000);
      }
      if (t.createdAt === null || t.createdAt < fromMs || t.createdAt >= toMs) continue;
      arrivals.push(t.createdAt);
      if (t.cancelledAt !== null) continue;
      measured++;
      if (t.startAt !== null && t.startAt - t.createdAt <= targetMs) met++;
    }
    measuredSlaByQueue[q.id] = measured === 0 ? null : met / measured;
    const { steps, hoursByTeam } = staffingOf(config, q.id, staffingByQueue.get(q.id) ?? [], fromMs, toMs, dropped);
    return {
      id: q.id,
      slaTargetSeconds: q.sla.target_seconds,
      slaGoal: q.sla.goal,
      sensitive: q.sensitive,
      arrivals: arrivals.sort((a, b) => a - b),
      handlingSeconds,
      defaultHandlingSeconds: q.handling_seconds,
      staffing: steps,
      costPerAgentHourInhouse: costRate(config, q.id, 'inhouse', hoursByTeam, dropped),
      costPerAgentHourPartner: costRate(config, q.id, 'partner', hoursByTeam, dropped),
    };
  });
  return { period: { fromMs, toMs, queues }, measuredSlaByQueue };
}

/** The step function per kind (changes before `fromMs` count from it) and the recorded hours per team taking them. */
function staffingOf(config: OpsConfig, queue: string, changes: readonly StaffingChange[], fromMs: number, toMs: number, dropped: ReadonlySet<string>) {
  const agentsByTeam = new Map<string, number>();
  const steps: StaffingStep[] = [];
  /** Per team taking the agents ('' for the in-house teams at large): its own step function. */
  const byTeam = new Map<string, { atMs: number; agents: number }[]>();
  for (const c of changes) {
    if (c.atMs >= toMs) continue;
    agentsByTeam.set(c.team, c.agents);
    const atMs = Math.max(c.atMs, fromMs);
    let inhouse = 0;
    let partner = 0;
    const taken = new Map<string, number>();
    for (const [team, agents] of agentsByTeam) {
      const to = replacementOf(config, queue, team, dropped);
      if (to?.kind === 'partner') partner += agents;
      else inhouse += agents;
      const key = to?.id ?? '';
      taken.set(key, (taken.get(key) ?? 0) + agents);
    }
    const last = steps.at(-1);
    if (last && last.atMs === atMs) Object.assign(last, { inhouse, partner });
    else steps.push({ atMs, inhouse, partner });
    for (const key of new Set([...byTeam.keys(), ...taken.keys()])) {
      let list = byTeam.get(key);
      if (!list) byTeam.set(key, (list = []));
      const agents = taken.get(key) ?? 0;
      if (list.at(-1)?.atMs === atMs) list.at(-1)!.agents = agents;
      else list.push({ atMs, agents });
    }
  }
  const hoursByTeam = new Map([...byTeam].map(([team, list]) => [team, integrate(list, fromMs, toMs, (s) => s.agents)]));
  return { steps, hoursByTeam };
}

/**
 * An agent-hour's cost for one kind on a queue: the teams' costs weighted by the hours they took
 * (after `dropped` moved theirs); with no hours, the mean cost of the teams of that kind contracted
 * for the queue; 0 when no such team has a cost.
 */
function costRate(config: OpsConfig, queue: string, kind: 'inhouse' | 'partner', hoursByTeam: ReadonlyMap<string, number>, dropped: ReadonlySet<string>): number {
  let hours = 0;
  let cost = 0;
  for (const [team, h] of hoursByTeam) {
    const t = config.teamIndex.get(team);
    if (t?.kind !== kind || t.cost_per_agent_hour === undefined || !(h > 0)) continue;
    hours += h;
    cost += h * t.cost_per_agent_hour;
  }
  if (hours > 0) return cost / hours;
  const priced = config.teams.filter((t) => t.kind === kind && !dropped.has(t.id) && t.queues.includes(queue) && t.cost_per_agent_hour !== undefined);
  return priced.length === 0 ? 0 : priced.reduce((n, t) => n + t.cost_per_agent_hour!, 0) / priced.length;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    let list = out.get(k);
    if (!list) out.set(k, (list = []));
    list.push(item);
  }
  return out;
}
