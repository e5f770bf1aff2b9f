/**
 * Partners' webhook secrets, by the environment variable the config names for each. Secrets come
 * from the environment only; when the demo partners run in process and a secret is unset, a fresh
 * one is made for this process (both ends live here), and said so.
 */
import type { Logger } from 'pino';
import type { OpsConfig } from '../contracts/config.js';
import type { VariableLookup } from '../contracts/env.js';
import { generateSecret } from './capacity/signing.js';

/** Secrets by variable name; `demo`: make up the missing ones. */
export function webhookSecrets(config: OpsConfig, env: VariableLookup, demo: boolean, logger: Pick<Logger, 'info' | 'warn'>): Map<string, string> {
  const secrets = new Map<string, string>();
  for (const team of config.teams) {
    const name = team.capacity?.secret_env;
    if (!name) continue;
    const value = env.variable(name);
    if (value) secrets.set(name, value);
    else if (demo) {
      secrets.set(name, generateSecret());
      logger.info({ partner: team.id, variable: name }, 'demo: webhook secret unset, using a fresh one for this process');
    } else {
      logger.warn({ partner: team.id, variable: name }, `${name} is not set: capacity requests to ${team.id} cannot be signed and will escalate past it`);
    }
  }
  return secrets;
}
