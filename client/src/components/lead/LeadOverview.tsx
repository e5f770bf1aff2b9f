/** The lead's overview: a tile per queue (each opening its queue page), teams compared, alerts. */
import { useShallow } from 'zustand/react/shallow';
import { leadHref, overviewFilter, type LeadRoute } from '../../lead-url';
import { Link } from '../../router';
import { useOps } from '../../store';
import { QueueTile } from '../QueueTile';
import { AlertsPanel } from './AlertsPanel';
import { TeamTable } from './TeamTable';

export function LeadOverview({ route, token }: { route: Extract<LeadRoute, { page: 'overview' }>; token: string | null }) {
  const hasSnapshot = useOps((s) => s.snapshot !== null);
  const queueIds = useOps(useShallow((s) => s.snapshot?.queues.map((q) => q.queue) ?? []));
  if (!hasSnapshot) return <p className="placeholder lead-loading">Waiting for the first update from the server…</p>;
  return (
    <main className="lead-main">
      <section aria-label="Queues" className="lead-tiles">
        {queueIds.length === 0 && <p className="placeholder">No queue matches these filters.</p>}
        {queueIds.map((id) => (
          <Link key={id} to={leadHref({ page: 'queue', queue: id, range: '8h', filter: overviewFilter(route.filter) })} className="tile-link">
            <QueueTile queueId={id} />
          </Link>
        ))}
      </section>
      <section className="panel lead-panel">
        <h2>Teams compared · last 60 min</h2>
        <TeamTable queueIds={queueIds} />
      </section>
      <AlertsPanel token={token} />
    </main>
  );
}
