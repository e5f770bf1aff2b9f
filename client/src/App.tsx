/** Routes: `/` and `/wall` show the wall, `/lead` the (coming) team lead view. */
import { useEffect } from 'react';
import { ErrorBoundary } from './components/ErrorBoundary';
import { LeadPage } from './components/LeadPage';
import { NotFoundPage } from './components/NotFoundPage';
import { WallPage } from './components/WallPage';
import { usePathname } from './router';
import { useWallStore } from './store';
import { startWallFeed } from './wall-feed';

export function App({ token }: { token: string | null }) {
  const pathname = usePathname();
  if (pathname === '/' || pathname === '/wall') return <WallRoute token={token} />;
  if (pathname === '/lead') return <LeadPage />;
  return <NotFoundPage />;
}

function WallRoute({ token }: { token: string | null }) {
  const store = useWallStore();
  // NOTE: the feed lives outside the error boundary, so a render fault never drops the socket.
  useEffect(() => startWallFeed(store, token), [store, token]);
  return (
    <ErrorBoundary>
      <WallPage />
    </ErrorBoundary>
  );
}
