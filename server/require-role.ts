/**
 * Access control at the HTTP edge: the bearer token of a request becomes its `Principal`
 * (server/access.ts, which knows nothing of express), then the role is checked. Wrong tokens are
 * counted per client address (server/auth-limiter.ts): a burst of them answers 429 for a while.
 */
import type { NextFunction, Request, Response } from 'express';
import type { Role } from '../contracts/config.js';
import { hasRole, type AccessControl, type Principal } from './access.js';
import type { AuthLimiter } from './auth-limiter.js';

/** The bearer token of a request, if any. */
export function bearerToken(req: Request): string | undefined {
  const header = req.get('authorization');
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
}

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

function unauthorized(res: Response): void {
  res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'missing or unknown bearer token' });
}

/**
 * Express middleware for every API call: a request that presents credentials is authenticated
 * here, once, so that a wrong one counts against its address (`req.ip`: the client behind a
 * loopback proxy); while the address is blocked, 429 with `Retry-After`, right token or not, or
 * the limit would still tell a guess that is right. A request without credentials goes on, and
 * `requireRole` answers 401 where a role is needed.
 */
export function authenticateRequests(access: AccessControl, limiter: AuthLimiter) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (access.open || req.get('authorization') === undefined) return next();
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const wait = limiter.retryAfterSeconds(address);
    if (wait > 0) {
      res.status(429).set('Retry-After', String(wait)).json({ error: 'too many failed authentications from this address', details: { retry_after_seconds: wait } });
      return;
    }
    const principal = access.authenticate(bearerToken(req));
    if (!principal) {
      // NOTE: a success does not reset the count: a valid viewer token between guesses must not
      // buy more guesses at an admin token.
      limiter.failed(address);
      return unauthorized(res);
    }
    req.principal = principal;
    next();
  };
}

/** Express middleware: 401 without a valid token, 403 without the role. */
export function requireRole(access: AccessControl, role: Role) {
  return (req: Request, res: Response, next: NextFunction) => {
    const principal = req.principal ?? access.authenticate(bearerToken(req));
    if (!principal) return unauthorized(res);
    if (!hasRole(principal, role)) {
      res.status(403).json({ error: `this call needs the ${role} role`, details: { role: principal.role } });
      return;
    }
    req.principal = principal;
    next();
  };
}
