/**
 * Partners' webhook secrets and teams' chat secrets, by the environment variable the config names
 * for each (a chat secret's defaults to CHAT_SECRET_<TEAM>). Secrets come
 * from the environment only; when the demo partners run in process and a secret is unset, a fresh
 * one is made for this process (both ends live here), and said so.
 */
import type { Logger } from 'pino';
import type { OpsConfig, TeamConfig } from '../contracts/config.js';
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
  for (const team of config.teams) {
    if (!team.chat) continue;
    const name = chatSecretEnv(team);
    const value = env.variable(name);
    // NOTE: no made-up secret for chat, even in the demo: the receiver is a real chat tool that could not know it.
    if (value) secrets.set(name, value);
    else logger.warn({ team: team.id, variable: name }, `${name} is not set: chat messages to ${team.id} cannot be signed and are not sent`);
  }
  return secrets;
}

/** The variable holding a team's chat signing secret: `chat.secret_env`, else CHAT_SECRET_<TEAM> (`inhouse-rcm`: CHAT_SECRET_INHOUSE_RCM). */
export function chatSecretEnv(team: Pick<TeamConfig, 'id' | 'chat'>): string {
  return team.chat?.secret_env ?? `CHAT_SECRET_${team.id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}
