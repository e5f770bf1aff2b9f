/** A firing demand-peak alert of the contract, for the client's unit tests; `overrides` change any field. */
import type { Alert } from '../../contracts/alerts';

export function alert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: 'a1',
    kind: 'demand-peak',
    queue: 'claims',
    queue_name: 'Claims',
    state: 'firing',
    summary: 'Claims: 12 agents needed, 8 staffed',
    started_at: '2026-11-26T09:58:00.000Z',
    firing_at: '2026-11-26T10:02:00.000Z',
    resolved_at: null,
    updated_at: '2026-11-26T10:02:00.000Z',
    notifications: 1,
    last_notified_at: '2026-11-26T10:02:00.000Z',
    acknowledged: null,
    acknowledgements: [],
    measures: {
      agents_needed: 12,
      staffed_agents: 8,
      shortfall: 4,
      arrivals_last_15m: 100,
      forecast_last_15m: 60,
      forecast_next_60m: 400,
      forecast_method: 'ewma',
      projected_sla: 0.5,
      sla_goal: 0.8,
      time_to_breach_minutes: 7,
    },
    capacity_request_ids: [],
    ...overrides,
  };
}
