/** Entry point: takes the access token, creates the store and renders the app. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { takeAccessToken } from './auth';
import { createWallStore, WallStoreContext } from './store';
import './styles.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

const token = takeAccessToken();
const store = createWallStore();

createRoot(container).render(
  <StrictMode>
    <WallStoreContext value={store}>
      <App token={token} />
    </WallStoreContext>
  </StrictMode>,
);
