/**
 * The simulator's settings from the environment, shared by `npm run seed` and the server's
 * embedded mode: `OPS_CONFIG` (default: the shipped hospital network), `BACKFILL_HOURS`
 * (8; the same variable the server reads), `SIM_SPEED` (1), `SIM_SEED` (fresh per run).
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The shipped configuration: a mid-size hospital network. */
export const DEFAULT_CONFIG_PATH = fileURLToPath(new URL('./default-config.json', import.meta.url));

/** A numeric variable: a non-empty string that reads as a finite number passing `check`. */
const numeric = (check: z.ZodNumber) =>
  z.string().trim().min(1, 'must not be empty').transform(Number).pipe(check);

const finite = () => z.number({ error: 'must be a number' });

const simulatorEnvSchema = z.object({
  OPS_CONFIG: z.string().min(1).default(DEFAULT_CONFIG_PATH),
  BACKFILL_HOURS: numeric(finite().min(0, 'must be >= 0').max(24 * 7, 'must be at most 168')).optional(),
  SIM_SPEED: numeric(finite().min(1, 'must be >= 1').max(10_000, 'must be at most 10000')).optional(),
  SIM_SEED: numeric(finite().int('must be an integer').min(0, 'must be >= 0').max(4294967295, 'must fit in 32 bits')).optional(),
});

export interface SimulatorEnv {
  configPath: string;
  backfillHours?: number;
  speed?: number;
  seed?: number;
}

/** Reads the simulator's settings; throws an Error naming each bad variable. */
export function simulatorEnv(env: NodeJS.ProcessEnv): SimulatorEnv {
  const parsed = simulatorEnvSchema.safeParse(env);
  if (!parsed.success) {
    const reasons = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid simulator environment: ${reasons.join('; ')}`);
  }
  const { OPS_CONFIG, BACKFILL_HOURS, SIM_SPEED, SIM_SEED } = parsed.data;
  return { configPath: OPS_CONFIG, backfillHours: BACKFILL_HOURS, speed: SIM_SPEED, seed: SIM_SEED };
}
