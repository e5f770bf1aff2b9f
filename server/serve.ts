/**
 * The server process: reads the environment once, starts the product on its clock, and shuts it
 * down in order on SIGTERM or SIGINT (exit 0; exit 1 if that takes over 10 s).
 */
import { clockStartingAt, systemClock, type Clock } from '../contracts/clock.js';
import { readServerEnv, type ServerEnv } from '../contracts/env.js';
import { createLogger } from './logger.js';
import { startProduct } from './product.js';

const FORCE_EXIT_MS = 10_000;

/** The product's clock: the machine's, or one started at `CLOCK_AT` (demos, tests). */
export function clockFromEnv(env: ServerEnv): Clock {
  return env.CLOCK_AT === undefined ? systemClock : clockStartingAt(env.CLOCK_AT);
}

/** Runs the server process; `clockFor` lets a demo pick the product's clock. */
export async function runServer(clockFor: (env: ServerEnv) => Clock = clockFromEnv): Promise<void> {
  let env: ServerEnv;
  try {
    env = readServerEnv();
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
  const logger = createLogger(env.LOG_LEVEL, env.CI);
  let running: Awaited<ReturnType<typeof startProduct>>;
  try {
    running = await startProduct(env, logger, clockFor(env));
  } catch (err) {
    logger.fatal((err as Error).message);
    process.exit(1);
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    // TRICKY: the same signal often comes twice: Ctrl-C reaches every process of the terminal's
    // group and npm forwards it once more; systemd signals the whole control group, npm included.
    // The handler stays installed (`on`, not `once`), or the second one would kill the process
    // half-way through the shutdown.
    if (stopping) return logger.info({ signal }, 'already shutting down');
    stopping = true;
    logger.info({ signal }, 'shutting down: stop taking work, drain, flush, commit, disconnect');
    setTimeout(() => {
      logger.error(`shutdown took over ${FORCE_EXIT_MS / 1000} s; exiting`);
      process.exit(1);
    }, FORCE_EXIT_MS).unref();
    running.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
