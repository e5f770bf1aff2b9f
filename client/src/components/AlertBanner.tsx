/**
 * The wall's alert banner: one row per demand-peak alert firing, saying what the room should know
 * and do from across it: the state (firing, or covered and recovering), why it fired, when it
 * breaches, what is asked of whom against the shortfall, the recommended action, and who
 * acknowledged with their comment. Nothing when none fires.
 */
import { useShallow } from 'zustand/react/shallow';
import { formatAckBy, formatAlertReason, formatAlertStatus, formatAskTotal, formatPartnerAsk } from '../alert-guidance-view';
import { acknowledgementHistory, capacityLevel, formatBreach, formatNeeds, formatRequestStatus, selectAlert, selectFiringAlertIds, selectRequestsForAlert } from '../alerts-view';
import { useOps } from '../store';
import { StatusIcon } from './Icons';

/** Rows shown at most; the rest are counted. */
const MAX_ROWS = 3;
/**
 * Rows shown in full at most: beyond, each row keeps its head line and what to do (the rest is on
 * the lead view), so that a row of tiles keeps its readable height below the banner at 1080p.
 */
const FULL_ROWS = 2;

/** `flashing`: ids of the rows to flash now (the wall's sound, AlertSound.tsx). */
export function AlertBanner({ flashing }: { flashing?: ReadonlySet<string> } = {}) {
  const ids = useOps(useShallow(selectFiringAlertIds));
  if (ids.length === 0) return null;
  const shown = ids.slice(0, MAX_ROWS);
  return (
    <section className={`alert-banner${shown.length > FULL_ROWS ? ' is-compact' : ''}`} role="alert" aria-label="Demand-peak alerts firing" data-testid="alert-banner">
      {shown.map((id) => (
        <AlertRow key={id} id={id} flashing={flashing?.has(id) ?? false} />
      ))}
      {ids.length > shown.length && <p className="alert-more">+{ids.length - shown.length} more alerts firing</p>}
    </section>
  );
}

function AlertRow({ id, flashing }: { id: string; flashing: boolean }) {
  const alert = useOps(selectAlert(id));
  const requests = useOps(useShallow(selectRequestsForAlert(id)));
  if (!alert) return null;
  const { agents_needed, staffed_agents, time_to_breach_minutes } = alert.measures;
  const breach = formatBreach(time_to_breach_minutes);
  const guidance = alert.guidance;
  const covered = guidance?.status === 'covered';
  const acks = acknowledgementHistory(alert);
  return (
    <div className={`alert-row${covered ? ' is-covered' : ''}${flashing ? ' is-flashing' : ''}`} data-alert={alert.id} data-queue={alert.queue} data-status={guidance?.status ?? 'firing'}>
      <div className="alert-line alert-head">
        <StatusIcon level={covered ? 'amber' : 'red'} />
        <strong className="alert-queue">{alert.queue_name}</strong>
        <span className="alert-status" data-part="status">
          {formatAlertStatus(guidance)}
        </span>
        <span className="alert-needs num">{formatNeeds(agents_needed, staffed_agents)}</span>
        {breach && (
          <span className="alert-breach num" data-part="breach">
            {breach}
          </span>
        )}
      </div>
      <p className="alert-line alert-reason" data-part="reason">
        {formatAlertReason(alert.measures)}
      </p>
      {guidance ? (
        <p className="alert-line alert-asks" data-part="asks">
          <span className="alert-ask-total num">{formatAskTotal(guidance)}</span>
          {guidance.asks.map((a) => (
            <span key={a.partner} className="alert-request" data-partner={a.partner}>
              {formatPartnerAsk(a)}
            </span>
          ))}
        </p>
      ) : (
        <p className="alert-line alert-requests">
          {requests.length === 0 && <span className="alert-request">no capacity requested yet</span>}
          {requests.map((r) => (
            <span key={r.request_id} className={`alert-request level-${capacityLevel(r.state)}`} data-request={r.request_id}>
              <b>{r.partner_name}:</b> {formatRequestStatus(r)}
            </span>
          ))}
        </p>
      )}
      {guidance && (
        <p className="alert-line alert-action" data-part="action" data-action={guidance.action.kind}>
          <span className="alert-action-label">Do:</span> {guidance.action.text}
        </p>
      )}
      {acks.length > 2 && <p className="alert-line banner-ack">{acks.length - 2} earlier acknowledgements on the lead view</p>}
      {acks.slice(-2).map((ack) => (
        <p key={`${ack.by}.${ack.at}`} className="alert-line banner-ack" data-part="ack">
          <span>{formatAckBy(ack)}</span>
          {/* NOTE: the comment is shown to the room as the lead wrote it (React escapes it); never logged. */}
          {ack.comment && <q className="banner-ack-comment">{ack.comment}</q>}
        </p>
      ))}
    </div>
  );
}
