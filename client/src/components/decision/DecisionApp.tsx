/**
 * The lead view's decision pages: the partner scorecard (`/lead/partners`) and the operating-model
 * what-if (`/lead/what-if`). They read the HTTP API only (no live feed), so a partner's own token
 * opens the scorecard too. Loaded on demand, like the rest of the lead view.
 */
import { useEffect, useState } from 'react';
import { opensLeadPages, type Me } from '../../../../contracts/me';
import { forgetToken, LEAD_TOKEN_STORAGE_KEY, saveToken, takeAccessToken } from '../../auth';
import { fetchMe } from '../../decision-api';
import { Link, usePathname } from '../../router';
import { LoginForm } from '../lead/LoginForm';
import { ScorecardPage } from './ScorecardPage';
import { WhatIfPage } from './WhatIfPage';
import '../lead/lead.css';
import '../lead/lead-login.css';
import '../lead/lead-queue-page.css';
import './decision.css';
import './what-if.css';

export default function DecisionApp() {
  const pathname = usePathname();
  const [token, setToken] = useState(() => takeAccessToken(window, LEAD_TOKEN_STORAGE_KEY));
  const [refused, setRefused] = useState<string | null>(null);
  const [role, setRole] = useState<Me['role'] | null>(null);
  // NOTE: the links to the queues view, the what-if and the wall wait for the role: a partner's
  // token must not be offered pages the server refuses it.
  useEffect(() => {
    const controller = new AbortController();
    setRole(null);
    fetchMe(token, controller.signal)
      .then((me) => setRole(me.role))
      .catch(() => setRole(null));
    return () => controller.abort();
  }, [token]);
  const leadPages = role !== null && opensLeadPages(role);
  const signIn = (next: string): void => {
    saveToken(window, LEAD_TOKEN_STORAGE_KEY, next);
    setRefused(null);
    setToken(next);
  };
  const signOut = (): void => {
    forgetToken(window, LEAD_TOKEN_STORAGE_KEY);
    setToken(null);
    setRefused('You are signed out.');
  };
  // A 401 (no token, or one the server does not know) asks for a token again.
  const onUnauthorized = (message: string): void => {
    forgetToken(window, LEAD_TOKEN_STORAGE_KEY);
    setRefused(message);
  };
  if (refused) return <LoginForm message={refused} onSubmit={signIn} />;
  return (
    <div className="lead decision">
      <header className="lead-header">
        <div className="lead-bar">
          <h1 className="lead-title">
            {leadPages ? <Link to="/lead">Team lead view</Link> : 'Team lead view'}
          </h1>
          <nav className="lead-nav" aria-label="Views">
            {leadPages && <Link to="/lead">Queues</Link>}
            <Link to="/lead/partners" ariaCurrent={pathname === '/lead/partners'}>
              Partner scorecard
            </Link>
            {leadPages && (
              <Link to="/lead/what-if" ariaCurrent={pathname === '/lead/what-if'}>
                What-if
              </Link>
            )}
            {leadPages && <Link to="/wall">Wall</Link>}
            {token && (
              <button type="button" className="link-button" onClick={signOut}>
                Sign out
              </button>
            )}
          </nav>
        </div>
      </header>
      {pathname === '/lead/partners' ? (
        <ScorecardPage key={token ?? ''} token={token} onUnauthorized={onUnauthorized} />
      ) : (
        <WhatIfPage key={token ?? ''} token={token} onUnauthorized={onUnauthorized} />
      )}
    </div>
  );
}
