/** A banner that nobody in the room can miss when the numbers on screen are not current. */
import {
  STALE_AFTER_SECONDS,
  connectionLabel,
  dataAgeSeconds,
  formatClock,
  formatDuration,
  isStale,
} from '../format';
import { useWall } from '../store';
import { StatusIcon } from './Icons';

export function StaleBanner() {
  const now = useWall((s) => s.now);
  const startedAt = useWall((s) => s.startedAt);
  const generatedAt = useWall((s) => s.snapshot?.generated_at);
  const connection = useWall((s) => s.connection);
  const age = dataAgeSeconds(generatedAt, now);

  let headline: string;
  if (age === null || !generatedAt) {
    if (now - startedAt <= STALE_AFTER_SECONDS * 1000) return null;
    headline = 'No data received yet';
  } else if (isStale(age)) {
    headline = `Data is ${formatDuration(age)} old, last update at ${formatClock(new Date(generatedAt))}`;
  } else {
    return null;
  }

  const label = connectionLabel(connection, now);
  const link =
    label === 'Live'
      ? 'Connected, but the server is not sending updates'
      : `${label}${label === 'Offline' && connection.phase === 'retrying' ? ', still retrying' : ''}`;
  return (
    <div className="stale-banner" role="status">
      <StatusIcon level="amber" />
      <strong>{headline}</strong>
      <span>
        {link}
        {connection.detail ? ` (${connection.detail})` : ''}
      </span>
    </div>
  );
}
