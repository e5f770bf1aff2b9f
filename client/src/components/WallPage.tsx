/**
 * The wall, a kiosk screen: header, stale banner, queue tiles (paged when they do not fit) and
 * the trend. Dark, no cursor, no controls; full screen from the first touch of a key or pointer,
 * since browsers allow full screen only after a gesture (a kiosk browser starts full screen).
 */
import { useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useSearch } from '../router';
import { useOps } from '../store';
import { paginate, parsePaging } from '../wall-pages';
import { AlertBanner } from './AlertBanner';
import { SoundControl, useAlertSound } from './AlertSound';
import { Header } from './Header';
import { QueueGrid } from './QueueGrid';
import { StaleBanner } from './StaleBanner';
import { TokenNeeded } from './TokenNeeded';
import { TrendChart } from './TrendChart';

export function WallPage() {
  // Booleans and id lists: the page itself re-renders only when they change, not every tick.
  const stale = useOps((s) => s.stale && s.snapshot !== null);
  const queueIds = useOps(useShallow((s) => s.snapshot?.queues.map((q) => q.queue) ?? []));
  const search = useSearch();
  const paging = useMemo(() => parsePaging(search), [search]);
  const pages = useMemo(() => paginate(queueIds, paging.perPage), [queueIds, paging.perPage]);
  const page = useRotation(pages.length, paging.rotateSeconds);
  useFullScreenOnFirstGesture();
  const sound = useAlertSound(search);
  const refused = useOps((s) => s.authError !== null && s.snapshot === null);
  if (refused) return <TokenNeeded />;
  return (
    <div className={`wall${stale ? ' wall-stale' : ''}`}>
      <Header page={pages.length > 1 ? { index: page, count: pages.length } : undefined} />
      <StaleBanner />
      <AlertBanner flashing={sound.flashing} />
      <main className="wall-main">
        <QueueGrid queueIds={pages[page] ?? []} perPage={Math.max(...pages.map((p) => p.length), 1)} />
        <TrendChart />
      </main>
      <SoundControl sound={sound} />
    </div>
  );
}

/** The page on show: advances every `rotateSeconds` while there is more than one. */
function useRotation(pageCount: number, rotateSeconds: number): number {
  const [page, setPage] = useState(0);
  useEffect(() => {
    if (pageCount <= 1) return;
    const timer = setInterval(() => setPage((p) => (p + 1) % pageCount), rotateSeconds * 1000);
    return () => clearInterval(timer);
  }, [pageCount, rotateSeconds]);
  return pageCount > 0 ? page % pageCount : 0;
}

function useFullScreenOnFirstGesture(): void {
  useEffect(() => {
    const enter = (): void => {
      if (!document.fullscreenElement) document.documentElement.requestFullscreen?.().catch(() => {});
    };
    const options = { once: true } as const;
    window.addEventListener('pointerdown', enter, options);
    window.addEventListener('keydown', enter, options);
    return () => {
      window.removeEventListener('pointerdown', enter);
      window.removeEventListener('keydown', enter);
    };
  }, []);
}
