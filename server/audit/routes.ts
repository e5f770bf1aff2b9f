/**
 * `GET /api/audit?from=&to=&action=&limit=` (SPEC section 10), for admins: the audit records that
 * match, newest first, as JSON `{records:[...]}` or, with `Accept: application/x-ndjson`, one
 * record a line.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { auditQuerySchema, type AuditResponse } from '../../contracts/audit.js';
import { DomainError } from '../../contracts/errors.js';
import { describeIssues } from '../../contracts/issues.js';
import type { AccessControl } from '../access.js';
import { requireRole } from '../require-role.js';
import type { AuditLog } from './audit-log.js';

const NDJSON = 'application/x-ndjson';

/** The router, mounted under `/api`. */
export function auditRouter(audit: AuditLog, access: AccessControl): express.Router {
  const router = express.Router();
  router.get('/audit', requireRole(access, 'admin'), (req: Request, res: Response, next: NextFunction) => {
    const parsed = auditQuerySchema.safeParse(req.query);
    if (!parsed.success) return next(new DomainError('invalid', describeIssues(parsed.error.issues, { subject: 'query' })));
    const { from, to, action, limit } = parsed.data;
    audit
      .query({ from: from === undefined ? undefined : Date.parse(from), to: to === undefined ? undefined : Date.parse(to), action, limit })
      .then((records) => {
        // JSON unless the client prefers NDJSON (`*/*` and no Accept at all get JSON).
        if (req.accepts(['application/json', NDJSON]) === NDJSON) {
          res.type(NDJSON).send(records.map((r) => `${JSON.stringify(r)}\n`).join(''));
        } else {
          const body: AuditResponse = { records };
          res.json(body);
        }
      })
      .catch(next);
  });
  return router;
}
