/**
 * What keeps the lead view current: the socket on the `lead` view with the URL's filters, the
 * catalogue of queues and teams this token may see (for the filters), the clock, and, on a queue
 * page, that queue's history for the chosen range.
 */
import type { SubscribeRequest } from '../../contracts/socket';
import { fetchHistory, fetchMetrics, HttpError } from './api';
import { messageOf, startPoller } from './poller';
import { connectLive } from './socket';
import { startSparklines } from './sparkline-feed';
import type { Catalogue, OpsStore } from './store';

const CATALOGUE_REFRESH_MS = 5 * 60_000;
const CLOCK_POLL_MS = 250;

export interface LeadFeed {
  /** New filters from the URL: resubscribes on the same socket. */
  setFilter(filter: Omit<SubscribeRequest, 'view'>): void;
  stop(): void;
}

/** Why the server refused a token, in the words of the sign-in form. */
export function refusalMessage(reason: string): string {
  if (/unauthori[sz]ed|401/i.test(reason)) return 'This token is not known to the server.';
  if (/lead role|forbidden|403/i.test(reason)) return 'This token may view the wall but not the lead view: a lead token is needed.';
  return reason;
}

/** Starts the lead view's feeds; `stop` ends them all. */
export function startLeadFeed(store: OpsStore, token: string | null, filter: Omit<SubscribeRequest, 'view'>): LeadFeed {
  store.getState().reset(Date.now());
  const refused = (reason: string): void =>
    store.getState().setAuthError(token === null ? 'This server needs a token for the lead view.' : refusalMessage(reason));
  // The filters offer what the token may see of the site on screen (`?site=`), or of every site.
  let site = filter.site;
  const catalogue = startPoller(async (signal) => {
    try {
      store.getState().setCatalogue(catalogueOf(await fetchMetrics(token, signal, site)));
    } catch (error) {
      if (error instanceof HttpError && (error.status === 401 || error.status === 403)) refused(error.message);
    }
  }, CATALOGUE_REFRESH_MS);
  const sparklines = startSparklines(store, token);
  const live = connectLive({
    store,
    token,
    subscription: { view: 'lead', ...filter },
    onConnect: () => {
      catalogue.refresh();
      sparklines.refresh();
    },
    onRefused: refused,
  });
  const clock = setInterval(() => store.getState().tick(Date.now()), CLOCK_POLL_MS);
  return {
    setFilter(next) {
      live.subscribe({ view: 'lead', ...next });
      if (next.site !== site) {
        site = next.site;
        catalogue.refresh();
      }
    },
    stop() {
      clearInterval(clock);
      live.close();
      catalogue.stop();
      sparklines.stop();
    },
  };
}

/** Loads one queue's history for the queue page, now and every `refreshMs`; returns the stop. */
export function startQueueHistory(store: OpsStore, token: string | null, queue: string, minutes: number, refreshMs: number): () => void {
  const key = `${queue}|${minutes}`;
  const previous = store.getState().queueHistory;
  store.getState().setQueueHistory({ key, history: previous?.key === key ? previous.history : null, loading: true, error: null });
  const poller = startPoller(async (signal) => {
    try {
      const history = await fetchHistory({ token, queue, minutes }, signal);
      if (!signal.aborted) store.getState().setQueueHistory({ key, history, loading: false, error: null });
    } catch (error) {
      if (signal.aborted) return;
      const kept = store.getState().queueHistory;
      store.getState().setQueueHistory({ key, history: kept?.key === key ? kept.history : null, loading: false, error: messageOf(error) });
    }
  }, refreshMs);
  return poller.stop;
}

function catalogueOf(snapshot: Awaited<ReturnType<typeof fetchMetrics>>): Catalogue {
  const teams = new Map<string, Catalogue['teams'][number]>();
  for (const q of snapshot.queues) for (const t of q.teams) teams.set(t.team, { id: t.team, name: t.name, kind: t.kind });
  return {
    queues: snapshot.queues.map((q) => ({ id: q.queue, name: q.name })),
    // In-house first, then partners, each in config order.
    teams: [...teams.values()].sort((a, b) => Number(a.kind === 'partner') - Number(b.kind === 'partner')),
  };
}
