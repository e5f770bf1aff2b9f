/**
 * The one map from error kind to HTTP status, and the one error handler of the API. Domain code
 * throws `DomainError(kind, message)`; libraries (express's body parsers) throw errors carrying
 * a `status`. Anything else is a 500 whose details stay in the log, never in the answer.
 */
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { DomainError, type ErrorKind } from '../contracts/errors.js';

export const STATUS_BY_KIND: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_type: 415,
  unavailable: 503,
};

/** The status an error answers with. */
export function statusOf(err: unknown): number {
  if (err instanceof DomainError) return STATUS_BY_KIND[err.kind];
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

/** Express error handler: `{error, details?}` with the right status; no stack trace ever leaves. */
export function errorHandler(logger: Pick<Logger, 'error'>) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const status = statusOf(err);
    if (status >= 500 && !(err instanceof DomainError)) logger.error({ err, path: req.path }, 'request failed');
    else if (status >= 500) logger.error({ path: req.path, kind: (err as DomainError).kind, err: (err as Error).cause }, (err as Error).message);
    let body: { error: string; details?: unknown };
    if (err instanceof DomainError) body = err.details === undefined ? { error: err.message } : { error: err.message, details: err.details };
    else if (status === 413) body = { error: 'the body is too large' };
    // NOTE: a library's message may quote what was sent (a header, a charset): say what kind of thing failed instead.
    else if (status === 415) body = { error: 'the body is in an encoding or type this API does not take' };
    else if (status < 500) body = { error: 'the request could not be read' };
    else body = { error: 'internal error' };
    if (!res.headersSent) res.status(status).json(body);
  };
}
