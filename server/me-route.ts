/**
 * `GET /api/me` (contracts/me.ts): the role of the presented token, for any valid token (a partner's
 * and an ingest token included); 401 without one. Tells the holder nothing it does not hold.
 */
import express from 'express';
import type { Me } from '../contracts/me.js';
import type { AccessControl } from './access.js';
import { bearerToken } from './require-role.js';

/** The router, mounted under `/api`. */
export function meRouter(access: AccessControl): express.Router {
  const router = express.Router();
  router.get('/me', (req, res) => {
    const principal = req.principal ?? access.authenticate(bearerToken(req));
    if (!principal) return void res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'missing or unknown bearer token' });
    const me: Me = { role: principal.role, team: principal.role === 'partner' ? (principal.team ?? null) : null };
    res.set('Cache-Control', 'no-store').json(me);
  });
  return router;
}
