/**
 * `GET /api/partners/scorecard?range=24h|7d|30d` (SPEC section 11): lead and admin see every
 * partner (a lead limited to teams, the partners of its teams' queues); a partner's own token sees
 * its own entry only, so the same page can be shared with the partner. JSON by default; CSV with
 * `?format=csv` or `Accept: text/csv`.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import type { OpsConfig } from '../../contracts/config.js';
import { DomainError } from '../../contracts/errors.js';
import { describeIssues, MAX_REASON_LENGTH } from '../../contracts/issues.js';
import { scorecardQuerySchema } from '../../contracts/scorecard.js';
import type { MetricsStore } from '../../streams/metrics-store.js';
import type { AccessControl } from '../access.js';
import type { CapacityStore } from '../capacity/capacity-store.js';
import { requireRole } from '../require-role.js';
import { partnerScorecard, visiblePartners } from './partner-scorecard.js';
import { scorecardCsv } from './scorecard-csv.js';

export interface ScorecardRouterDeps {
  config: OpsConfig;
  store: Pick<MetricsStore, 'teamStarts' | 'staffingHistory'>;
  capacityStore: Pick<CapacityStore, 'latest'>;
  access: AccessControl;
  clock: () => number;
}

/** Lead (or above), or a partner: whoever holds neither gets 401 or 403 from requireRole. */
const leadOrPartner = (access: AccessControl) => (req: Request, res: Response, next: NextFunction) =>
  requireRole(access, req.principal?.role === 'partner' ? 'partner' : 'lead')(req, res, next);

/** The router, mounted under `/api`. */
export function scorecardRouter(deps: ScorecardRouterDeps): express.Router {
  const router = express.Router();
  router.get('/partners/scorecard', leadOrPartner(deps.access), (req, res, next) => {
    const query = scorecardQuerySchema.safeParse(req.query);
    if (!query.success) {
      // NOTE: names the parameter and its rule; what was sent is echoed only when it is an opaque id.
      return next(new DomainError('invalid', describeIssues(query.error.issues, { subject: 'query', input: req.query, maxLength: MAX_REASON_LENGTH })));
    }
    const { range, format } = query.data;
    const csv = format === 'csv' || (format === undefined && req.accepts(['application/json', 'text/csv']) === 'text/csv');
    partnerScorecard(deps, visiblePartners(deps.config, req.principal!), range, deps.clock())
      .then((card) => {
        res.vary('Accept');
        if (!csv) return void res.json(card);
        res.type('text/csv; charset=utf-8').attachment(`partner-scorecard-${range}.csv`).send(scorecardCsv(card));
      })
      .catch(next);
  });
  return router;
}
