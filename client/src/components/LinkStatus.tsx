/** The link to the server in words, shape and colour, with how old the data on screen is. */
import { connectionLabel, formatAge, secondsSince, type ConnectionLabel } from '../format';
import { useOps } from '../store';
import { LinkIcon } from './Icons';

const LINK_TONE: Record<ConnectionLabel, string> = {
  Live: 'tone-good',
  Connecting: 'tone-neutral',
  Reconnecting: 'tone-warn',
  Offline: 'tone-bad',
};

export function LinkStatus() {
  const connection = useOps((s) => s.connection);
  const now = useOps((s) => s.now);
  const receivedAt = useOps((s) => s.receivedAt);
  const stale = useOps((s) => s.stale);
  const label = connectionLabel(connection, now);
  return (
    <div className="link-status">
      {/* Only the state is announced; the age changes every second. */}
      <span className={`link-label ${LINK_TONE[label]}`} role="status">
        <LinkIcon label={label} />
        {label}
      </span>
      <span className={`data-age num${stale && receivedAt !== null ? ' tone-warn' : ''}`} data-testid="data-age">
        {formatAge(secondsSince(receivedAt, now))}
      </span>
    </div>
  );
}
