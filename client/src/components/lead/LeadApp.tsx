/**
 * The team lead view (`/lead...`): sign-in with a token, filters by queue and team kept in the
 * URL, an overview and a page per queue. Loaded on demand, so the wall never carries it.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { forgetToken, LEAD_TOKEN_STORAGE_KEY, saveToken, takeAccessToken } from '../../auth';
import { startLeadFeed, type LeadFeed } from '../../lead-feed';
import { parseLeadRoute, subscriptionOf } from '../../lead-url';
import { usePathname, useSearch } from '../../router';
import { useOps, useOpsStore } from '../../store';
import { NotFoundPage } from '../NotFoundPage';
import { LeadHeader } from './LeadHeader';
import { LeadOverview } from './LeadOverview';
import { LeadQueuePage } from './LeadQueuePage';
import { LoginForm } from './LoginForm';
import './lead.css';
import './lead-overview.css';
import './lead-queue-page.css';
import './lead-login.css';
import './lead-alerts.css';

export default function LeadApp() {
  const store = useOpsStore();
  const [token, setToken] = useState(() => takeAccessToken(window, LEAD_TOKEN_STORAGE_KEY));
  // A sign-in with the same token as before must still start afresh.
  const [attempt, setAttempt] = useState(0);
  const authError = useOps((s) => s.authError);
  const route = parseLeadRoute(usePathname(), useSearch());
  // The subscription changes only when its content does, not with every render's new object.
  const subscriptionKey = JSON.stringify(route ? subscriptionOf(route) : {});
  const subscription = useMemo(() => JSON.parse(subscriptionKey) as ReturnType<typeof subscriptionOf>, [subscriptionKey]);

  const feed = useRef<LeadFeed | null>(null);
  // One feed per token; the filters change the subscription on the same socket.
  useEffect(() => {
    const started = startLeadFeed(store, token, subscription);
    feed.current = started;
    return () => {
      started.stop();
      feed.current = null;
    };
    // NOTE: not on `subscription`: filters go to the running feed below, on the same socket.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store, token, attempt]);
  const firstSubscription = useRef(true);
  useEffect(() => {
    if (firstSubscription.current) {
      firstSubscription.current = false;
      return;
    }
    feed.current?.setFilter(subscription);
  }, [subscription]);

  const signIn = (next: string): void => {
    saveToken(window, LEAD_TOKEN_STORAGE_KEY, next);
    store.getState().setAuthError(null);
    setToken(next);
    setAttempt((n) => n + 1);
  };
  const signOut = (): void => {
    forgetToken(window, LEAD_TOKEN_STORAGE_KEY);
    setToken(null);
    store.getState().setAuthError('You are signed out.');
  };

  if (!route) return <NotFoundPage />;
  if (authError) return <LoginForm message={authError} onSubmit={signIn} />;
  return (
    <div className="lead">
      <LeadHeader route={route} onSignOut={token ? signOut : undefined} />
      {route.page === 'overview' ? <LeadOverview route={route} token={token} /> : <LeadQueuePage route={route} token={token} />}
    </div>
  );
}
