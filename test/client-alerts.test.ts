import { describe, expect, it } from 'vitest';
import { alertSchema, type Alert, type CapacityRequest } from '../contracts/alerts';
import {
  acknowledgementHistory,
  capacityLevel,
  describeCapacityState,
  firingAlerts,
  formatAlertSince,
  formatBreach,
  formatNeeds,
  formatRequestLine,
  formatStaffing,
  isShortStaffed,
  requestsForAlert,
} from '../client/src/alerts-view';
import { formatMinute } from '../client/src/format';
import { alert } from './support/sample-alert';
import { ALERTS_KEPT, CAPACITY_REQUESTS_KEPT, createOpsStore, trackChanges } from '../client/src/store';

function request(overrides: Partial<CapacityRequest> = {}): CapacityRequest {
  return {
    request_id: 'r1',
    queue: 'claims',
    partner: 'northwind',
    partner_name: 'Northwind',
    agents_requested: 9,
    window_start: '2026-11-26T10:00:00.000Z',
    window_end: '2026-11-26T11:00:00.000Z',
    respond_by: '2026-11-26T10:15:00.000Z',
    reason: {
      kind: 'demand-peak',
      alert_id: 'a1',
      agents_needed: 12,
      staffed_agents: 8,
      forecast_next_60m: 400,
      projected_sla: 0.5,
      sla_goal: 0.8,
      time_to_breach_minutes: 7,
      committed_elsewhere: 0,
    },
    alert_id: 'a1',
    state: 'awaiting_response',
    agents_committed: null,
    attempts: 1,
    last_error: null,
    created_at: '2026-11-26T10:02:00.000Z',
    updated_at: '2026-11-26T10:02:01.000Z',
    answered_at: null,
    escalated_from: null,
    escalated_to: null,
    ...overrides,
  };
}

describe('alert wording', () => {
  it('says what a queue needs and has', () => {
    expect(formatNeeds(12, 8)).toBe('needs 12 agents, has 8');
    expect(formatNeeds(1, 0)).toBe('needs 1 agent, has 0');
  });

  it('shows staffed against needed only when the server computed a need', () => {
    expect(formatStaffing(8, 12)).toEqual({ label: 'Agents/need', value: '8 / 12', title: '8 agents staffed, 12 needed' });
    expect(formatStaffing(8, undefined)).toEqual({ label: 'Agents', value: '8', title: '8 agents staffed' });
    expect(isShortStaffed(8, 12)).toBe(true);
    expect(isShortStaffed(12, 12)).toBe(false);
    expect(isShortStaffed(3, undefined)).toBe(false);
  });

  it('gives the time to breach, or nothing when none is expected', () => {
    expect(formatBreach(null)).toBeNull();
    expect(formatBreach(undefined)).toBeNull();
    expect(formatBreach(0)).toBe('breaching now');
    // The minutes are from the last evaluation: with nothing breached in the current figures, not "now".
    expect(formatBreach(0, 0)).toBe('breach within 1 min');
    expect(formatBreach(0, 2)).toBe('breaching now');
    expect(formatBreach(7.2)).toBe('breach in 7 min');
    expect(formatBreach(65)).toBe('breach in 1 h 05 min');
  });

  it('describes each capacity request as the banner shows it', () => {
    const due = formatMinute(new Date('2026-11-26T10:15:00.000Z'));
    expect(formatRequestLine(request())).toBe(`Northwind: requested 9 · waiting, answer due ${due}`);
    expect(formatRequestLine(request({ state: 'partial', agents_committed: 4 }))).toBe('Northwind: requested 9 · accepted 4');
    expect(formatRequestLine(request({ state: 'accepted', agents_committed: 9 }))).toBe('Northwind: requested 9 · accepted 9');
    expect(formatRequestLine(request({ state: 'declined', agents_committed: 0 }))).toBe('Northwind: requested 9 · declined');
    expect(formatRequestLine(request({ state: 'expired' }))).toBe('Northwind: requested 9 · no answer');
    expect(formatRequestLine(request({ state: 'delivering', attempts: 3 }))).toBe('Northwind: requested 9 · sending (attempt 3)');
    expect(describeCapacityState('partial', { agents_requested: 9, agents_committed: 4 })).toBe('accepted 4 of 9 (partial)');
    expect(capacityLevel('accepted')).toBe('green');
    expect(capacityLevel('awaiting_response')).toBe('amber');
    expect(capacityLevel('undeliverable')).toBe('red');
  });

  it('says since when an alert is in its state', () => {
    expect(formatAlertSince(alert())).toBe(`firing since ${formatMinute(new Date('2026-11-26T10:02:00.000Z'))}`);
    expect(formatAlertSince(alert({ state: 'pending', firing_at: null }))).toBe(`pending since ${formatMinute(new Date('2026-11-26T09:58:00.000Z'))}`);
  });

  it('puts firing alerts oldest first and a request list in the order sent', () => {
    const list = [
      alert({ id: 'new', firing_at: '2026-11-26T10:30:00.000Z' }),
      alert({ id: 'resolved', state: 'resolved' }),
      alert({ id: 'old', firing_at: '2026-11-26T10:00:00.000Z' }),
    ];
    expect(firingAlerts(list).map((a) => a.id)).toEqual(['old', 'new']);
    const requests = [
      request({ request_id: 'r2', created_at: '2026-11-26T10:20:00.000Z' }),
      request({ request_id: 'other', alert_id: 'a2' }),
      request({ request_id: 'r1' }),
    ];
    expect(requestsForAlert('a1', requests).map((r) => r.request_id)).toEqual(['r1', 'r2']);
  });

  it('lists every acknowledgement oldest first, and the latest alone from a reply without the list', () => {
    const anna = { by: 'lead-anna', at: '2026-11-26T10:05:00.000Z', comment: 'on it' };
    const ben = { by: 'lead-ben', at: '2026-11-26T10:09:00.000Z', comment: null };
    expect(acknowledgementHistory(alert())).toEqual([]);
    const twice = alert({ acknowledged: ben, acknowledgements: [ben, anna] });
    expect(acknowledgementHistory(twice)).toEqual([anna, ben]);
    expect(twice.acknowledgements).toEqual([ben, anna]);
    const { acknowledgements: _all, ...older } = alert({ acknowledged: anna });
    expect(acknowledgementHistory(older)).toEqual([anna]);
    // The pushed frames are checked against the contract: the list is part of it.
    expect(alertSchema.safeParse(twice).success).toBe(true);
    expect(alertSchema.safeParse(older).success).toBe(false);
  });
});

describe('alerts in the store', () => {
  it('keeps the lists bounded and replaces an acknowledged alert in place', () => {
    const store = createOpsStore(0);
    store.getState().setAlerts(Array.from({ length: ALERTS_KEPT + 20 }, (_, i) => alert({ id: `a${i}` })));
    expect(store.getState().alerts).toHaveLength(ALERTS_KEPT);
    const ack = { by: 'lead', at: '2026-11-26T10:05:00.000Z', comment: 'on it' };
    store.getState().updateAlert(alert({ id: 'a3', acknowledged: ack, acknowledgements: [ack] }));
    expect(store.getState().alerts[3]?.acknowledged?.comment).toBe('on it');
    expect(store.getState().alerts[3]?.acknowledgements).toEqual([ack]);
    store.getState().setCapacityRequests(Array.from({ length: CAPACITY_REQUESTS_KEPT + 5 }, (_, i) => request({ request_id: `r${i}` })));
    expect(store.getState().capacityRequests).toHaveLength(CAPACITY_REQUESTS_KEPT);
    expect(Object.keys(store.getState().capacityChanges)).toHaveLength(CAPACITY_REQUESTS_KEPT);
    store.getState().reset(1);
    expect(store.getState().alerts).toEqual([]);
  });

  it('records the states a request was seen in, for its timeline', () => {
    let changes = trackChanges({}, [request()]);
    expect(changes.r1).toEqual([
      { state: 'delivering', at: '2026-11-26T10:02:00.000Z' },
      { state: 'awaiting_response', at: '2026-11-26T10:02:01.000Z' },
    ]);
    changes = trackChanges(changes, [request()]);
    expect(changes.r1).toHaveLength(2);
    changes = trackChanges(changes, [request({ state: 'partial', agents_committed: 4, updated_at: '2026-11-26T10:06:00.000Z' })]);
    expect(changes.r1?.map((c) => c.state)).toEqual(['delivering', 'awaiting_response', 'partial']);
    expect(trackChanges(changes, [])).toEqual({});
  });
});
