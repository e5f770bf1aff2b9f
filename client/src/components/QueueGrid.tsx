/** The tiles of one page, laid out to fill the wall whatever their number. */
import type { CSSProperties } from 'react';
import { useOps } from '../store';
import { columnsFor } from '../wall-pages';
import { QueueTile } from './QueueTile';

const REFUSED = 'subscription refused: ';

/**
 * `perPage` is the size of the fullest page: every page keeps that grid, so tiles do not change
 * size when the pages rotate.
 */
export function QueueGrid({ queueIds, perPage }: { queueIds: readonly string[]; perPage: number }) {
  const hasSnapshot = useOps((s) => s.snapshot !== null);
  // A view the server refuses (an unknown `?site=`) says so rather than wait for ever.
  const refused = useOps((s) => (s.connection.detail?.startsWith(REFUSED) ? s.connection.detail.slice(REFUSED.length) : null));
  if (!hasSnapshot) {
    return (
      <section className="queue-grid queue-grid-empty">
        <p className="placeholder" role={refused ? 'alert' : undefined}>
          {refused ? `The server refuses this wall's view (${refused}): check the address.` : 'Waiting for the first update from the server…'}
        </p>
      </section>
    );
  }
  if (queueIds.length === 0) {
    return (
      <section className="queue-grid queue-grid-empty">
        <p className="placeholder">No queues to show.</p>
      </section>
    );
  }
  const columns = columnsFor(perPage);
  const style = { '--columns': columns, '--rows': Math.ceil(perPage / columns) } as CSSProperties;
  return (
    <section className="queue-grid" style={style} aria-label="Queues">
      {queueIds.map((id) => (
        <QueueTile key={id} queueId={id} />
      ))}
    </section>
  );
}
