import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { agentsNeeded, averageWaitSeconds, erlangB, erlangC, serviceLevel } from '../server/alerts/erlang-c.js';

/**
 * Reference Erlang C straight from its definition, summed in log space so that it stays exact
 * for thousands of agents: C = (A^N/N! · N/(N-A)) / (Σ_{k<N} A^k/k! + A^N/N! · N/(N-A)).
 */
function referenceErlangC(agents: number, erlangs: number): number {
  const logTerms: number[] = [];
  let logTerm = 0; // log(A^0 / 0!)
  for (let k = 0; k < agents; k++) {
    logTerms.push(logTerm);
    logTerm += Math.log(erlangs) - Math.log(k + 1);
  }
  const logLast = logTerm + Math.log(agents / (agents - erlangs));
  const max = Math.max(logLast, ...logTerms);
  const sum = logTerms.reduce((s, t) => s + Math.exp(t - max), 0) + Math.exp(logLast - max);
  return Math.exp(logLast - max) / sum;
}

describe('Erlang B against the published table', () => {
  // Offered traffic (Erlangs) that N trunks carry at a 1% and a 5% grade of service, as printed
  // in the standard Erlang B tables (two decimals, so the blocking matches to about 1e-3).
  const onePercent: [number, number][] = [[1, 0.0101], [2, 0.153], [5, 1.36], [10, 4.46], [20, 12.03], [50, 37.9], [100, 84.06]];
  const fivePercent: [number, number][] = [[1, 0.0526], [5, 2.22], [10, 6.22], [20, 15.25], [100, 95.24]];
  it.each(onePercent)('%i trunks carry %f Erlangs at 1%% blocking', (n, a) => {
    expect(erlangB(n, a)).toBeCloseTo(0.01, 3);
  });
  it.each(fivePercent)('%i trunks carry %f Erlangs at 5%% blocking', (n, a) => {
    expect(erlangB(n, a)).toBeCloseTo(0.05, 3);
  });
  it('has the textbook closed forms for small systems', () => {
    expect(erlangB(1, 1)).toBeCloseTo(0.5, 12);
    expect(erlangB(2, 1)).toBeCloseTo(0.2, 12);
    expect(erlangB(0, 3)).toBe(1);
  });
});

describe('Erlang C against published examples', () => {
  it('M/M/2 and M/M/3 closed forms', () => {
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 12);
    expect(erlangC(3, 2)).toBeCloseTo(4 / 9, 12);
  });

  it('the classic worked example: 360 tasks per half hour, 240 s handling, 55 agents, 15 s target', () => {
    const erlangs = (360 / 1800) * 240; // 48
    expect(erlangC(55, erlangs)).toBeCloseTo(0.2387, 4);
    expect(averageWaitSeconds(55, erlangs, 240)).toBeCloseTo(8.18, 2);
    expect(serviceLevel(55, erlangs, 15, 240)).toBeCloseTo(0.8459, 4);
  });

  it('the call-centre table for 10 Erlangs (100 tasks per 30 min, 180 s, 80% in 20 s): 14 agents', () => {
    const table: [number, number, number][] = [
      // agents, probability of waiting, service level
      [11, 0.6821, 0.3896],
      [12, 0.4494, 0.6402],
      [13, 0.2853, 0.7956],
      [14, 0.1741, 0.8884],
      [15, 0.102, 0.9415],
    ];
    for (const [n, pw, sl] of table) {
      expect(erlangC(n, 10)).toBeCloseTo(pw, 4);
      expect(serviceLevel(n, 10, 20, 180)).toBeCloseTo(sl, 4);
    }
    expect(agentsNeeded({ arrivalsPerSecond: 100 / 1800, handlingSeconds: 180, targetSeconds: 20, goal: 0.8 })).toBe(14);
  });

  it('is 1 when the agents cannot keep up and 0 with no traffic', () => {
    expect(erlangC(5, 5)).toBe(1);
    expect(erlangC(4, 5)).toBe(1);
    expect(serviceLevel(5, 5, 60, 300)).toBe(0);
    expect(erlangC(5, 0)).toBe(0);
    expect(serviceLevel(0, 0, 60, 300)).toBe(1);
    expect(agentsNeeded({ arrivalsPerSecond: 0, handlingSeconds: 300, targetSeconds: 60, goal: 0.9 })).toBe(0);
  });

  it('stays finite and right where factorials overflow (thousands of agents)', () => {
    const c = erlangC(2000, 1950);
    expect(Number.isFinite(c)).toBe(true);
    expect(c).toBeCloseTo(referenceErlangC(2000, 1950), 10);
    const n = agentsNeeded({ arrivalsPerSecond: 10_000 / 3600, handlingSeconds: 3600, targetSeconds: 20, goal: 0.9 });
    expect(n).toBeGreaterThan(10_000);
    expect(n).toBeLessThan(10_200);
  });

  it('matches the definition on random systems', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.double({ min: 0.01, max: 0.999, noNaN: true }), (agents, load) => {
        const erlangs = agents * load;
        expect(erlangC(agents, erlangs)).toBeCloseTo(referenceErlangC(agents, erlangs), 9);
      }),
    );
  });

  it('agentsNeeded is the fewest agents that meet the goal', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.0001, max: 2, noNaN: true }),
        fc.integer({ min: 30, max: 1800 }),
        fc.integer({ min: 0, max: 28_800 }),
        fc.double({ min: 0.5, max: 0.99, noNaN: true }),
        (rate, handling, target, goal) => {
          const n = agentsNeeded({ arrivalsPerSecond: rate, handlingSeconds: handling, targetSeconds: target, goal });
          const erlangs = rate * handling;
          expect(n).toBeGreaterThan(erlangs);
          expect(serviceLevel(n, erlangs, target, handling)).toBeGreaterThanOrEqual(goal);
          expect(serviceLevel(n - 1, erlangs, target, handling)).toBeLessThan(goal);
        },
      ),
    );
  });
});
