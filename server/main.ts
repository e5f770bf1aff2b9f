/** The server process: `npm start` (through scripts/start.ts) and `npm run dev`. */
import { readServerEnv } from '../contracts/env.js';
import { createLogger } from './logger.js';
import { startProduct } from './runtime.js';

async function main(): Promise<void> {
  let env;
  try {
    env = readServerEnv();
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
  const logger = createLogger(env.LOG_LEVEL, env.CI);
  let running;
  try {
    running = await startProduct(env, logger);
  } catch (err) {
    logger.fatal((err as Error).message);
    process.exit(1);
  }
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down: stop taking work, drain, flush, commit, disconnect');
    const force = setTimeout(() => {
      logger.error('shutdown took over 10 s; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    running
      .stop()
      .then(() => process.exit(0))
      .catch((err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

void main();
