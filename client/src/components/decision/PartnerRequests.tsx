/** The capacity requests behind a partner's figures: those sent to it since the range's start. */
import { useEffect, useState } from 'react';
import type { CapacityRequest } from '../../../../contracts/alerts';
import { apiWords, fetchRequestsChecked } from '../../decision-api';
import { formatCount, formatDuration } from '../../format';

const STATE_LABELS: Record<CapacityRequest['state'], string> = {
  delivering: 'being delivered',
  awaiting_response: 'awaiting the answer',
  accepted: 'accepted',
  partial: 'partial',
  declined: 'declined',
  expired: 'silent (no answer in time)',
  undeliverable: 'undeliverable',
};

export function PartnerRequests({ token, team, name, fromIso }: { token: string | null; team: string; name: string; fromIso: string }) {
  const [requests, setRequests] = useState<CapacityRequest[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    fetchRequestsChecked(token, controller.signal)
      .then((all) => setRequests(all.filter((r) => r.partner === team && Date.parse(r.created_at) >= Date.parse(fromIso))))
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setError(apiWords(e));
      });
    return () => controller.abort();
  }, [token, team, fromIso]);
  if (error) return <p className="decision-error" role="alert">Requests to {name}: {error}</p>;
  if (!requests) return <p className="placeholder">Loading the requests to {name}…</p>;
  if (requests.length === 0) return <p className="placeholder">No capacity request was sent to {name} in this range.</p>;
  return (
    <table className="decision-table requests-table" aria-label={`Capacity requests to ${name}`}>
      <thead>
        <tr>
          <th scope="col">Sent</th>
          <th scope="col">Queue</th>
          <th scope="col">State</th>
          <th scope="col">Agents committed / requested</th>
          <th scope="col">Answered after</th>
        </tr>
      </thead>
      <tbody>
        {requests.map((r) => (
          <tr key={r.request_id} data-request={r.request_id}>
            <td>{new Date(r.created_at).toLocaleString()}</td>
            <td>{r.queue}</td>
            <td>{STATE_LABELS[r.state]}</td>
            <td className="num">
              {formatCount(r.agents_committed)} / {formatCount(r.agents_requested)}
            </td>
            <td className="num">{r.answered_at ? formatDuration((Date.parse(r.answered_at) - Date.parse(r.created_at)) / 1000) : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
