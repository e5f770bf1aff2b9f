/**
 * The lead's alerts (SPEC sections 4 and 5): each demand-peak alert with its state (firing, covered
 * and recovering, or resolved, in the wall banner's words) and since when, the queue, agents needed
 * against staffed, and while it is open the banner's guidance (why it fired, the asks per partner
 * against the shortfall, what to do); every acknowledgement (who, when and why, oldest
 * first), an acknowledge button with an optional comment (`POST /api/alerts/:id/ack`; once
 * acknowledged, "Acknowledge again" adds to the history), and the timeline of the capacity
 * requests sent for it (partner, agents requested, each state seen and when).
 */
import { useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import {
  acknowledgementHistory,
  capacityLevel,
  describeCapacityState,
  formatAlertSince,
  formatBreach,
  formatNeeds,
  selectAlert,
  selectRequestsForAlert,
} from '../../alerts-view';
import { alertPhase, formatAlertPhase, formatAlertReason, formatAskTotal, formatPartnerAsk, type AlertPhase } from '../../alert-guidance-view';
import { acknowledgeAlert } from '../../api';
import { formatMinute } from '../../format';
import { messageOf } from '../../poller';
import { useOps, useOpsStore } from '../../store';
import type { Acknowledgement, Alert, CapacityRequest } from '../../../../contracts/alerts';
import './lead-alert-guidance.css';

// NOTE: the wall banner's colours: covered is amber like pending, since agents are still arriving.
const PHASE_LEVEL: Record<AlertPhase, 'red' | 'amber' | 'green'> = { firing: 'red', covered: 'amber', pending: 'amber', resolved: 'green' };

/** `queue`: only that queue's alerts (a queue page); otherwise all the view's. */
export function AlertsPanel({ token, queue }: { token: string | null; queue?: string }) {
  const ids = useOps(useShallow((s) => s.alerts.filter((a) => !queue || a.queue === queue).map((a) => a.id)));
  return (
    <section className="panel lead-panel lead-alerts" aria-label="Alerts and capacity requests" data-testid="alerts-panel">
      <h2>Alerts and capacity requests</h2>
      {ids.length === 0 ? (
        <p className="placeholder">No demand-peak alert {queue ? 'on this queue' : 'in this view'} right now.</p>
      ) : (
        <ol className="alert-list">
          {ids.map((id) => (
            <AlertItem key={id} id={id} token={token} />
          ))}
        </ol>
      )}
    </section>
  );
}

function AlertItem({ id, token }: { id: string; token: string | null }) {
  const alert = useOps(selectAlert(id));
  const requests = useOps(useShallow(selectRequestsForAlert(id)));
  if (!alert) return null;
  const { agents_needed, staffed_agents, time_to_breach_minutes } = alert.measures;
  const breach = alert.state === 'resolved' ? null : formatBreach(time_to_breach_minutes);
  const phase = alertPhase(alert);
  const level = PHASE_LEVEL[phase];
  const acks = acknowledgementHistory(alert);
  return (
    <li className={`alert-item level-${level}`} data-alert={alert.id} data-state={alert.state} data-status={phase}>
      <div className="alert-item-head">
        <span className={`alert-state level-${level}`} data-part="status">
          {formatAlertPhase(phase)}
        </span>
        <strong>{alert.queue_name}</strong>
        <span className="alert-since">{formatAlertSince(alert)}</span>
        <span className="num" data-field="needs">
          {formatNeeds(agents_needed, staffed_agents)}
        </span>
        {breach && <span className="num text-red">{breach}</span>}
      </div>
      {alert.state !== 'resolved' && <Guidance alert={alert} />}
      <AckHistory acks={acks} />
      {alert.state !== 'resolved' && <AckForm alertId={alert.id} token={token} again={acks.length > 0} />}
      <CapacityTimeline requests={requests} />
    </li>
  );
}

/** The wall banner's lines, in its words: why it fired, the asks against the shortfall, what to do. */
function Guidance({ alert }: { alert: Alert }) {
  const guidance = alert.guidance;
  return (
    <div className="alert-guidance">
      <p data-part="reason">{formatAlertReason(alert.measures)}</p>
      {guidance && (
        <p data-part="asks">
          <span className="num">{formatAskTotal(guidance)}</span>
          {guidance.asks.map((a) => (
            <span key={a.partner} className="alert-guidance-ask" data-partner={a.partner}>
              {formatPartnerAsk(a)}
            </span>
          ))}
        </p>
      )}
      {guidance && (
        <p data-part="action" data-action={guidance.action.kind}>
          <strong>Do:</strong> {guidance.action.text}
        </p>
      )}
    </div>
  );
}

function AckHistory({ acks }: { acks: Acknowledgement[] }) {
  if (acks.length === 0) return null;
  return (
    <ol className="alert-acks" aria-label="Acknowledgements" data-field="acknowledgements">
      {acks.map((ack, i) => (
        <li key={`${i}:${ack.at}:${ack.by}`} className="alert-ack" data-field="acknowledgement">
          Acknowledged by <strong>{ack.by}</strong> at <time dateTime={ack.at}>{formatMinute(new Date(ack.at))}</time>
          {ack.comment ? <>: “{ack.comment}”</> : null}
        </li>
      ))}
    </ol>
  );
}

function AckForm({ alertId, token, again }: { alertId: string; token: string | null; again: boolean }) {
  const store = useOpsStore();
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    acknowledgeAlert(token, alertId, comment)
      .then((updated) => {
        // The push follows; showing the answer now spares the lead a second click.
        if (updated && typeof updated.id === 'string') store.getState().updateAlert(updated);
        setComment('');
      })
      .catch((e: unknown) => setError(messageOf(e)))
      .finally(() => setBusy(false));
  };
  return (
    <form className="ack-form" onSubmit={submit}>
      <input
        type="text"
        aria-label="Comment (optional)"
        placeholder="Comment (optional)"
        maxLength={500}
        value={comment}
        onChange={(e) => setComment(e.target.value)}
      />
      <button type="submit" disabled={busy}>
        {busy ? 'Acknowledging…' : again ? 'Acknowledge again' : 'Acknowledge'}
      </button>
      {error && (
        <span className="ack-error text-red" role="alert">
          Not acknowledged: {error}
        </span>
      )}
    </form>
  );
}

function CapacityTimeline({ requests }: { requests: CapacityRequest[] }) {
  const changes = useOps((s) => s.capacityChanges);
  if (requests.length === 0) return <p className="capacity-none">No capacity requested for this alert yet.</p>;
  return (
    <ol className="capacity-timeline" aria-label="Capacity requests">
      {requests.map((r) => {
        const seen = changes[r.request_id] ?? [{ state: r.state, at: r.updated_at }];
        return (
          <li key={r.request_id} className="capacity-request" data-request={r.request_id}>
            <div className="capacity-request-head">
              <strong>{r.partner_name}</strong>
              <span className="num">{r.agents_requested} agents requested</span>
              <span className="muted">
                for {formatMinute(new Date(r.window_start))}–{formatMinute(new Date(r.window_end))}, answer due {formatMinute(new Date(r.respond_by))}
              </span>
              {r.escalated_from && <span className="muted">(escalated)</span>}
            </div>
            <ol className="capacity-steps">
              {seen.map((step) => (
                <li key={`${step.state}@${step.at}`} className={`capacity-step level-${capacityLevel(step.state)}`}>
                  <time dateTime={step.at}>{formatMinute(new Date(step.at))}</time> {describeCapacityState(step.state, r)}
                </li>
              ))}
            </ol>
            {r.last_error && r.state !== 'accepted' && <p className="muted">Last error: {r.last_error}</p>}
          </li>
        );
      })}
    </ol>
  );
}
