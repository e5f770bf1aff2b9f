/**
 * The wall's alert banner: one row per demand-peak alert firing, with what the queue needs, what
 * it has, when it breaches and where its capacity requests stand. Nothing when none fires.
 */
import { useShallow } from 'zustand/react/shallow';
import { capacityLevel, formatBreach, formatNeeds, formatRequestStatus, selectAlert, selectFiringAlertIds, selectRequestsForAlert } from '../alerts-view';
import { useOps } from '../store';
import { StatusIcon } from './Icons';

/** Rows shown at most; the rest are counted. */
const MAX_ROWS = 3;

export function AlertBanner() {
  const ids = useOps(useShallow(selectFiringAlertIds));
  if (ids.length === 0) return null;
  const shown = ids.slice(0, MAX_ROWS);
  return (
    <section className="alert-banner" role="alert" aria-label="Demand-peak alerts firing" data-testid="alert-banner">
      {shown.map((id) => (
        <AlertRow key={id} id={id} />
      ))}
      {ids.length > shown.length && <p className="alert-more">+{ids.length - shown.length} more alerts firing</p>}
    </section>
  );
}

function AlertRow({ id }: { id: string }) {
  const alert = useOps(selectAlert(id));
  const requests = useOps(useShallow(selectRequestsForAlert(id)));
  if (!alert) return null;
  const { agents_needed, staffed_agents, time_to_breach_minutes } = alert.measures;
  const breach = formatBreach(time_to_breach_minutes);
  return (
    <div className="alert-row" data-alert={alert.id} data-queue={alert.queue}>
      <StatusIcon level="red" />
      <strong className="alert-queue">{alert.queue_name}</strong>
      <span className="alert-needs num">{formatNeeds(agents_needed, staffed_agents)}</span>
      {breach && <span className="alert-breach num">{breach}</span>}
      <span className="alert-requests">
        {requests.length === 0 && <span className="alert-request">no capacity requested yet</span>}
        {requests.map((r) => (
          <span key={r.request_id} className={`alert-request level-${capacityLevel(r.state)}`} data-request={r.request_id}>
            <b>{r.partner_name}:</b> {formatRequestStatus(r)}
          </span>
        ))}
      </span>
    </div>
  );
}
