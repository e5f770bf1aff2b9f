/**
 * Erlang C staffing (M/M/N: Poisson arrivals, exponential handling, N agents, one FIFO line):
 * the probability that a task waits, the share started within a target, and the fewest agents
 * that meet an SLA goal.
 *
 * NOTE: computed through the Erlang B recursion B(n) = A·B(n-1) / (n + A·B(n-1)), never with
 * A^N / N!: the factorial form overflows a double past N = 170 and loses precision long before,
 * while every step of the recursion stays in [0, 1].
 */

/** Erlang B: blocking probability of `agents` servers offered `erlangs` of traffic. */
export function erlangB(agents: number, erlangs: number): number {
  checkArgs(agents, erlangs);
  let b = 1;
  for (let n = 1; n <= agents; n++) b = (erlangs * b) / (n + erlangs * b);
  return b;
}

/** Erlang C from Erlang B of the same agents and load (valid for agents > erlangs). */
function erlangCFromB(agents: number, erlangs: number, b: number): number {
  return (agents * b) / (agents - erlangs * (1 - b));
}

/** Erlang C: probability that a task has to wait; 1 when the agents cannot keep up (N <= A). */
export function erlangC(agents: number, erlangs: number): number {
  checkArgs(agents, erlangs);
  if (erlangs === 0) return 0;
  if (agents <= erlangs) return 1;
  return erlangCFromB(agents, erlangs, erlangB(agents, erlangs));
}

/** Share of tasks started within `targetSeconds`: 1 - C·exp(-(N - A)·T / AHT); 0 when N <= A. */
export function serviceLevel(agents: number, erlangs: number, targetSeconds: number, handlingSeconds: number): number {
  checkArgs(agents, erlangs);
  if (erlangs === 0) return 1;
  if (agents <= erlangs) return 0;
  const c = erlangC(agents, erlangs);
  return clamp01(1 - c * Math.exp((-(agents - erlangs) * Math.max(0, targetSeconds)) / handlingSeconds));
}

/** Average wait before an agent starts a task (average speed of answer), in seconds; Infinity when N <= A. */
export function averageWaitSeconds(agents: number, erlangs: number, handlingSeconds: number): number {
  checkArgs(agents, erlangs);
  if (erlangs === 0) return 0;
  if (agents <= erlangs) return Infinity;
  return (erlangC(agents, erlangs) * handlingSeconds) / (agents - erlangs);
}

export interface StaffingQuestion {
  /** Arrivals per second. */
  arrivalsPerSecond: number;
  handlingSeconds: number;
  targetSeconds: number;
  /** Share to be started within the target, in (0, 1]. */
  goal: number;
}

/** Highest service level asked of the formula: at goal 1 no finite staff would do. */
const MAX_GOAL = 0.9999;

/**
 * The fewest agents whose Erlang C service level meets the goal; 0 when nothing arrives.
 * One pass of the Erlang B recursion up to the answer: O(answer), however large the load.
 */
export function agentsNeeded(q: StaffingQuestion): number {
  const erlangs = q.arrivalsPerSecond * q.handlingSeconds;
  if (!Number.isFinite(erlangs) || erlangs < 0) throw new RangeError(`load must be a finite number >= 0, got ${erlangs}`);
  if (!(q.handlingSeconds > 0)) throw new RangeError('handlingSeconds must be positive');
  if (erlangs === 0) return 0;
  const goal = Math.min(q.goal, MAX_GOAL);
  let b = 1;
  for (let n = 1; ; n++) {
    b = (erlangs * b) / (n + erlangs * b);
    if (n <= erlangs) continue;
    const c = erlangCFromB(n, erlangs, b);
    const level = 1 - c * Math.exp((-(n - erlangs) * Math.max(0, q.targetSeconds)) / q.handlingSeconds);
    if (level >= goal) return n;
  }
}

function checkArgs(agents: number, erlangs: number): void {
  if (!Number.isInteger(agents) || agents < 0) throw new RangeError(`agents must be an integer >= 0, got ${agents}`);
  if (!Number.isFinite(erlangs) || erlangs < 0) throw new RangeError(`erlangs must be a finite number >= 0, got ${erlangs}`);
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}
