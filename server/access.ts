/**
 * Access control (SPEC sections 4 and 7): bearer tokens are hashed with SHA-256 and compared in
 * constant time against every configured hash; roles form `viewer < lead < admin`, while
 * `ingest` and `partner` stand apart. Without `access` in the config everything is open.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AccessEntry, OpsConfig, Role } from '../contracts/config.js';

export interface Principal {
  name: string;
  role: Role | 'open';
  /** partner: its team. */
  team?: string;
  /** lead: the teams it may see (undefined: all). */
  teams?: string[];
  /** lead: the sites whose queues it may see (undefined: all). */
  sites?: string[];
}

const OPEN: Principal = { name: 'open-access', role: 'open' };

const LEVEL: Partial<Record<Role, number>> = { viewer: 1, lead: 2, admin: 3 };

/** Whether a principal holds a role (or a higher one on the viewer < lead < admin ladder). */
export function hasRole(principal: Principal, required: Role): boolean {
  if (principal.role === 'open') return true;
  if (principal.role === required) return true;
  const have = LEVEL[principal.role];
  const need = LEVEL[required];
  return have !== undefined && need !== undefined && have >= need;
}

export function sha256Hex(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export class AccessControl {
  private readonly entries: { entry: AccessEntry; hash: Buffer }[];

  constructor(config: OpsConfig) {
    this.entries = (config.access ?? []).map((entry) => ({ entry, hash: Buffer.from(entry.token_sha256, 'hex') }));
  }

  get open(): boolean {
    return this.entries.length === 0;
  }

  /** The principal a token belongs to; undefined when it belongs to none. */
  authenticate(token: string | undefined): Principal | undefined {
    if (this.open) return OPEN;
    if (!token) return undefined;
    const presented = createHash('sha256').update(token, 'utf8').digest();
    let found: AccessEntry | undefined;
    // NOTE: compare against every entry, without stopping early, so timing tells nothing.
    for (const { entry, hash } of this.entries) {
      if (timingSafeEqual(presented, hash) && !found) found = entry;
    }
    if (!found) return undefined;
    return { name: found.name, role: found.role, team: found.team, teams: found.teams, sites: found.sites };
  }
}
