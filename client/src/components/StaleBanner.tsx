/** A banner that nobody in the room can miss when the numbers on screen are not current. */
import { connectionLabel, formatClock, formatDuration, secondsSince } from '../format';
import { useOps } from '../store';
import { StatusIcon } from './Icons';

export function StaleBanner() {
  const stale = useOps((s) => s.stale);
  const now = useOps((s) => s.now);
  const receivedAt = useOps((s) => s.receivedAt);
  const generatedAt = useOps((s) => s.snapshot?.generated_at);
  const connection = useOps((s) => s.connection);
  if (!stale) return null;

  const age = secondsSince(receivedAt, now);
  const headline =
    age === null || !generatedAt
      ? 'No data received yet'
      : `Data is ${formatDuration(age)} old, last update at ${formatClock(new Date(generatedAt))}`;
  const label = connectionLabel(connection, now);
  const link =
    label === 'Live'
      ? 'Connected, but the server is not sending updates'
      : `${label}${label === 'Offline' && connection.phase === 'retrying' ? ', still retrying' : ''}`;
  return (
    <div className="stale-banner" role="status" data-testid="stale-banner">
      <StatusIcon level="amber" />
      <strong>{headline}</strong>
      <span>
        {link}
        {connection.detail ? ` (${connection.detail})` : ''}
        {/unauthori[sz]ed/i.test(connection.detail ?? '') ? '. Open this screen as /wall#token=<viewer token>.' : ''}
      </span>
    </div>
  );
}
