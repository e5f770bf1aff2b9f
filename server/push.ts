/**
 * Live push (SPEC section 5): every tick, one snapshot from the store, then one derived snapshot
 * per distinct view, emitted to the Socket.IO room of that view. Never a query per client.
 */
import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import { systemClock, type Clock } from '../contracts/clock.js';
import { queuesOfSites, type OpsConfig } from '../contracts/config.js';
import type { MetricsSnapshot } from '../contracts/metrics-snapshot.js';
import type { MetricsStore } from '../streams/metrics-store.js';
import { AccessControl, hasRole } from './access.js';
import type { Alert, CapacityRequest } from '../contracts/alerts.js';
import { subscribeSchema, type ClientToServerEvents, type ServerToClientEvents, type SocketData } from '../contracts/socket.js';
import type { Telemetry } from './telemetry.js';
import { clientAddress, type AuthLimiter } from './auth-limiter.js';
import { DEFAULT_SUBSCRIBE_LIMIT, subscribeGate, type SubscribeLimitPolicy } from './subscribe-limit.js';
import { allowSocketRequest } from './web-hygiene.js';
import { applyView, effectiveFilter, siteProblem, viewKey, type ViewFilter } from './views.js';
import { capReason, describeIssues, describeUnknown, MAX_REASON_LENGTH } from '../contracts/issues.js';

export type OpsIoServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface PushDeps {
  config: OpsConfig;
  store: MetricsStore;
  access: AccessControl;
  telemetry: Telemetry;
  logger: Logger;
  clock: () => number;
  tickMs: number;
  /** The alerting, when it runs: fills snapshots and holds the alert and capacity lists. */
  alerting?: {
    enrich(snapshot: MetricsSnapshot): MetricsSnapshot;
    alerts(): Alert[];
    capacityRequests(): CapacityRequest[];
  };
  /** Wrong tokens per client address, shared with HTTP (server/auth-limiter.ts). */
  authLimiter?: AuthLimiter;
  /** Elapsed time for the subscribe limit (default: the machine's clock). */
  timer?: Clock;
  subscribeLimit?: SubscribeLimitPolicy;
}

/** Queues a view shows: those asked for, narrowed to the queues of its sites and those its teams serve. */
function viewQueues(config: OpsConfig, filter: ViewFilter): Set<string> | undefined {
  if (!filter.queues && !filter.teams && !filter.sites) return undefined;
  const served = filter.teams ? new Set(filter.teams.flatMap((t) => config.teamIndex.get(t)?.queues ?? [])) : undefined;
  const sited = filter.sites ? new Set(queuesOfSites(config, filter.sites)) : undefined;
  return new Set(config.queues.map((q) => q.id).filter((q) => (!filter.queues || filter.queues.includes(q)) && (!served || served.has(q)) && (!sited || sited.has(q))));
}

function onlyQueues<T extends { queue: string }>(list: T[], queues: Set<string> | undefined): T[] {
  return queues ? list.filter((x) => queues.has(x.queue)) : list;
}

/** Attaches Socket.IO to the HTTP server and starts the tick loop. */
export function createPush(httpServer: HttpServer, deps: PushDeps) {
  const { config, store, access, telemetry, logger } = deps;
  const elapsed = deps.timer ?? systemClock;
  // NOTE: CORS does not cover WebSockets: in open mode the handshake itself checks Host and Origin.
  const io: OpsIoServer = new Server(httpServer, { serveClient: false, cors: { origin: false }, allowRequest: access.open ? allowSocketRequest : undefined });
  /** Filter of each view key that has at least one member. */
  const views = new Map<string, ViewFilter>();

  io.use((socket, next) => {
    const token = typeof socket.handshake.auth?.token === 'string' ? socket.handshake.auth.token : undefined;
    const limiter = deps.authLimiter;
    const address = clientAddress(socket.handshake.address, socket.handshake.headers['x-forwarded-for']);
    const wait = limiter && !access.open && token !== undefined ? limiter.retryAfterSeconds(address) : 0;
    if (wait > 0) return next(Object.assign(new Error(`too many failed authentications: retry in ${wait} s`), { data: { retry_after_seconds: wait } }));
    const principal = access.authenticate(token);
    if (!principal && token !== undefined) limiter?.failed(address);
    if (!principal) return next(new Error('unauthorized: missing or unknown token'));
    if (!hasRole(principal, 'viewer')) return next(new Error('forbidden: live metrics need the viewer role'));
    socket.data = { role: principal.role, name: principal.name, teams: principal.teams, sites: principal.sites };
    next();
  });

  io.on('connection', (socket) => {
    telemetry.socketClients.inc();
    let room: string | undefined;
    const gate = subscribeGate(elapsed, deps.subscribeLimit ?? DEFAULT_SUBSCRIBE_LIMIT);
    socket.on('subscribe', (request, ack) => {
      const reply = typeof ack === 'function' ? ack : () => {};
      const verdict = gate();
      if (verdict === 'disconnect') {
        logger.warn({ socket: socket.id, name: socket.data.name }, 'subscribe flood: socket disconnected');
        return void socket.disconnect(true);
      }
      if (verdict === 'refuse') return reply({ ok: false, error: `too many subscribe requests: at most ${(deps.subscribeLimit ?? DEFAULT_SUBSCRIBE_LIMIT).perSecond} a second` });
      const parsed = subscribeSchema.safeParse(request);
      if (!parsed.success) return reply({ ok: false, error: describeIssues(parsed.error.issues, { input: request, maxLength: MAX_REASON_LENGTH }) });
      const { view, queues, teams, site } = parsed.data;
      const principal = { name: socket.data.name, role: socket.data.role, teams: socket.data.teams, sites: socket.data.sites };
      if (view === 'lead' && !hasRole(principal, 'lead')) return reply({ ok: false, error: 'the lead view needs the lead role' });
      const problem = siteProblem(config, principal, site);
      if (problem) return reply({ ok: false, error: problem.message });
      const filter = effectiveFilter(principal, { queues, teams, site });
      // Names echoed only when they are opaque ids (SPEC section 9).
      const unknown = [...describeUnknown('queue', filter.queues, config.queueIndex), ...describeUnknown('team', filter.teams, config.teamIndex)];
      if (unknown.length > 0) return reply({ ok: false, error: capReason(`unknown ${unknown.join(', ')}`) });
      const key = viewKey(view, filter);
      if (room) void socket.leave(room);
      room = key;
      views.set(key, filter);
      void socket.join(key);
      reply({ ok: true, view: key });
      if (deps.alerting) {
        const queues = viewQueues(config, filter);
        socket.emit('alerts:update', onlyQueues(deps.alerting.alerts(), queues));
        socket.emit('capacity:update', onlyQueues(deps.alerting.capacityRequests(), queues));
      }
    });
    socket.on('disconnect', () => telemetry.socketClients.dec());
  });

  let running = false;
  async function tick(): Promise<void> {
    if (running) return; // a slow store never piles ticks up
    running = true;
    try {
      const rooms = io.of('/').adapter.rooms;
      for (const key of views.keys()) if (!rooms.has(key)) views.delete(key);
      if (views.size === 0) return;
      const stop = telemetry.snapshotSeconds.startTimer();
      const raw = await store.snapshot(deps.clock());
      const snapshot = deps.alerting ? deps.alerting.enrich(raw) : raw;
      stop();
      for (const [key, filter] of views) {
        telemetry.viewComputations.inc();
        io.to(key).emit('metrics:snapshot', applyView(snapshot, config, filter));
      }
    } catch (err) {
      logger.error({ err }, 'tick failed: live screens keep their last data and show its age');
    } finally {
      running = false;
    }
  }
  const timer = setInterval(() => void tick(), deps.tickMs);
  timer.unref();

  /** Calls `send` for every view with members, with the queues it shows. */
  function forEachView(send: (key: string, queues: Set<string> | undefined) => void): void {
    const rooms = io.of('/').adapter.rooms;
    for (const [key, filter] of views) if (rooms.has(key)) send(key, viewQueues(config, filter));
  }

  return {
    io,
    tick,
    /** Sends the changed alert list to every view, narrowed to its queues. */
    publishAlerts: (alerts: Alert[]) => forEachView((key, queues) => io.to(key).emit('alerts:update', onlyQueues(alerts, queues))),
    /** Sends the changed capacity requests to every view, narrowed to its queues. */
    publishCapacity: (requests: CapacityRequest[]) => forEachView((key, queues) => io.to(key).emit('capacity:update', onlyQueues(requests, queues))),
    async close(): Promise<void> {
      clearInterval(timer);
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
