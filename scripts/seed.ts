/**
 * `npm run seed`: the simulator (seed/) as its own process, feeding Kafka like an upstream system.
 * It backfills `BACKFILL_HOURS` of history, unless the events topic already holds data (a
 * restart must not write the history twice), then runs live. SIGTERM or SIGINT stops it after
 * the append in hand, and it exits 0.
 */
import pino from 'pino';
import { systemClock } from '../contracts/clock.js';
import { loadConfig } from '../contracts/config.js';
import { readSeedEnv, type SeedEnv } from '../contracts/env.js';
import { EVENTS_TOPIC } from '../contracts/topics.js';
import { createSimulator } from '../seed/simulator.js';
import { KafkaEventLog } from '../streams/kafka/kafka-event-log.js';

let env: SeedEnv;
try {
  env = readSeedEnv();
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
const logger = pino({ name: 'seed', level: env.LOG_LEVEL });

async function main(): Promise<number> {
  const settings = env.simulator;
  const config = loadConfig(settings.configPath);
  const brokers = env.KAFKA_BROKERS;
  if (!brokers) {
    logger.error(
      'KAFKA_BROKERS is not set: the standalone simulator writes to Kafka. ' +
        '(Without Kafka, `npm start` runs the simulator inside the server.)',
    );
    return 1;
  }
  // NOTE: tests point the simulator at a topic of their own; everyone else writes the contract's.
  const topic = env.STREAMS_TOPIC ?? EVENTS_TOPIC;
  const log = new KafkaEventLog({ brokers, logger, clientId: 'ops-seed' });

  let simulator: ReturnType<typeof createSimulator> | undefined;
  let stopping: Promise<void> | undefined;
  const stopped = new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      stopping ??= (async () => {
        logger.info({ signal }, 'seed stopping after the append in hand');
        await simulator?.stop();
        await log.close();
        resolve();
      })();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });

  const ends = await log.endOffsets(topic);
  const starts = await log.startOffsets(topic);
  const held = [...ends].reduce((sum, [p, end]) => sum + end - (starts.get(p) ?? 0), 0);
  const backfillHours = held > 0 ? 0 : settings.backfillHours;
  if (held > 0) logger.info({ topic, held }, 'the topic already holds events: no backfill, live from now');

  simulator = createSimulator({
    config,
    // The simulator appends to the contract's topic; route it to the one chosen here.
    log: { append: (_topic, messages) => log.append(topic, messages) },
    logger,
    now: systemClock,
    backfillHours,
    speed: settings.speed,
    seed: settings.seed,
  });
  if (stopping) {
    await stopped;
    return 0;
  }
  if (backfillHours !== 0) {
    const { events } = await simulator.backfill();
    logger.info({ topic, events }, 'backfill written');
  }
  simulator.start();
  logger.info({ topic, queues: config.queues.length, teams: config.teams.length }, 'simulator running live');
  await stopped;
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    logger.fatal({ err }, err.message);
    process.exit(1);
  },
);
