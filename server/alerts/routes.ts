/**
 * HTTP calls of the alerting (SPEC section 4): `GET /api/alerts`, `POST /api/alerts/:id/ack`,
 * `GET /api/capacity-requests`, `POST /api/capacity-requests/:id/response`.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import type { AccessControl, Principal } from '../access.js';
import { queuesOfSites, type OpsConfig } from '../../contracts/config.js';
import { principalQueues, siteProblem } from '../views.js';
import { requireRole } from '../require-role.js';
import { DomainError } from '../../contracts/errors.js';
import { describeIssues } from '../../contracts/issues.js';
import type { Alerting } from './alerting.js';
import { ackRequestSchema, type AlertsResponse, type CapacityRequestsResponse } from '../../contracts/alerts.js';

/**
 * Queues a principal may see: a lead limited to teams sees the queues those teams serve, one
 * limited to sites the queues of those sites; `?site=` narrows further to one site's queues.
 */
export function visibleQueues(config: OpsConfig, principal: Principal, site: unknown): Set<string> | undefined {
  // NOTE: `?site=a&site=b` arrives as an array: refused, as /api/metrics refuses it, not read as "all".
  if (site !== undefined && typeof site !== 'string') throw new DomainError('invalid', 'site: one site id');
  const requested = typeof site === 'string' ? site : undefined;
  const problem = siteProblem(config, principal, requested);
  if (problem) throw new DomainError(problem.kind, problem.message);
  const allowed = principalQueues(config, principal);
  if (requested === undefined) return allowed;
  return new Set(queuesOfSites(config, [requested]).filter((q) => !allowed || allowed.has(q)));
}

/** Wraps a handler so a throw or rejection reaches the API's one error handler. */
const handle = (fn: (req: Request, res: Response) => Promise<void> | void) => (req: Request, res: Response, next: NextFunction) => {
  Promise.resolve()
    .then(() => fn(req, res))
    .catch(next);
};

const json = express.json({ type: () => true, limit: '16kb' });

/** The router, mounted under `/api`. */
export function alertingRouter(alerting: Alerting, access: AccessControl, clock: () => number, config: OpsConfig): express.Router {
  const router = express.Router();

  router.get(
    '/alerts',
    requireRole(access, 'viewer'),
    handle((req, res) => {
      const queues = visibleQueues(config, req.principal!, req.query.site);
      const body: AlertsResponse = { generated_at: new Date(clock()).toISOString(), alerts: alerting.alerts().filter((a) => !queues || queues.has(a.queue)) };
      res.json(body);
    }),
  );

  router.post(
    '/alerts/:id/ack',
    requireRole(access, 'lead'),
    json,
    handle(async (req, res) => {
      const parsed = ackRequestSchema.safeParse(req.body ?? {});
      if (!parsed.success) throw new DomainError('invalid', describeIssues(parsed.error.issues, { subject: 'body' }));
      // Answers once the acknowledgement's audit record is stored.
      res.json(await alerting.acknowledge(String(req.params.id), req.principal!, parsed.data.comment));
    }),
  );

  router.get(
    '/capacity-requests',
    requireRole(access, 'viewer'),
    handle((req, res) => {
      const queues = visibleQueues(config, req.principal!, req.query.site);
      const body: CapacityRequestsResponse = {
        generated_at: new Date(clock()).toISOString(),
        requests: alerting.desk.list().filter((r) => !queues || queues.has(r.queue)),
      };
      res.json(body);
    }),
  );

  router.post(
    '/capacity-requests/:id/response',
    requireRole(access, 'partner'),
    json,
    handle(async (req, res) => {
      res.json(await alerting.desk.respond(String(req.params.id), req.principal!, req.body));
    }),
  );

  return router;
}
