/** The alert banner's words (client/src/alert-guidance-view.ts), worked out by hand. */
import { describe, expect, it } from 'vitest';
import { alertPhase, formatAlertPhase, formatAlertReason, formatAlertStatus, formatAskTotal, formatPartnerAsk } from '../client/src/alert-guidance-view';

describe('alert banner words', () => {
  it('names the state, covered reading as recovering; no guidance (an older server) fires', () => {
    expect(formatAlertStatus(undefined)).toBe('Firing');
    expect(formatAlertStatus({ status: 'covered' } as never)).toBe('Covered · recovering');
  });

  it('gives the lead view the same phase: a firing alert whose guidance is covered is covered', () => {
    expect(alertPhase({ state: 'firing', guidance: { status: 'covered' } as never })).toBe('covered');
    expect(alertPhase({ state: 'firing', guidance: { status: 'firing' } as never })).toBe('firing');
    expect(alertPhase({ state: 'firing' })).toBe('firing');
    expect(alertPhase({ state: 'pending' })).toBe('pending');
    expect(alertPhase({ state: 'resolved' })).toBe('resolved');
    expect(formatAlertPhase('resolved')).toBe('Resolved');
  });

  it('says why it fired: arrivals against forecast and projected SLA against goal', () => {
    expect(formatAlertReason({ arrivals_last_15m: 72, forecast_last_15m: 40.4, projected_sla: 0.612, sla_goal: 0.9 })).toBe('72 arrivals in 15 min, forecast 40 · projected SLA 61% (goal 90%)');
  });

  it('adds the asks up to the shortfall, or says they exceed it', () => {
    expect(formatAskTotal({ shortfall: 6, committed: 1, pending: 3, unasked: 2 })).toBe('short 6 agents = 1 committed + 3 pending + 2 not asked');
    expect(formatAskTotal({ shortfall: 1, committed: 1, pending: 0, unasked: 0 })).toBe('short 1 agent = 1 committed');
    // 4 committed and 3 pending against 6: 7 asked, more than the shortfall.
    expect(formatAskTotal({ shortfall: 6, committed: 4, pending: 3, unasked: 0 })).toBe('short 6 agents < 4 committed + 3 pending');
    expect(formatPartnerAsk({ partner: 'n', partner_name: 'North BPO', requested: 4, committed: 1, pending: 3 })).toBe('North BPO: asked 4 · committed 1 · pending 3');
    expect(formatPartnerAsk({ partner: 'n', partner_name: 'North BPO', requested: 4, committed: 4, pending: 0 })).toBe('North BPO: asked 4 · committed 4');
  });
});
