/** Entry point: creates the store and renders the app (and the test hook on `?test` pages). */
import { StrictMode } from 'react';
import { z } from 'zod';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createOpsStore, OpsStoreContext } from './store';
import { installTestHook, isTestPage } from './test-hook';
import './styles.css';
import './components/wall.css';
import './components/banners.css';
import './components/wall-panels.css';
import './components/simple-page.css';

// NOTE: zod's compiled validators use `new Function`, which the CSP forbids (no 'unsafe-eval'):
// validate without them rather than let every page report a CSP violation.
z.config({ jitless: true });

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

const store = createOpsStore();
if (isTestPage()) installTestHook(store);

createRoot(container).render(
  <StrictMode>
    <OpsStoreContext value={store}>
      <App />
    </OpsStoreContext>
  </StrictMode>,
);
