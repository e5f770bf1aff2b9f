/** The tiles, one per queue, laid out to fill the wall whatever the number of queues. */
import type { CSSProperties } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useWall } from '../store';
import { QueueTile } from './QueueTile';

/** Columns that keep tiles wide enough for their numbers on a 16:9 screen. */
function columnsFor(queueCount: number): number {
  if (queueCount <= 3) return Math.max(1, queueCount);
  if (queueCount === 4) return 2;
  if (queueCount <= 9) return 3;
  return 4;
}

export function QueueGrid() {
  const hasSnapshot = useWall((s) => s.snapshot !== null);
  // The list of ids changes only when queues are added or removed, not every second.
  const queueIds = useWall(useShallow((s) => s.snapshot?.queues.map((q) => q.queue) ?? []));
  if (!hasSnapshot) {
    return (
      <section className="queue-grid queue-grid-empty">
        <p className="placeholder">Waiting for the first update from the server…</p>
      </section>
    );
  }
  if (queueIds.length === 0) {
    return (
      <section className="queue-grid queue-grid-empty">
        <p className="placeholder">No queues are configured.</p>
      </section>
    );
  }
  const columns = columnsFor(queueIds.length);
  const style = { '--columns': columns, '--rows': Math.ceil(queueIds.length / columns) } as CSSProperties;
  return (
    <section className="queue-grid" style={style} aria-label="Queues">
      {queueIds.map((id) => (
        <QueueTile key={id} queueId={id} />
      ))}
    </section>
  );
}
