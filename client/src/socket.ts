/**
 * The wall's one socket (SPEC section 5): connects with the token, subscribes to the wall view
 * on every (re)connect, buffers snapshots to one store update per frame and records the state of
 * the link. Reconnection is Socket.IO's own (jittered exponential backoff, never giving up).
 */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../server/socket-contract';
import type { MetricsSnapshot } from '../../streams/metrics-snapshot';
import { createFrameBuffer } from './frame-buffer';
import { describeLinkError, type ConnectionState } from './format';
import type { WallStore } from './store';

export type WallSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** After a refusal Socket.IO stops retrying; a wall left for days tries again this often. */
const RETRY_AFTER_REFUSAL_MS = 30_000;

export interface WallConnectionOptions {
  store: WallStore;
  token: string | null;
  /** Called on every successful (re)connect, e.g. to reload what a gap may have missed. */
  onConnect?: () => void;
}

/** Opens the wall's connection; returns the function that closes it. */
export function connectWall({ store, token, onConnect }: WallConnectionOptions): () => void {
  const socket: WallSocket = io({
    auth: token ? { token } : {},
    reconnection: true,
    reconnectionDelay: 1_000,
    reconnectionDelayMax: 10_000,
    randomizationFactor: 0.5,
  });
  const snapshots = createFrameBuffer<MetricsSnapshot>((snapshot) => store.getState().applySnapshot(snapshot));
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const setConnection = (connection: ConnectionState): void => store.getState().setConnection(connection);
  const linkDown = (detail: string): void => {
    const current = store.getState().connection;
    // The outage started when the link was lost, not at the latest failed attempt.
    const since = current.phase === 'live' ? Date.now() : current.since;
    if (socket.active) {
      setConnection({ phase: 'retrying', since, detail });
      return;
    }
    // TRICKY: a refusal by the server (bad token, kicked) ends Socket.IO's own retries.
    setConnection({ phase: 'stopped', since, detail });
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => socket.connect(), RETRY_AFTER_REFUSAL_MS);
  };

  socket.on('connect', () => {
    clearTimeout(retryTimer);
    setConnection({ phase: 'live', since: Date.now() });
    socket.emit('subscribe', { view: 'wall' }, (ack) => {
      if (!ack.ok) setConnection({ phase: 'live', since: Date.now(), detail: `subscription refused: ${ack.error}` });
    });
    onConnect?.();
  });
  socket.on('disconnect', (reason) => linkDown(describeLinkError(reason)));
  socket.on('connect_error', (error) => linkDown(describeLinkError(error.message)));
  socket.on('metrics:snapshot', (snapshot) => {
    if (isSnapshot(snapshot)) snapshots.push(snapshot);
  });

  return () => {
    clearTimeout(retryTimer);
    snapshots.cancel();
    socket.removeAllListeners();
    socket.disconnect();
  };
}

// NOTE: the server is trusted, but one malformed message must not blank a wall for days.
function isSnapshot(value: unknown): value is MetricsSnapshot {
  const candidate = value as Partial<MetricsSnapshot> | null;
  return (
    typeof candidate?.generated_at === 'string' &&
    Array.isArray(candidate.queues) &&
    typeof candidate.totals === 'object' &&
    candidate.totals !== null
  );
}
