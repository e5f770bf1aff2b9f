/**
 * `GET /api/me`: who a token is, as far as its holder may know: its role (`open` when the server
 * runs without access tokens) and, for a partner, its team. The lead view shows only the links a
 * token can use from it.
 */
import { z } from 'zod';
import { ROLES } from './config.js';

export const meSchema = z.strictObject({
  role: z.enum([...ROLES, 'open']),
  /** A partner's own team; null for every other role. */
  team: z.string().nullable(),
});
export type Me = z.infer<typeof meSchema>;

/** Whether a role opens the lead-only pages (the queues view, the what-if): lead, admin, or no access control. */
export const opensLeadPages = (role: Me['role']): boolean => role === 'lead' || role === 'admin' || role === 'open';
