/**
 * What keeps the lead view current: the socket on the `lead` view with the URL's filters, the
 * catalogue of queues and teams this token may see (for the filters), the clock, and, on a queue
 * page, that queue's history for the chosen range.
 */
import type { SubscribeRequest } from '../../contracts/socket';
import { fetchForecast, fetchHistory, fetchMetrics, fetchQueueTeams, HttpError } from './api';
import { messageOf, startPoller } from './poller';
import { connectLive } from './socket';
import { startSparklines } from './sparkline-feed';
import type { Catalogue, OpsStore, QueueHistory } from './store';

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

/**
 * Loads one queue's page data for a range, now and every `refreshMs`: the history, the same range
 * a week earlier, the forecast with staffed and needed agents, and the teams over the range. The
 * history's failure is the page's error; the others only leave their overlay or table out.
 */
export function startQueueHistory(store: OpsStore, token: string | null, queue: string, minutes: number, refreshMs: number): () => void {
  const key = `${queue}|${minutes}`;
  const kept = (): QueueHistory | null => {
    const previous = store.getState().queueHistory;
    return previous?.key === key ? previous : null;
  };
  const before = kept();
  store.getState().setQueueHistory({ key, history: before?.history ?? null, lastWeek: before?.lastWeek ?? null, forecast: before?.forecast ?? null, teams: before?.teams ?? null, loading: true, error: null });
  const poller = startPoller(async (signal) => {
    const [history, lastWeek, forecast, teams] = await Promise.allSettled([
      fetchHistory({ token, queue, minutes }, signal),
      fetchHistory({ token, queue, minutes, offsetMinutes: WEEK_MINUTES }, signal),
      fetchForecast({ token, queue, minutes }, signal),
      fetchQueueTeams({ token, queue, minutes }, signal),
    ]);
    if (signal.aborted) return;
    const last = kept();
    const value = <T>(r: PromiseSettledResult<T>, old: T | null | undefined): T | null => (r.status === 'fulfilled' ? r.value : (old ?? null));
    store.getState().setQueueHistory({
      key,
      history: value(history, last?.history),
      lastWeek: value(lastWeek, last?.lastWeek),
      forecast: value(forecast, last?.forecast),
      teams: value(teams, last?.teams),
      loading: false,
      error: history.status === 'rejected' ? messageOf(history.reason) : null,
    });
  }, refreshMs);
  return poller.stop;
}

const WEEK_MINUTES = 7 * 24 * 60;

function catalogueOf(snapshot: Awaited<ReturnType<typeof fetchMetrics>>): Catalogue {
  const teams = new Map<string, Catalogue['teams'][number]>();
  for (const q of snapshot.queues) for (const t of q.teams) teams.set(t.team, { id: t.team, name: t.name, kind: t.kind });
  return {
    queues: snapshot.queues.map((q) => ({ id: q.queue, name: q.name })),
    // In-house first, then partners, each in config order.
    teams: [...teams.values()].sort((a, b) => Number(a.kind === 'partner') - Number(b.kind === 'partner')),
  };
}
