/**
 * Access control at the HTTP edge: the bearer token of a request becomes its `Principal`
 * (server/access.ts, which knows nothing of express), then the role is checked.
 */
import type { NextFunction, Request, Response } from 'express';
import type { Role } from '../contracts/config.js';
import { hasRole, type AccessControl, type Principal } from './access.js';

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

/** Express middleware: 401 without a valid token, 403 without the role. */
export function requireRole(access: AccessControl, role: Role) {
  return (req: Request, res: Response, next: NextFunction) => {
    const principal = req.principal ?? access.authenticate(bearerToken(req));
    if (!principal) {
      res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'missing or unknown bearer token' });
      return;
    }
    if (!hasRole(principal, role)) {
      res.status(403).json({ error: `this call needs the ${role} role`, details: { role: principal.role } });
      return;
    }
    req.principal = principal;
    next();
  };
}
