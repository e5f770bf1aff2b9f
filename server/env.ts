/** The environment contract (SPEC section 7), validated once at start-up. */
import { z } from 'zod';
import { DEFAULT_CONFIG_PATH } from '../seed/simulator-env.js';

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).optional(),
  OPS_CONFIG: z.string().min(1).default(DEFAULT_CONFIG_PATH),
  KAFKA_BROKERS: z.string().min(1).optional(),
  CLICKHOUSE_URL: z.url().optional(),
  /** ClickHouse database (default `ops`); lets tests and side-by-side setups keep theirs apart. */
  CLICKHOUSE_DATABASE: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'letters, digits and "_" only').optional(),
  SIMULATOR: z.enum(['on', 'off']).optional(),
  TICK_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof envSchema> & { SIMULATOR: 'on' | 'off' };

/** Reads the environment; throws naming each bad variable. */
export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid environment:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  return { ...env, SIMULATOR: env.SIMULATOR ?? (env.KAFKA_BROKERS ? 'off' : 'on') };
}
