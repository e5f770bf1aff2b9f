/**
 * `npm run seed`: the simulator as its own process, feeding Kafka like an upstream system.
 * The Kafka event log adapter is wired in by a later change; until then this checks its
 * settings and stops, saying why.
 */
import pino from 'pino';
import { loadConfig } from '../streams/config.js';
import { simulatorEnv } from './simulator-env.js';

const logger = pino({ name: 'seed' });

function main(): number {
  try {
    const settings = simulatorEnv(process.env);
    const config = loadConfig(settings.configPath);
    if (!process.env.KAFKA_BROKERS) {
      logger.error(
        'KAFKA_BROKERS is not set: the standalone simulator writes to Kafka. ' +
          '(Without Kafka, `npm start` runs the simulator inside the server.)',
      );
      return 1;
    }
    logger.error(
      { queues: config.queues.length, teams: config.teams.length },
      'the Kafka event log is not wired into the standalone simulator yet',
    );
    return 1;
  } catch (err) {
    logger.fatal((err as Error).message);
    return 1;
  }
}

process.exitCode = main();
