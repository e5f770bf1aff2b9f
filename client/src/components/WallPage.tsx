/** The wall: header, stale banner, queue tiles and the trend. */
import { dataAgeSeconds, isStale } from '../format';
import { useWall } from '../store';
import { Header } from './Header';
import { QueueGrid } from './QueueGrid';
import { StaleBanner } from './StaleBanner';
import { TrendChart } from './TrendChart';

export function WallPage() {
  // A boolean selector: the page itself re-renders only when staleness flips.
  const stale = useWall((s) => isStale(dataAgeSeconds(s.snapshot?.generated_at, s.now)));
  return (
    <div className={`wall${stale ? ' wall-stale' : ''}`}>
      <Header />
      <StaleBanner />
      <main className="wall-main">
        <QueueGrid />
        <TrendChart />
      </main>
    </div>
  );
}
