/** The wall's top bar: product (and site), clock, totals, the page on show, and the link with the age of the data. */
import { formatClock, formatCount } from '../format';
import { useOps } from '../store';
import { StatusIcon } from './Icons';
import { LinkStatus } from './LinkStatus';

export function Header({ page }: { page?: { index: number; count: number } }) {
  // A site's wall (`?site=`) says whose it is: the snapshot names the site it is narrowed to.
  const siteName = useOps((s) => s.snapshot?.site?.name);
  return (
    <header className="wall-header">
      <div className="brand">
        <h1 className="brand-name">
          Ops Command Center
          {siteName && <span className="site-name">{siteName}</span>}
        </h1>
        <Clock />
      </div>
      <Totals />
      <div className="header-end">
        {page && <PageIndicator index={page.index} count={page.count} />}
        <LinkStatus />
      </div>
    </header>
  );
}

/** The product's time: the screen's clock corrected by the offset the snapshots show. */
function Clock() {
  const now = useOps((s) => s.now + s.clockOffsetMs);
  const date = new Date(now);
  return (
    <time className="clock num" dateTime={date.toISOString()}>
      {formatClock(date)}
    </time>
  );
}

function Totals() {
  const totals = useOps((s) => s.snapshot?.totals);
  const breached = totals?.breached ?? 0;
  return (
    <dl className="totals" aria-label="All queues">
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

/** "Page 1 of 2" with a dot per page: the room knows other queues exist off screen. */
function PageIndicator({ index, count }: { index: number; count: number }) {
  return (
    <div className="page-indicator" aria-label={`Page ${index + 1} of ${count}`}>
      <span className="num">
        Page {index + 1}/{count}
      </span>
      <span className="page-dots" aria-hidden="true">
        {Array.from({ length: count }, (_, i) => (
          <span key={i} className={i === index ? 'dot dot-on' : 'dot'} />
        ))}
      </span>
    </div>
  );
}
