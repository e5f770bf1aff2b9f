/**
 * Routes: `/` and `/wall` show the wall, `/wall/legend` what its marks mean; `/lead...` the team
 * lead view, loaded on demand so the wall's bundle carries none of it.
 */
import { lazy, Suspense, useEffect, useState } from 'react';
import { takeAccessToken, TOKEN_STORAGE_KEY } from './auth';
import { ErrorBoundary } from './components/ErrorBoundary';
import { NotFoundPage } from './components/NotFoundPage';
import { WallLegendPage } from './components/WallLegendPage';
import { WallPage } from './components/WallPage';
import { usePathname, useSearch } from './router';
import { siteParam } from './site-url';
import { useOpsStore } from './store';
import { startWallFeed } from './wall-feed';

const LeadApp = lazy(() => import('./components/lead/LeadApp'));
const DecisionApp = lazy(() => import('./components/decision/DecisionApp'));

export function App() {
  const pathname = usePathname();
  if (pathname === '/' || pathname === '/wall') return <WallRoute />;
  if (pathname === '/wall/legend') return <WallLegendPage />;
  if (pathname === '/lead' || pathname.startsWith('/lead/')) {
    return (
      <ErrorBoundary>
        <Suspense fallback={<p className="placeholder lead-loading">Loading the lead view…</p>}>
          {pathname === '/lead/partners' || pathname === '/lead/what-if' ? <DecisionApp /> : <LeadApp />}
        </Suspense>
      </ErrorBoundary>
    );
  }
  return <NotFoundPage />;
}

function WallRoute() {
  const store = useOpsStore();
  // `?site=`: one site's wall (a screen per hospital); without it, every site.
  const site = siteParam(useSearch());
  // The fragment is read at once and whenever `#token=` is added later (no reload needed): it is
  // cleared from the address bar and kept in storage; a new token restarts the feed.
  const [token, setToken] = useState(() => takeAccessToken(window, TOKEN_STORAGE_KEY));
  useEffect(() => {
    const onHash = () => {
      if (/(^#|&)token=/.test(window.location.hash)) setToken(takeAccessToken(window, TOKEN_STORAGE_KEY));
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  // NOTE: the feed lives outside the error boundary, so a render fault never drops the socket.
  useEffect(() => startWallFeed(store, token, site), [store, token, site]);
  return (
    <ErrorBoundary>
      <WallPage />
    </ErrorBoundary>
  );
}
