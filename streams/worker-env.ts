/**
 * The stream worker process's environment (`npm run streams`), validated once at start-up.
 * KAFKA_BROKERS and CLICKHOUSE_URL are required: the worker exists to move Kafka into ClickHouse.
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DLQ_TOPIC, EVENTS_TOPIC } from './events.js';
import { KAFKA_LINGER_MS, MAX_ROWS_PER_WRITE, STREAM_GROUP } from './stream-worker.js';

const DEFAULT_CONFIG_PATH = fileURLToPath(new URL('../seed/default-config.json', import.meta.url));

const name = z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only');

const workerEnvSchema = z.object({
  KAFKA_BROKERS: z.string({ error: 'is required: the Kafka brokers to read from, e.g. 127.0.0.1:9092' }).min(1, 'must not be empty'),
  CLICKHOUSE_URL: z.url({ error: 'is required: the ClickHouse HTTP URL to write to, e.g. http://127.0.0.1:8123' }),
  CLICKHOUSE_DATABASE: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'letters, digits and "_" only').optional(),
  OPS_CONFIG: z.string().min(1).default(DEFAULT_CONFIG_PATH),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  STREAMS_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  STREAMS_GROUP: name.default(STREAM_GROUP),
  STREAMS_TOPIC: name.default(EVENTS_TOPIC),
  STREAMS_DLQ_TOPIC: name.default(DLQ_TOPIC),
  STREAMS_LINGER_MS: z.coerce.number().int().min(0).max(10_000).default(KAFKA_LINGER_MS),
  STREAMS_MAX_ROWS: z.coerce.number().int().min(1).max(1_000_000).default(MAX_ROWS_PER_WRITE),
});

export type WorkerEnv = z.infer<typeof workerEnvSchema>;

/** Reads the worker's environment; throws naming each missing or bad variable. */
export function readWorkerEnv(source: NodeJS.ProcessEnv = process.env): WorkerEnv {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ''));
  const parsed = workerEnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid stream worker environment:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
