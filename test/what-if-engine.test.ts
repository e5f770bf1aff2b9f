/**
 * The what-if engine (SPEC section 12, issue 11): the replayed wait distribution against
 * closed-form M/M/c (Erlang C), the FIFO replay against a brute-force reference, more agents never
 * lowering the SLA, determinism for a seed, sensitive queues refused, the request schema, and
 * agent-hours, cost and waits worked out by hand on tiny periods.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../contracts/errors.js';
import { agentsNeeded, erlangC } from '../server/alerts/erlang-c.js';
import { mulberry32, exponential } from '../seed/random.js';
import type { CapacityStep } from '../server/what-if/agents-on-duty.js';
import { replayQueue } from '../server/what-if/queue-replay.js';
import { replay } from '../server/what-if/replay.js';
import { parseWhatIfRequest } from '../server/what-if/what-if-request.js';
import type { QueueOutcome, RecordedPeriod, RecordedQueue, Scenario } from '../server/what-if/what-if-types.js';

const FROM = Date.parse('2026-10-05T00:00:00.000Z');
const HOUR_MS = 3600_000;

function queue(id: string, fields: Partial<RecordedQueue> = {}): RecordedQueue {
  return {
    id,
    slaTargetSeconds: 900,
    slaGoal: 0.9,
    sensitive: false,
    arrivals: [],
    handlingSeconds: [],
    defaultHandlingSeconds: 300,
    staffing: [],
    costPerAgentHourInhouse: 0,
    costPerAgentHourPartner: 0,
    ...fields,
  };
}

/** Poisson arrivals (per second) from FROM over `seconds`, in ms. */
function poissonArrivals(seed: number, perSecond: number, seconds: number): number[] {
  const rand = mulberry32(seed);
  const out: number[] = [];
  for (let t = exponential(rand, perSecond); t < seconds; t += exponential(rand, perSecond)) out.push(FROM + t * 1000);
  return out;
}

const only = (s: Scenario) => (p: RecordedPeriod, seed = 1) => replay(p, [s], seed)[0];
const asRecordedScenario: Scenario = { name: 'as recorded', queues: {} };
const asRecorded = only(asRecordedScenario);

describe('against closed-form M/M/c: P(W > t) = C(c, a) exp(-(c mu - lambda) t)', () => {
  // lambda per second, mean handling (s), agents, targets t (s); bootstrap: handling resampled from
  // recorded exponential durations, else drawn from the exponential fallback (too few recorded).
  const settings = [
    { lambda: 1 / 60, handling: 300, agents: 6, targets: [0, 60, 300], bootstrap: true },
    { lambda: 2 / 60, handling: 240, agents: 10, targets: [0, 30, 120], bootstrap: false },
    { lambda: 1 / 60, handling: 120, agents: 3, targets: [0, 60], bootstrap: true },
  ];
  it.each(settings)('lambda $lambda/s, handling $handling s, $agents agents', ({ lambda, handling, agents, targets, bootstrap }) => {
    const tasks = 150_000;
    const seconds = tasks / lambda;
    const rand = mulberry32(99);
    const recorded = bootstrap ? Array.from({ length: 20_000 }, () => exponential(rand, 1 / handling)) : [];
    const arrivals = poissonArrivals(5, lambda, seconds);
    const period: RecordedPeriod = {
      fromMs: FROM,
      toMs: FROM + seconds * 1000,
      queues: targets.map((t) => queue(`q-${t}`, { slaTargetSeconds: t, arrivals, handlingSeconds: recorded, defaultHandlingSeconds: handling })),
    };
    const fixed = only({ name: 'fixed', queues: Object.fromEntries(targets.map((t) => [`q-${t}`, { agents }])) });
    const outcome = fixed(period, 3);
    const a = lambda * handling;
    for (const [i, t] of targets.entries()) {
      const closedForm = erlangC(agents, a) * Math.exp(-(agents / handling - lambda) * t);
      const replayed = 1 - outcome.queues[i].sla_attainment!;
      expect(Math.abs(replayed - closedForm), `t = ${t}: replayed ${replayed}, Erlang C ${closedForm}`).toBeLessThan(0.02);
    }
  });
});

/** Brute force: each task in turn starts at the first instant it is first in line and fewer agents are busy than on duty. */
function referenceWaits(arrivals: number[], handlingMs: number[], capacity: CapacityStep[]): number[] {
  const starts: number[] = [];
  for (let i = 0; i < arrivals.length; i++) {
    let t = Math.max(arrivals[i], i > 0 ? starts[i - 1] : -Infinity);
    for (;;) {
      const ends = starts.map((s, j) => s + handlingMs[j]).filter((end) => end > t);
      const inEffect = capacity.filter((s) => s.atMs <= t).at(-1);
      if (ends.length < (inEffect?.agents ?? 0)) break;
      t = Math.min(...ends, ...capacity.filter((s) => s.atMs > t).map((s) => s.atMs));
      if (t === Infinity) break;
    }
    starts.push(t);
  }
  return starts.map((s, i) => (s === Infinity ? Infinity : (s - arrivals[i]) / 1000));
}

const sortedInts = (max: number, maxLength: number) => fc.array(fc.integer({ min: 0, max }), { maxLength }).map((xs) => xs.sort((a, b) => a - b));

describe('the FIFO replay', () => {
  it('matches a brute-force reference on random arrivals, handling and staffing', () => {
    fc.assert(
      fc.property(
        sortedInts(4 * HOUR_MS, 60),
        fc.array(fc.integer({ min: 1, max: HOUR_MS }), { minLength: 60, maxLength: 60 }),
        fc.array(fc.record({ atMs: fc.integer({ min: 0, max: 5 * HOUR_MS }), agents: fc.integer({ min: 0, max: 4 }) }), { maxLength: 8 }),
        (arrivals, handling, steps) => {
          const capacity = [...steps].sort((a, b) => a.atMs - b.atMs);
          const waits = replayQueue(arrivals, Float64Array.from(handling.slice(0, arrivals.length)), capacity);
          expect([...waits]).toEqual(referenceWaits(arrivals, handling, capacity));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('more agents never give a lower SLA attainment (same arrivals, same seed)', () => {
  const waitAtMost = (more: QueueOutcome, fewer: QueueOutcome, key: 'wait_p50_seconds' | 'wait_p90_seconds') =>
    more.tasks === 0 || (more[key] ?? Infinity) <= (fewer[key] ?? Infinity);

  it('recorded staffing with agents added at every step, and fixed n against n + k', () => {
    fc.assert(
      fc.property(
        sortedInts(4 * HOUR_MS, 120),
        fc.array(fc.integer({ min: 1, max: 3600 }), { maxLength: 50 }),
        fc.array(fc.record({ atMs: fc.integer({ min: 0, max: 4 * HOUR_MS }), agents: fc.integer({ min: 0, max: 4 }), extra: fc.integer({ min: 0, max: 3 }) }), { maxLength: 8 }),
        fc.integer({ min: 0, max: 3600 }),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 1, max: 3 }),
        fc.nat(),
        (offsets, handlingSeconds, steps, target, n, k, seed) => {
          const sorted = [...steps].sort((a, b) => a.atMs - b.atMs);
          const base = { slaTargetSeconds: target, arrivals: offsets.map((o) => FROM + o), handlingSeconds };
          const fewer = queue('q', { ...base, staffing: sorted.map((s) => ({ atMs: FROM + s.atMs, inhouse: s.agents, partner: 0 })) });
          const more = queue('q', { ...base, staffing: sorted.map((s) => ({ atMs: FROM + s.atMs, inhouse: s.agents, partner: s.extra })) });
          const period = (q: RecordedQueue): RecordedPeriod => ({ fromMs: FROM, toMs: FROM + 4 * HOUR_MS, queues: [q] });
          const pairs = [
            [asRecorded(period(more), seed).queues[0], asRecorded(period(fewer), seed).queues[0]],
            [only({ name: 'n+k', queues: { q: { agents: n + k } } })(period(fewer), seed).queues[0], only({ name: 'n', queues: { q: { agents: n } } })(period(fewer), seed).queues[0]],
          ];
          for (const [hi, lo] of pairs) {
            expect(hi.tasks).toBe(lo.tasks);
            if (hi.tasks > 0) expect(hi.sla_attainment!).toBeGreaterThanOrEqual(lo.sla_attainment!);
            expect(waitAtMost(hi, lo, 'wait_p50_seconds') && waitAtMost(hi, lo, 'wait_p90_seconds')).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('determinism', () => {
  const rand = mulberry32(3);
  const period: RecordedPeriod = {
    fromMs: FROM,
    toMs: FROM + 24 * HOUR_MS,
    queues: [
      queue('busy', { arrivals: poissonArrivals(1, 1 / 60, 24 * 3600), handlingSeconds: Array.from({ length: 500 }, () => exponential(rand, 1 / 280)), staffing: [{ atMs: FROM, inhouse: 4, partner: 2 }] }),
      queue('quiet', { arrivals: poissonArrivals(2, 1 / 600, 24 * 3600), staffing: [{ atMs: FROM, inhouse: 1, partner: 0 }] }),
    ],
  };
  const scenarios: Scenario[] = [
    { name: 'as recorded', queues: {} },
    { name: 'erlang', queues: { busy: { agents: 'erlang', partner_share: 0.3 }, quiet: { agents: 1 } } },
  ];

  it('gives the same answer for the same input and seed', () => {
    expect(replay(period, scenarios, 7)).toEqual(replay(structuredClone(period), structuredClone(scenarios), 7));
  });

  it('draws other handling times, so other waits, for another seed', () => {
    const waits = (seed: number) => replay(period, scenarios, seed).flatMap((s) => s.queues.map((q) => [q.wait_p50_seconds, q.wait_p90_seconds]));
    expect(waits(8)).not.toEqual(waits(7));
    expect(waits(9)).not.toEqual(waits(7));
  });
});

describe('sensitive queues stay in-house', () => {
  const period: RecordedPeriod = { fromMs: FROM, toMs: FROM + HOUR_MS, queues: [queue('billing'), queue('documentation', { sensitive: true })] };

  it('refuses a partner share above 0 on a sensitive queue, naming the queue', () => {
    const scenario: Scenario = { name: 'hybrid', queues: { billing: { agents: 'recorded', partner_share: 0.5 }, documentation: { agents: 3, partner_share: 0.2 } } };
    expect(() => replay(period, [scenario], 1)).toThrow(DomainError);
    expect(() => replay(period, [scenario], 1)).toThrow(/^scenarios\.0\.queues\.documentation\.partner_share: queue "documentation" is sensitive/);
    try {
      replay(period, [scenario], 1);
    } catch (err) {
      expect((err as DomainError).kind).toBe('invalid');
    }
  });

  it('takes partner_share 0 (or none) on a sensitive queue, and refuses a queue it does not know', () => {
    expect(() => replay(period, [{ name: 'a', queues: { documentation: { agents: 'erlang', partner_share: 0 } } }, { name: 'b', queues: { documentation: { agents: 2 } } }], 1)).not.toThrow();
    expect(() => replay(period, [asRecordedScenario, { name: 'a', queues: { radiology: { agents: 2 } } }], 1)).toThrow(/^scenarios\.1\.queues\.radiology: no such queue/);
    expect(() => replay(period, [{ name: 'a', queues: { 'free text here': { agents: 2 } } }], 1)).toThrow('scenarios.0.queues.(name not shown): no such queue');
  });
});

describe('the request schema names the field it refuses', () => {
  const ok = { from: '2026-10-05T00:00:00Z', to: '2026-10-12T00:00:00Z', seed: 7, scenarios: [{ name: 'hybrid', queues: { billing: { agents: 'recorded', partner_share: 0.5 } } }] };
  const scenario = (queues: unknown) => ({ ...ok, scenarios: [{ name: 'x', queues }] });

  it('takes the body of SPEC 12', () => {
    expect(parseWhatIfRequest(ok)).toEqual(ok);
    expect(parseWhatIfRequest(scenario({ a: { agents: 'erlang' }, b: { agents: 0 }, c: { agents: 10_000, partner_share: 1 } })).scenarios[0].queues.c).toEqual({ agents: 10_000, partner_share: 1 });
  });

  it.each([
    ['no scenario', { ...ok, scenarios: [] }, 'scenarios'],
    ['five scenarios', { ...ok, scenarios: [1, 2, 3, 4, 5].map((i) => ({ name: `s${i}`, queues: {} })) }, 'scenarios'],
    ['agents a word', scenario({ billing: { agents: 'lots' } }), 'scenarios.0.queues.billing.agents'],
    ['agents a fraction', scenario({ billing: { agents: 2.5 } }), 'scenarios.0.queues.billing.agents'],
    ['agents over 10000', scenario({ billing: { agents: 10_001 } }), 'scenarios.0.queues.billing.agents'],
    ['agents negative', scenario({ billing: { agents: -1 } }), 'scenarios.0.queues.billing.agents'],
    ['partner_share above 1', scenario({ billing: { agents: 3, partner_share: 1.5 } }), 'scenarios.0.queues.billing.partner_share'],
    ['partner_share below 0', scenario({ billing: { agents: 3, partner_share: -0.1 } }), 'scenarios.0.queues.billing.partner_share'],
    ['to before from', { ...ok, to: '2026-10-01T00:00:00Z' }, 'to'],
    ['from not a date', { ...ok, from: 'yesterday' }, 'from'],
    ['no seed', { ...ok, seed: undefined }, 'seed'],
    ['two scenarios of one name', { ...ok, scenarios: [ok.scenarios[0], ok.scenarios[0]] }, 'scenarios.1.name'],
  ])('%s', (_, body, field) => {
    expect(() => parseWhatIfRequest(body)).toThrow(DomainError);
    expect(() => parseWhatIfRequest(body)).toThrow(new RegExp(`(^|; )${field.replaceAll('.', '\\.')}: `));
  });
});

describe('worked by hand', () => {
  const hour: Pick<RecordedPeriod, 'fromMs' | 'toMs'> = { fromMs: FROM, toMs: FROM + HOUR_MS };

  it('2 agents fixed for 1 hour, share 0.5, costs 40 and 60: 1 h in-house, 1 h partner, cost 100', () => {
    const period = { ...hour, queues: [queue('q', { costPerAgentHourInhouse: 40, costPerAgentHourPartner: 60 })] };
    const q = only({ name: 'x', queues: { q: { agents: 2, partner_share: 0.5 } } })(period).queues[0];
    expect([q.agent_hours_inhouse, q.agent_hours_partner, q.cost]).toEqual([1, 1, 100]);
  });

  it('recorded 2 + 1 for 30 minutes then 1 + 0: 1.5 h in-house, 0.5 h partner; a fixed number keeps that share', () => {
    const staffing = [
      { atMs: FROM - HOUR_MS, inhouse: 2, partner: 1 },
      { atMs: FROM + HOUR_MS / 2, inhouse: 1, partner: 0 },
    ];
    const period = { ...hour, queues: [queue('q', { staffing, costPerAgentHourInhouse: 40, costPerAgentHourPartner: 60 })] };
    expect(asRecorded(period).queues[0]).toMatchObject({ agent_hours_inhouse: 1.5, agent_hours_partner: 0.5, cost: 90 });
    // 0.5 of 2 agent-hours were the partners': 4 agents for an hour split 3 + 1.
    expect(only({ name: 'x', queues: { q: { agents: 4 } } })(period).queues[0]).toMatchObject({ agent_hours_inhouse: 3, agent_hours_partner: 1, cost: 180 });
    expect(asRecorded({ ...period, queues: [{ ...period.queues[0], costPerAgentHourInhouse: 0 }] }).totals.cost).toBe(30);
  });

  it('four tasks at once, one agent, 600 s each, target 900 s: waits 0, 600, 1200, 1800', () => {
    const period = { ...hour, queues: [queue('q', { arrivals: [FROM, FROM, FROM, FROM], handlingSeconds: Array(30).fill(600) })] };
    const q = only({ name: 'one', queues: { q: { agents: 1 } } })(period).queues[0];
    expect(q).toMatchObject({ tasks: 4, sla_attainment: 0.5, wait_p50_seconds: 600, wait_p90_seconds: 1800 });
    const nobody = only({ name: 'none', queues: { q: { agents: 0 } } })(period);
    expect(nobody.queues[0]).toMatchObject({ tasks: 4, sla_attainment: 0, wait_p50_seconds: null, wait_p90_seconds: null });
    expect(nobody.totals).toMatchObject({ tasks: 4, sla_attainment: 0 });
  });

  it('after the period the agents on duty at its end carry on; steps after it do not count', () => {
    const at = (minutes: number, inhouse: number) => ({ atMs: FROM + minutes * 60_000, inhouse, partner: 0 });
    const late = (staffing: RecordedQueue['staffing']) => ({ ...hour, queues: [queue('q', { arrivals: [FROM + 59 * 60_000], staffing })] });
    expect(asRecorded(late([at(0, 1), at(30, 0), at(120, 5)])).queues[0]).toMatchObject({ sla_attainment: 0, wait_p50_seconds: null });
    expect(asRecorded(late([at(0, 0), at(59.5, 1)])).queues[0]).toMatchObject({ sla_attainment: 1, wait_p50_seconds: 30 });
  });

  it('no tasks: SLA and waits null; erlang staffs each quarter hour for its own arrivals', () => {
    expect(asRecorded({ ...hour, queues: [queue('q')] }).queues[0]).toMatchObject({ tasks: 0, sla_attainment: null, wait_p50_seconds: null });
    // 30 arrivals in the first quarter hour, none after: Erlang C agents for 30 / 900 s, then 0.
    const arrivals = Array.from({ length: 30 }, (_, i) => FROM + i * 30_000);
    const period = { ...hour, queues: [queue('q', { arrivals, slaTargetSeconds: 60, slaGoal: 0.8, costPerAgentHourInhouse: 10 })] };
    const needed = agentsNeeded({ arrivalsPerSecond: 30 / 900, handlingSeconds: 300, targetSeconds: 60, goal: 0.8 });
    expect(only({ name: 'e', queues: { q: { agents: 'erlang', partner_share: 0 } } })(period).queues[0]).toMatchObject({ agent_hours_inhouse: needed / 4, cost: (needed / 4) * 10 });
  });
});
