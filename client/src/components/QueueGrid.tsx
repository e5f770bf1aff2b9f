/** The tiles of one page, laid out to fill the wall whatever their number. */
import { useEffect, useRef, useState, type CSSProperties, type RefObject } from 'react';
import { useSearch } from '../router';
import { useOps } from '../store';
import { columnsFor, parsePaging, rowsThatFit } from '../wall-pages';
import { QueueTile } from './QueueTile';

const REFUSED = 'subscription refused: ';

/**
 * `perPage` is the size of the fullest page: every page keeps that grid, so tiles do not change
 * size when the pages rotate. When banners leave too little height for its rows, the page is
 * shown in turns of the rows that fit (unless the kiosk's URL fixed `per_page`).
 */
export function QueueGrid({ queueIds, perPage }: { queueIds: readonly string[]; perPage: number }) {
  const hasSnapshot = useOps((s) => s.snapshot !== null);
  // A view the server refuses (an unknown `?site=`) says so rather than wait for ever.
  const refused = useOps((s) => (s.connection.detail?.startsWith(REFUSED) ? s.connection.detail.slice(REFUSED.length) : null));
  const search = useSearch();
  const fixed = new URLSearchParams(search).has('per_page');
  const [ref, fit] = useRowsThatFit();
  const columns = columnsFor(perPage);
  const rows = fixed ? Math.ceil(perPage / columns) : Math.min(Math.ceil(perPage / columns), fit);
  const turns = Math.max(1, Math.ceil(queueIds.length / (rows * columns)));
  const turn = useTurn(turns, parsePaging(search).rotateSeconds / turns);
  if (!hasSnapshot) {
    return (
      <section className="queue-grid queue-grid-empty" ref={ref}>
        <p className="placeholder" role={refused ? 'alert' : undefined}>
          {refused ? `The server refuses this wall's view (${refused}): check the address.` : 'Waiting for the first update from the server…'}
        </p>
      </section>
    );
  }
  if (queueIds.length === 0) {
    return (
      <section className="queue-grid queue-grid-empty" ref={ref}>
        <p className="placeholder">No queues to show.</p>
      </section>
    );
  }
  const shown = queueIds.slice(turn * rows * columns, (turn + 1) * rows * columns);
  const style = { '--columns': columns, '--rows': rows } as CSSProperties;
  return (
    <section className="queue-grid" style={style} aria-label="Queues" ref={ref}>
      {shown.map((id) => (
        <QueueTile key={id} queueId={id} />
      ))}
    </section>
  );
}

/** The rows of readable tiles the grid's height holds, followed as banners come and go. */
function useRowsThatFit(): [RefObject<HTMLElement | null>, number] {
  const ref = useRef<HTMLElement>(null);
  const [fit, setFit] = useState(Number.POSITIVE_INFINITY);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => setFit(rowsThatFit(el.clientHeight, window.innerWidth, window.innerHeight)));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, fit];
}

/** The turn on show within a page: advances every `seconds` while there is more than one. */
function useTurn(turns: number, seconds: number): number {
  const [turn, setTurn] = useState(0);
  useEffect(() => {
    if (turns <= 1) return;
    const timer = setInterval(() => setTurn((t) => (t + 1) % turns), seconds * 1000);
    return () => clearInterval(timer);
  }, [turns, seconds]);
  return turns > 0 ? turn % turns : 0;
}
