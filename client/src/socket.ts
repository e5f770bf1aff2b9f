/**
 * The client's one socket (SPEC section 5): connects with the token, subscribes to its view on
 * every (re)connect, buffers snapshots to one store update per frame and records the state of the
 * link. Reconnection is Socket.IO's own (jittered exponential backoff, 1 s doubling to 5 s,
 * never giving up); after a refusal, which ends Socket.IO's retries, it tries again every 30 s.
 */
import { io, type Socket } from 'socket.io-client';
import { alertSchema, capacityRequestSchema, type Alert, type CapacityRequest } from '../../contracts/alerts';
import { fetchAlerts, fetchCapacityRequests } from './api';
import type { ClientToServerEvents, ServerToClientEvents, SubscribeRequest } from '../../contracts/socket';
import { metricsSnapshotSchema, type MetricsSnapshot } from '../../contracts/metrics-snapshot';
import { createFrameBuffer } from './frame-buffer';
import { describeLinkError, type ConnectionState } from './format';
import type { OpsStore } from './store';

export type OpsSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** After a refusal Socket.IO stops retrying; a wall left for days tries again this often. */
const RETRY_AFTER_REFUSAL_MS = 30_000;

export interface LiveOptions {
  store: OpsStore;
  token: string | null;
  /** What to subscribe to; sent again on every reconnect. */
  subscription: SubscribeRequest;
  /** Called on every successful (re)connect, e.g. to reload what a gap may have missed. */
  onConnect?: () => void;
  /** The server refused the token or the subscription (e.g. a viewer token on the lead view). */
  onRefused?: (reason: string) => void;
}

export interface LiveConnection {
  /** Changes the subscription (a lead's filters) without reconnecting. */
  subscribe(subscription: SubscribeRequest): void;
  close(): void;
}

/** Opens the live connection; `close` removes every listener and timer it set. */
export function connectLive({ store, token, subscription, onConnect, onRefused }: LiveOptions): LiveConnection {
  const socket: OpsSocket = io({
    auth: token ? { token } : {},
    reconnection: true,
    reconnectionDelay: 1_000,
    // NOTE: 5 s, not more: a wall must be back soon after a server restart, and one attempt per
    // 5 s per screen is nothing for the server.
    reconnectionDelayMax: 5_000,
    randomizationFactor: 0.5,
  });
  const snapshots = createFrameBuffer<MetricsSnapshot>((snapshot) => store.getState().applySnapshot(snapshot, Date.now()));
  let current = subscription;
  /** Between a subscribe and its ack, snapshots on the wire are of the previous filter. */
  let awaitingAck = true;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const setConnection = (connection: ConnectionState): void => store.getState().setConnection(connection);
  const linkDown = (detail: string): void => {
    const previous = store.getState().connection;
    // The outage started when the link was lost, not at the latest failed attempt.
    const since = previous.phase === 'live' ? Date.now() : previous.since;
    if (socket.active) {
      setConnection({ phase: 'retrying', since, detail });
      return;
    }
    // TRICKY: a refusal by the server (bad token, kicked) ends Socket.IO's own retries.
    setConnection({ phase: 'stopped', since, detail });
    onRefused?.(detail);
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => socket.connect(), RETRY_AFTER_REFUSAL_MS);
  };
  const sendSubscription = (): void => {
    const sent = current;
    awaitingAck = true;
    socket.emit('subscribe', sent, (ack) => {
      if (sent !== current) return;
      awaitingAck = false;
      if (ack.ok) return;
      setConnection({ phase: 'live', since: Date.now(), detail: `subscription refused: ${ack.error}` });
      onRefused?.(ack.error);
    });
  };

  socket.on('connect', () => {
    clearTimeout(retryTimer);
    setConnection({ phase: 'live', since: Date.now() });
    sendSubscription();
    onConnect?.();
  });
  socket.on('disconnect', (reason) => {
    if (reason === 'io server disconnect') {
      // TRICKY: Socket.IO does not come back by itself after the server closed the socket, which
      // is what a server does when it shuts down for a restart; connecting again puts the
      // manager's backoff back in charge while the server is away.
      const since = Date.now();
      setConnection({ phase: 'retrying', since, detail: describeLinkError(reason) });
      socket.connect();
      return;
    }
    linkDown(describeLinkError(reason));
  });
  socket.on('connect_error', (error) => linkDown(describeLinkError(error.message)));
  socket.on('metrics:snapshot', (snapshot) => {
    if (!awaitingAck && isSnapshot(snapshot)) snapshots.push(snapshot);
  });
  // The server pushes both lists on subscribe and on every change; one GET of each on connect
  // fills the screen even if the push is slow, and a push always wins over an older GET.
  let closed = false;
  let alertsPushed = false;
  let capacityPushed = false;
  socket.on('alerts:update', (alerts) => {
    if (!Array.isArray(alerts)) return;
    alertsPushed = true;
    store.getState().setAlerts(alerts.filter(isAlert));
  });
  socket.on('capacity:update', (requests) => {
    if (!Array.isArray(requests)) return;
    capacityPushed = true;
    store.getState().setCapacityRequests(requests.filter(isCapacityRequest));
  });
  const loadAlerting = (): void => {
    alertsPushed = false;
    capacityPushed = false;
    fetchAlerts(token)
      .then((alerts) => {
        if (!alertsPushed && !closed) store.getState().setAlerts(alerts.filter(isAlert));
      })
      .catch(() => {});
    fetchCapacityRequests(token)
      .then((requests) => {
        if (!capacityPushed && !closed) store.getState().setCapacityRequests(requests.filter(isCapacityRequest));
      })
      .catch(() => {});
  };
  socket.on('connect', loadAlerting);

  return {
    subscribe(next) {
      current = next;
      // A snapshot of the old filter may still be buffered or on its way: drop it, never flash it.
      snapshots.cancel();
      awaitingAck = true;
      if (socket.connected) sendSubscription();
    },
    close() {
      closed = true;
      clearTimeout(retryTimer);
      snapshots.cancel();
      socket.removeAllListeners();
      socket.disconnect();
    },
  };
}

// NOTE: the server is trusted, but one malformed message must not blank a wall for days: every
// frame is checked against the contract's schemas, and what does not fit is dropped.
const isAlert = (value: unknown): value is Alert => alertSchema.safeParse(value).success;
const isCapacityRequest = (value: unknown): value is CapacityRequest => capacityRequestSchema.safeParse(value).success;
const isSnapshot = (value: unknown): value is MetricsSnapshot => metricsSnapshotSchema.safeParse(value).success;
