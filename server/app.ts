/**
 * `createApp(deps)`: the HTTP API (SPEC section 4), the live push (section 5) and the wall's
 * static files, wired once from the ports. No module-level state: tests build their own.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { systemClock, type Clock } from '../contracts/clock.js';
import { DomainError } from '../contracts/errors.js';
import { capReason, describeIssues, describeUnknown, MAX_REASON_LENGTH, quoteIfOpaque } from '../contracts/issues.js';
import { queuesOfSites, type OpsConfig } from '../contracts/config.js';
import type { EventLog } from '../contracts/event-log.js';
import type { MetricsStore } from '../streams/metrics-store.js';
import { AccessControl, type Principal } from './access.js';
import { AuthLimiter, type AuthBurstHook, type AuthLimitPolicy } from './auth-limiter.js';
import { authenticateRequests, requireRole } from './require-role.js';
import type { Alerting } from './alerts/alerting.js';
import { alertingRouter } from './alerts/routes.js';
import type { AuditLog } from './audit/audit-log.js';
import { auditRouter } from './audit/routes.js';
import type { CapacityStore } from './capacity/capacity-store.js';
import { scorecardRouter } from './scorecard/routes.js';
import { leadChartsRouter } from './lead-charts-routes.js';
import { meRouter } from './me-route.js';
import { whatIfRouter } from './what-if/routes.js';
import { errorHandler } from './http-errors.js';
import { importHandler } from './import/routes.js';
import { randomIds, type IdSource } from '../contracts/clock.js';
import { createIngest, rejectionSummary, splitBody } from './ingest.js';
import { createFhirIngest, type FhirIngest } from './fhir/fhir-ingest.js';
import { fhirRouter } from './fhir/routes.js';
import { createPush } from './push.js';
import { createTelemetry, type Telemetry } from './telemetry.js';
import type { SubscribeLimitPolicy } from './subscribe-limit.js';
import { applyView, effectiveFilter, siteProblem } from './views.js';
import { jsonBodiesOnly, loopbackOnly, securityHeaders } from './web-hygiene.js';
import { whatIfSetupRouter } from './what-if/setup-route.js';

export const CLIENT_DIST = fileURLToPath(new URL('../client/dist', import.meta.url));

export interface AppDeps {
  config: OpsConfig;
  log: EventLog;
  store: MetricsStore;
  logger: Logger;
  clock?: () => number;
  /** Ids of the audit records this app writes (history imports); default random UUIDs. */
  ids?: IdSource;
  tickMs?: number;
  telemetry?: Telemetry;
  /** Embedded mode: wait until appended events are visible before answering an ingest. */
  awaitVisible?(offsets: Map<number, number>): Promise<unknown>;
  /** `occurred_at` older than this many days is rejected as too old (RETENTION_DAYS; default 35). */
  retentionDays?: number;
  /** Where the built wall lives; served when present. */
  clientDist?: string;
  /** Demand-peak alerts and capacity requests (SPEC section 6); without it those calls answer 404. */
  alerting?: Alerting;
  /** Every capacity request for the retention period: the partner scorecard (SPEC section 11); without it that call answers 404. */
  capacityStore?: CapacityStore;
  /** The audit trail (SPEC section 10): `GET /api/audit`, and where bursts of failed authentication are recorded. */
  audit?: AuditLog;
  /** Extra routes outside `/api` (the demo's partner endpoints), by mount path. */
  routes?: Record<string, express.RequestHandler>;
  /** Elapsed time for the rate limits (default: the machine's clock), apart from the domain `clock`. */
  timer?: Clock;
  /** Failed authentication per client address (default: 20 a minute, then 429 for a minute). */
  authLimit?: Partial<AuthLimitPolicy>;
  /** Called once per burst of failed authentication (address, failures): the audit trail's hook. */
  onAuthBurst?: AuthBurstHook;
  /** `subscribe` per socket (default: 5 a second, disconnected after 20 refusals within one). */
  subscribeLimit?: SubscribeLimitPolicy;
}

export interface App {
  httpServer: HttpServer;
  telemetry: Telemetry;
  access: AccessControl;
  push: ReturnType<typeof createPush>;
  /** FHIR Task ingest (the `/fhir` routes' own function), when the config has a `fhir` mapping. */
  fhir?: FhirIngest;
  close(): Promise<void>;
}

const listParam = z
  .string()
  .optional()
  .transform((s) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : undefined));

const historyQuery = z.strictObject({
  queue: z.string().min(1).optional(),
  site: z.string().min(1).optional(),
  minutes: z.coerce.number().int().min(1).max(7 * 24 * 60).default(60),
  /** The window ends this many minutes before now (10080: the same time last week); within the 35-day retention. */
  offset_minutes: z.coerce.number().int().min(0).max(28 * 24 * 60).default(0),
});

/** Wraps an async handler so a rejection reaches the error handler. */
const handle = (fn: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) =>
  fn(req, res).catch(next);

export function createApp(deps: AppDeps): App {
  const { config, log, store, logger } = deps;
  const clock = deps.clock ?? systemClock;
  const telemetry = deps.telemetry ?? createTelemetry();
  const access = new AccessControl(config);
  const ingest = createIngest({ config, log, store, clock, awaitVisible: deps.awaitVisible, retentionDays: deps.retentionDays });
  // NOTE: one ingest for /api/events and /fhir, so an event in flight on one is a duplicate on the other.
  const fhir = config.fhir && createFhirIngest({ config, mapping: config.fhir, ingest, clock, retentionDays: deps.retentionDays });
  const timer = deps.timer ?? systemClock;
  const authLimiter = new AuthLimiter({ policy: deps.authLimit, timer, logger, onBurst: deps.onAuthBurst });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(securityHeaders());
  // Open mode has no tokens: only a loopback Host (DNS rebinding) and a same-origin Origin.
  if (access.open) app.use(loopbackOnly());
  // NOTE: before the JSON-only rule of /api: an import's body is CSV or NDJSON of any size, streamed.
  app.post(
    '/api/import',
    authenticateRequests(access, authLimiter),
    requireRole(access, 'admin'),
    importHandler({ config, ingest, clock, ids: deps.ids ?? randomIds, logger, telemetry, audit: deps.audit, retentionDays: deps.retentionDays }),
  );
  app.use('/api', jsonBodiesOnly(), authenticateRequests(access, authLimiter));

  /** Throws the 400 or 403 a requested `site` earns (unknown; outside a lead's sites). */
  function checkSite(principal: Principal, site: string | undefined): void {
    const problem = siteProblem(config, principal, site);
    if (problem) throw new DomainError(problem.kind, problem.message);
  }

  /** History as `principal` may see it (the queues `/api/metrics` shows it), of one site's queues with `site`. */
  async function historyFor(principal: Principal, queue: string | undefined, site: string | undefined, minutes: number, offsetMinutes = 0) {
    const now = clock() - offsetMinutes * 60_000;
    checkSite(principal, site);
    const filter = effectiveFilter(principal, { site });
    if (!filter.teams && !filter.sites) return store.history(queue, minutes, now);
    // NOTE: a team's queues follow its work (applyView), so only a team limit needs the snapshot.
    const visible = filter.teams ? applyView(await store.snapshot(clock()), config, filter).queues.map((q) => q.queue) : queuesOfSites(config, filter.sites!);
    if (queue !== undefined && !visible.includes(queue)) {
      if (site !== undefined && !queuesOfSites(config, [site]).includes(queue)) throw new DomainError('invalid', `queue: not a queue of site "${site}"`);
      throw new DomainError('forbidden', principal.sites ? 'a queue this token may not see' : 'a queue your teams do not serve');
    }
    if (visible.length === 0) throw new DomainError(filter.teams ? 'forbidden' : 'not_found', filter.teams ? 'your teams serve no queue' : 'no queue in this view');
    return store.history(queue ?? (visible.length === config.queues.length ? undefined : visible), minutes, now);
  }

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get(
    '/readyz',
    handle(async (_req, res) => {
      const [bus, db] = await Promise.allSettled([log.ping(), store.ping()]);
      // NOTE: /readyz needs no token, so an engine's error (host names, paths) goes to the log, not the answer.
      const why = (r: PromiseSettledResult<void>, engine: string) => {
        if (r.status === 'fulfilled') return 'ok';
        logger.warn({ err: r.reason, engine }, 'readiness: an engine did not answer');
        return 'unavailable';
      };
      const body = { status: bus.status === 'fulfilled' && db.status === 'fulfilled' ? 'ready' : 'not ready', bus: { kind: log.kind, state: why(bus, 'event log') }, store: { kind: store.kind, state: why(db, 'store') } };
      res.status(body.status === 'ready' ? 200 : 503).json(body);
    }),
  );
  app.get(
    '/metrics',
    handle(async (_req, res) => {
      res.type(telemetry.registry.contentType).send(await telemetry.registry.metrics());
    }),
  );

  const api = express.Router();
  api.post(
    '/events',
    requireRole(access, 'ingest'),
    // NOTE: raw bytes: the body is decoded as strict UTF-8 per body or per NDJSON line (ingest-body.ts).
    express.raw({ type: () => true, limit: '32mb' }),
    handle(async (req, res) => {
      const result = await ingest(splitBody(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)));
      telemetry.eventsAccepted.inc(result.accepted);
      telemetry.eventsDuplicate.inc({ source: 'http' }, result.duplicates);
      telemetry.eventsRejected.inc({ source: 'http' }, result.rejected.length);
      if (result.rejected.length > 0) logger.warn(rejectionSummary(result.rejected), 'ingest rejected events');
      res.status(202).json(result);
    }),
  );
  api.get(
    '/metrics',
    requireRole(access, 'viewer'),
    handle(async (req, res) => {
      const query = z.object({ queues: listParam, teams: listParam, site: z.string().min(1).optional() }).safeParse(req.query);
      if (!query.success) throw new DomainError('invalid', 'queues and teams are comma-separated lists, site one site id');
      checkSite(req.principal!, query.data.site);
      const filter = effectiveFilter(req.principal!, query.data);
      const unknown = [...describeUnknown('queue', filter.queues, config.queueIndex), ...describeUnknown('team', filter.teams, config.teamIndex)];
      if (unknown.length > 0) throw new DomainError('invalid', capReason(`unknown ${unknown.join(', ')}`));
      const stop = telemetry.snapshotSeconds.startTimer();
      const raw = await store.snapshot(clock());
      const snapshot = deps.alerting ? deps.alerting.enrich(raw) : raw;
      stop();
      res.json(applyView(snapshot, config, filter));
    }),
  );
  api.get(
    '/metrics/history',
    requireRole(access, 'viewer'),
    handle(async (req, res) => {
      const query = historyQuery.safeParse(req.query);
      if (!query.success) {
        throw new DomainError('invalid', describeIssues(query.error.issues, { subject: 'query', input: req.query, maxLength: MAX_REASON_LENGTH }));
      }
      const { queue, site, minutes, offset_minutes: offset } = query.data;
      if (queue !== undefined && !config.queueIndex.has(queue)) throw new DomainError('not_found', `unknown queue${quoteIfOpaque(queue) ? ` ${quoteIfOpaque(queue)}` : ''}`);
      res.json(await historyFor(req.principal!, queue, site, minutes, offset));
    }),
  );
  api.use(leadChartsRouter({ config, store, alerting: deps.alerting, access, clock }));
  if (deps.alerting) api.use(alertingRouter(deps.alerting, access, clock, config));
  if (deps.audit) api.use(auditRouter(deps.audit, access));
  api.use(meRouter(access));
  if (deps.capacityStore) api.use(scorecardRouter({ config, store, capacityStore: deps.capacityStore, access, clock }));
  api.use(whatIfRouter({ config, store, access, clock, retentionDays: deps.retentionDays }));
  api.use(whatIfSetupRouter({ config, store, access, clock, retentionDays: deps.retentionDays }));
  api.use((_req, res) => {
    res.status(404).json({ error: 'no such API call' });
  });
  app.use('/api', api);
  app.use(fhirRouter({ fhir, access, authLimiter, logger, telemetry }));
  for (const [path, handler] of Object.entries(deps.routes ?? {})) app.use(path, handler);

  const dist = deps.clientDist ?? CLIENT_DIST;
  if (existsSync(dist)) {
    app.use(express.static(dist, { index: false, maxAge: '1h' }));
    app.get(['/', '/wall', '/wall/legend', '/lead', '/lead/{*rest}'], (_req, res) => {
      res.sendFile('index.html', { root: dist, maxAge: 0 });
    });
  } else {
    app.get('/', (_req, res) => {
      res.status(503).type('text').send('The wall is not built yet: run `npm run build`.');
    });
  }

  app.use(errorHandler(logger));

  const httpServer = createServer(app);
  const alerting = deps.alerting;
  const push = createPush(httpServer, {
    config,
    store,
    access,
    telemetry,
    logger,
    clock,
    tickMs: deps.tickMs ?? 1000,
    authLimiter,
    timer,
    subscribeLimit: deps.subscribeLimit,
    alerting: alerting && { enrich: (s) => alerting.enrich(s), alerts: () => alerting.alerts(), capacityRequests: () => alerting.desk.list() },
  });
  const unsubscribe = alerting ? [alerting.onChange(push.publishAlerts), alerting.desk.onChange(push.publishCapacity)] : [];

  return {
    httpServer,
    telemetry,
    access,
    push,
    fhir,
    async close() {
      for (const off of unsubscribe) off();
      await push.close();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
