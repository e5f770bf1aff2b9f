/** The sentence a screen reader hears for a scorecard sparkline, worked out by hand. */
import { describe, expect, it } from 'vitest';
import { trendSummary } from '../client/src/components/decision/TrendSparkline';
import { formatPercent } from '../client/src/format';

describe('trendSummary', () => {
  it('counts the measured buckets and gives the lowest, highest and latest, skipping gaps', () => {
    expect(trendSummary('SLA', 'day', [0.9, null, 0.75, 1, null], formatPercent)).toBe('SLA per day: 3 of 5 days measured, lowest 75%, highest 100%, latest 100%');
    expect(trendSummary('SLA', 'hour', [null, 0.5], formatPercent)).toBe('SLA per hour: 1 of 2 hours measured, lowest 50%, highest 50%, latest 50%');
  });

  it('says so when nothing was measured', () => {
    expect(trendSummary('Answer p50', 'day', [null, null], String)).toBe('Answer p50 per day: nothing to measure in this range');
    expect(trendSummary('Answer p50', 'day', [], String)).toBe('Answer p50 per day: nothing to measure in this range');
  });
});
