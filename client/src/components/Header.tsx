/** The top bar: product, clock, totals, and the connection with the age of the data. */
import {
  connectionLabel,
  dataAgeSeconds,
  formatAge,
  formatClock,
  formatCount,
  isStale,
  type ConnectionLabel,
} from '../format';
import { useWall } from '../store';
import { LinkIcon, StatusIcon } from './Icons';

export function Header() {
  return (
    <header className="wall-header">
      <div className="brand">
        <h1 className="brand-name">Ops Command Center</h1>
        <Clock />
      </div>
      <Totals />
      <LinkStatus />
    </header>
  );
}

function Clock() {
  const now = useWall((s) => s.now);
  const date = new Date(now);
  return (
    <time className="clock num" dateTime={date.toISOString()}>
      {formatClock(date)}
    </time>
  );
}

function Totals() {
  const totals = useWall((s) => s.snapshot?.totals);
  const breached = totals?.breached ?? 0;
  return (
    <dl className="totals">
      <div className="total">
        <dt>Backlog</dt>
        <dd className="num">{formatCount(totals?.backlog)}</dd>
      </div>
      <div className="total">
        <dt>Waiting</dt>
        <dd className="num">{formatCount(totals?.waiting)}</dd>
      </div>
      <div className={`total${breached > 0 ? ' total-alarm' : ''}`}>
        <dt>Breached</dt>
        <dd className="num">
          {breached > 0 && <StatusIcon level="red" />}
          {formatCount(totals?.breached)}
        </dd>
      </div>
    </dl>
  );
}

const LINK_TONE: Record<ConnectionLabel, string> = {
  Live: 'tone-good',
  Connecting: 'tone-neutral',
  Reconnecting: 'tone-warn',
  Offline: 'tone-bad',
};

function LinkStatus() {
  const connection = useWall((s) => s.connection);
  const now = useWall((s) => s.now);
  const generatedAt = useWall((s) => s.snapshot?.generated_at);
  const label = connectionLabel(connection, now);
  const age = dataAgeSeconds(generatedAt, now);
  return (
    <div className="link-status">
      {/* Only the state is announced; the age changes every second. */}
      <span className={`link-label ${LINK_TONE[label]}`} role="status">
        <LinkIcon label={label} />
        {label}
      </span>
      <span className={`data-age num${isStale(age) ? ' tone-warn' : ''}`}>{formatAge(age)}</span>
    </div>
  );
}
