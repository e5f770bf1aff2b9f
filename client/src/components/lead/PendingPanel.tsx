/**
 * Alerts and capacity requests have their place on the lead view, but not their data yet.
 * NOTE: waiting for issue 5 (demand-peak alerts, capacity requests): the alert list with
 * acknowledge and comment (`GET /api/alerts`, `POST /api/alerts/:id/ack`, `alerts:update`) and the
 * capacity-request timeline (`GET /api/capacity-requests`, `capacity:update`) go here.
 */
export function PendingPanel() {
  return (
    <section className="panel lead-panel lead-pending" aria-label="Alerts and capacity requests" data-testid="alerts-pending">
      <h2>Alerts and capacity requests</h2>
      <p className="placeholder">Not available on this server yet: it does not raise demand-peak alerts or send capacity requests.</p>
    </section>
  );
}
