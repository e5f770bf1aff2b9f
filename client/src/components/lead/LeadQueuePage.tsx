/** One queue for a lead: its live tile, its teams over the range, its history over 1 h to 7 days with forecast and last week. */
import { useEffect } from 'react';
import { RANGES, RANGE_KEYS } from '../../history-buckets';
import { startQueueHistory } from '../../lead-feed';
import { leadHref, overviewFilter, type LeadRoute } from '../../lead-url';
import { Link } from '../../router';
import { useOps, useOpsStore } from '../../store';
import { QueueTile } from '../QueueTile';
import { HistoryCharts } from './HistoryCharts';
import { AlertsPanel } from './AlertsPanel';
import { RangeTeamTable } from './RangeTeamTable';

export function LeadQueuePage({ route, token }: { route: Extract<LeadRoute, { page: 'queue' }>; token: string | null }) {
  const store = useOpsStore();
  const { queue, range } = route;
  const { minutes, bucketMinutes, label } = RANGES[range];
  const teams = useOps((s) => (s.queueHistory?.key === `${queue}|${minutes}` ? s.queueHistory.teams : null));
  const known = useOps((s) => (s.catalogue ? s.catalogue.queues.some((q) => q.id === queue) : true));
  const name = useOps((s) => s.catalogue?.queues.find((q) => q.id === queue)?.name ?? queue);
  useEffect(
    () => startQueueHistory(store, token, queue, minutes, Math.max(60_000, bucketMinutes * 60_000)),
    [store, token, queue, minutes, bucketMinutes],
  );
  const back = leadHref({ page: 'overview', filter: overviewFilter(route.filter) });
  if (!known) {
    return (
      <main className="lead-main">
        <p className="placeholder">There is no queue "{queue}" in this view.</p>
        <Link to={back}>All queues</Link>
      </main>
    );
  }
  return (
    <main className="lead-main">
      <div className="queue-page-head">
        <Link to={back} className="back-link">
          ← All queues
        </Link>
        <h2 className="queue-page-title">{name}</h2>
        <nav className="range-tabs" aria-label="Time range">
          {RANGE_KEYS.map((key) => (
            <Link key={key} to={leadHref({ ...route, range: key })} className="range-tab" ariaCurrent={key === range}>
              {RANGES[key].label}
            </Link>
          ))}
        </nav>
      </div>
      <div className="queue-page-live">
        <div className="queue-page-tile">
          <QueueTile queueId={queue} />
        </div>
        <section className="panel lead-panel" data-testid="range-teams">
          <h2>Teams on this queue · last {label}</h2>
          <p className="muted table-note">Starts, waits and SLA over the range; in progress and agents now.</p>
          <RangeTeamTable queueId={queue} teams={teams} />
        </section>
      </div>
      <HistoryCharts queueId={queue} range={range} />
      <AlertsPanel token={token} queue={queue} />
    </main>
  );
}
