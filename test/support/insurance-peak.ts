/** A demand peak on the insurance queue, as the alerting hands it to the capacity desk (capacity tests). */
import type { Alert, PeakMeasures } from '../../contracts/alerts.js';

/** The measures of a peak `shortfall` agents short of 28 staffed. */
export const peakMeasures = (shortfall: number): PeakMeasures => ({
  agents_needed: 28 + shortfall,
  staffed_agents: 28,
  shortfall,
  arrivals_last_15m: 80,
  forecast_last_15m: 50,
  forecast_next_60m: 300,
  forecast_method: 'ewma',
  projected_sla: 0.4,
  sla_goal: 0.9,
  time_to_breach_minutes: 35,
});

/** A firing alert that began pending 2 minutes before `nowMs` and fired at `nowMs`. */
export function firingAlert(shortfall: number, nowMs: number, id = 'demand-peak.insurance.1'): Alert {
  const at = new Date(nowMs).toISOString();
  return {
    id,
    kind: 'demand-peak',
    queue: 'insurance',
    queue_name: 'Insurance verification',
    state: 'firing',
    summary: 'short',
    started_at: new Date(nowMs - 120_000).toISOString(),
    firing_at: at,
    resolved_at: null,
    updated_at: at,
    notifications: 1,
    last_notified_at: at,
    acknowledged: null,
    acknowledgements: [],
    measures: peakMeasures(shortfall),
    capacity_request_ids: [],
  };
}
