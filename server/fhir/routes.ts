/**
 * `POST /fhir/Task` and `POST /fhir`: the FHIR edge. Same authentication, failed-token limit and
 * body size limit as `/api`, role `ingest`; bodies `application/fhir+json` or `application/json`.
 * Every answer, errors included, is FHIR: an `OperationOutcome` or a `batch-response` Bundle.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { DomainError } from '../../contracts/errors.js';
import type { AccessControl } from '../access.js';
import type { AuthLimiter } from '../auth-limiter.js';
import { invalidUtf8At, jsonErrorAt } from '../ingest-body.js';
import { authenticateRequests, requireRole } from '../require-role.js';
import type { Telemetry } from '../telemetry.js';
import { FHIR_MEDIA_TYPES, jsonBodiesOnly } from '../web-hygiene.js';
import type { FhirAnswer, FhirIngest } from './fhir-ingest.js';
import { issue, issueCodeOfStatus, operationOutcome } from './outcome.js';

/** The media type of every FHIR answer. */
export const FHIR_JSON = 'application/fhir+json';

export interface FhirRouterDeps {
  /** Absent when the config has no `fhir` mapping: the calls answer 404. */
  fhir?: FhirIngest;
  access: AccessControl;
  authLimiter: AuthLimiter;
  logger: Logger;
  telemetry: Telemetry;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** The JSON value of a raw body; errors name a byte offset, never quote the body. */
export function parseFhirBody(body: Uint8Array): unknown {
  let text: string;
  try {
    text = decoder.decode(body);
  } catch {
    throw new DomainError('invalid', `the body is not valid UTF-8 (at byte ${invalidUtf8At(body)})`);
  }
  if (text.trim() === '') throw new DomainError('invalid', 'the body is empty: send a FHIR Task or Bundle as JSON');
  try {
    return JSON.parse(text);
  } catch {
    throw new DomainError('invalid', `the body is not JSON (syntax error at byte ${Buffer.byteLength(text.slice(0, jsonErrorAt(text)), 'utf8')})`);
  }
}

/**
 * Re-shapes the API's `{error}` answers (authentication, role, body type and size, the error
 * handler's) as OperationOutcomes, so a FHIR client reads every answer the same way.
 */
function fhirErrors(_req: Request, res: Response, next: NextFunction): void {
  const json = res.json.bind(res);
  res.json = (body: unknown) => {
    const error = (body as { error?: unknown } | null)?.error;
    if (res.statusCode < 400 || typeof error !== 'string') return json(body);
    res.type(FHIR_JSON);
    return json(operationOutcome([issue('error', issueCodeOfStatus(res.statusCode), error)]));
  };
  next();
}

/** The router of `/fhir` (mounted at the root: `POST /fhir` is a route of its own, not `/fhir/`). */
export function fhirRouter(deps: FhirRouterDeps): express.Router {
  const router = express.Router();
  router.use('/fhir', fhirErrors, jsonBodiesOnly(FHIR_MEDIA_TYPES), authenticateRequests(deps.access, deps.authLimiter));

  const answer = (res: Response, result: FhirAnswer) => {
    deps.telemetry.eventsAccepted.inc(result.accepted);
    deps.telemetry.eventsDuplicate.inc({ source: 'fhir' }, result.duplicates);
    deps.telemetry.eventsRejected.inc({ source: 'fhir' }, result.errors.length);
    // NOTE: the log names the entries and elements at fault, never a value (`about` is our own text up to its colon).
    if (result.errors.length > 0) deps.logger.warn({ count: result.errors.length, first: result.errors.slice(0, 5) }, 'FHIR ingest refused entries');
    res.status(result.status).type(FHIR_JSON).send(JSON.stringify(result.body));
  };

  const route = (take: (fhir: FhirIngest, raw: unknown) => Promise<FhirAnswer>) => [
    requireRole(deps.access, 'ingest'),
    // NOTE: raw bytes and the same limit as POST /api/events: decoded as strict UTF-8 here.
    express.raw({ type: () => true, limit: '32mb' }),
    (req: Request, res: Response, next: NextFunction) => {
      if (!deps.fhir) return next(new DomainError('not_found', 'FHIR ingest is off: the configuration has no fhir mapping'));
      const fhir = deps.fhir;
      Promise.resolve()
        .then(() => take(fhir, parseFhirBody(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0))))
        .then((result) => answer(res, result))
        .catch(next);
    },
  ];

  router.post('/fhir/Task', ...route((fhir, raw) => fhir.task(raw)));
  router.post('/fhir', ...route((fhir, raw) => fhir.bundle(raw)));
  router.use('/fhir', (_req, res) => {
    res.status(404).json({ error: 'no such FHIR call: POST /fhir/Task (one Task) or POST /fhir (a Bundle)' });
  });
  return router;
}
