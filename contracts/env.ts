/**
 * The environment contract: the one module that reads `process.env`. A shared part (config file,
 * logging) and one part per process: the server (`npm start`), the stream worker
 * (`npm run streams`) and the simulator (in the server, or `npm run seed`). Each is validated once
 * at start-up; everything else in the product receives plain values.
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { describeIssues } from './issues.js';

/** The shipped configuration: a mid-size hospital network. */
export const DEFAULT_CONFIG_PATH = fileURLToPath(new URL('../seed/default-config.json', import.meta.url));

type Source = Readonly<Record<string, string | undefined>>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const name = z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only');
const database = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'letters, digits and "_" only');
const instant = z.string().transform((s, ctx) => {
  const ms = Date.parse(s);
  if (!Number.isFinite(ms)) ctx.addIssue({ code: 'custom', message: 'must be an instant such as 2026-11-26T09:05:00Z' });
  return ms;
});
/** A numeric variable: a non-empty string that reads as a finite number passing `check`. */
const numeric = (check: z.ZodNumber) => z.string().trim().min(1, 'must not be empty').transform(Number).pipe(check);
const finite = () => z.number({ error: 'must be a number' });
/** A whole decimal number in [min, max] (no hex, no blanks, no fractions). */
const whole = (min: number, max: number) =>
  z.string().trim().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().min(min, `must be >= ${min}`).max(max, `must be at most ${max}`));

const sharedSchema = z.object({
  OPS_CONFIG: z.string().min(1).default(DEFAULT_CONFIG_PATH),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /** Set by CI: logs stay JSON even on a terminal. */
  CI: z.string().optional().transform((v) => v === 'true' || v === '1'),
});

const simulatorSchema = z.object({
  BACKFILL_HOURS: numeric(finite().min(0, 'must be >= 0').max(24 * 7, 'must be at most 168')).optional(),
  SIM_SPEED: numeric(finite().min(1, 'must be >= 1').max(10_000, 'must be at most 10000')).optional(),
  SIM_SEED: numeric(finite().int('must be an integer').min(0, 'must be >= 0').max(4294967295, 'must fit in 32 bits')).optional(),
});

const serverSchema = sharedSchema.extend(simulatorSchema.shape).extend({
  PORT: whole(0, 65535).default(3000),
  HOST: z.string().min(1).optional(),
  KAFKA_BROKERS: z.string().min(1).optional(),
  CLICKHOUSE_URL: z.url().optional(),
  /** ClickHouse database (default `ops`); lets tests and side-by-side setups keep theirs apart. */
  CLICKHOUSE_DATABASE: database.optional(),
  SIMULATOR: z.enum(['on', 'off']).optional(),
  /** What the in-process simulator sends: our events (default), or FHIR Task notifications through the FHIR ingest. */
  SIMULATOR_FORMAT: z.enum(['events', 'fhir']).default('events'),
  TICK_MS: whole(100, 60_000).default(1000),
  /** Start the product's clock at this instant (demos and tests); it then runs at real speed. */
  CLOCK_AT: instant.optional(),
  /** Embedded engine: where events, alerts, capacity requests and the audit trail are kept. */
  DATA_DIR: z.string().min(1).default('./data'),
  /** How long history is kept; older events are trimmed, and rejected as too old. */
  RETENTION_DAYS: numeric(finite().int('must be a whole number of days').min(1, 'must be >= 1').max(3650, 'must be at most 3650')).default(35),
  /** How often the alerting evaluates (default 15000 ms); demos and tests make it shorter. */
  ALERT_EVALUATE_MS: numeric(finite().int('must be whole milliseconds').min(100, 'must be >= 100').max(3_600_000, 'must be at most 3600000')).optional(),
  /** How long a demand peak is pending before it fires (default 120000 ms, domain time); demos and tests make it shorter. */
  ALERT_HOLD_MS: numeric(finite().int('must be whole milliseconds').min(0, 'must be >= 0').max(3_600_000, 'must be at most 3600000')).optional(),
});

const workerSchema = sharedSchema.extend({
  KAFKA_BROKERS: z.string({ error: 'is required: the Kafka brokers to read from, e.g. 127.0.0.1:9092' }).min(1, 'must not be empty'),
  CLICKHOUSE_URL: z.url({ error: 'is required: the ClickHouse HTTP URL to write to, e.g. http://127.0.0.1:8123' }),
  CLICKHOUSE_DATABASE: database.optional(),
  STREAMS_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  STREAMS_GROUP: name.optional(),
  STREAMS_TOPIC: name.optional(),
  STREAMS_DLQ_TOPIC: name.optional(),
  STREAMS_LINGER_MS: z.coerce.number().int().min(0).max(10_000).optional(),
  STREAMS_MAX_ROWS: z.coerce.number().int().min(1).max(1_000_000).optional(),
  /** What one Kafka fetch may bring per partition, in MiB (default 8): bigger writes, more memory. */
  STREAMS_FETCH_MB: z.coerce.number().int().min(1).max(64).optional(),
  /** Events older than this are refused as too old (dead-lettered), as the server refuses them. */
  RETENTION_DAYS: numeric(finite().int('must be a whole number of days').min(1, 'must be >= 1').max(3650, 'must be at most 3650')).default(35),
});

const seedSchema = sharedSchema.extend(simulatorSchema.shape).extend({
  KAFKA_BROKERS: z.string().min(1).optional(),
  /** Tests point the simulator at a topic of their own; everyone else writes the contract's. */
  STREAMS_TOPIC: name.optional(),
});

/** The simulator's settings, as the server and `npm run seed` pass them on. */
export interface SimulatorEnv {
  configPath: string;
  backfillHours?: number;
  speed?: number;
  seed?: number;
  /** `fhir`: the server's simulator sends FHIR Task notifications through the FHIR ingest (SIMULATOR_FORMAT). */
  format?: 'events' | 'fhir';
}

/** Values that name other variables (webhook secrets, demo partner tokens) are looked up here. */
export interface VariableLookup {
  variable(name: string): string | undefined;
}

export type ServerEnv = Omit<z.infer<typeof serverSchema>, 'SIMULATOR'> & { SIMULATOR: 'on' | 'off'; simulator: SimulatorEnv } & VariableLookup;
export type WorkerEnv = z.infer<typeof workerSchema>;
export type SeedEnv = z.infer<typeof seedSchema> & { simulator: SimulatorEnv };

function parse<S extends z.ZodType>(schema: S, source: Source, what: string): z.infer<S> {
  // NOTE: an empty variable means unset, as shells and service managers mostly intend.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== '' && v !== undefined));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) throw new Error(`invalid ${what}:\n${describeIssues(parsed.error.issues, { separator: '\n' })}`);
  return parsed.data;
}

function simulatorPart(e: z.infer<typeof simulatorSchema> & { OPS_CONFIG: string }): SimulatorEnv {
  const settings: SimulatorEnv = { configPath: e.OPS_CONFIG };
  if (e.BACKFILL_HOURS !== undefined) settings.backfillHours = e.BACKFILL_HOURS;
  if (e.SIM_SPEED !== undefined) settings.speed = e.SIM_SPEED;
  if (e.SIM_SEED !== undefined) settings.seed = e.SIM_SEED;
  return settings;
}

function lookup(source: Source): VariableLookup {
  const copy = { ...source };
  return { variable: (key) => (copy[key] === '' ? undefined : copy[key]) };
}

/** The server's environment (SPEC section 7); throws naming each bad variable. */
export function readServerEnv(source: Source = process.env): ServerEnv {
  const env = parse(serverSchema, source, 'environment');
  return { ...env, SIMULATOR: env.SIMULATOR ?? (env.KAFKA_BROKERS ? 'off' : 'on'), simulator: { ...simulatorPart(env), format: env.SIMULATOR_FORMAT }, ...lookup(source) };
}

/** The stream worker's environment; KAFKA_BROKERS and CLICKHOUSE_URL are required. */
export function readWorkerEnv(source: Source = process.env): WorkerEnv {
  return parse(workerSchema, source, 'stream worker environment');
}

/** The standalone simulator's environment (`npm run seed`). */
export function readSeedEnv(source: Source = process.env): SeedEnv {
  const env = parse(seedSchema, source, 'simulator environment');
  return { ...env, simulator: simulatorPart(env) };
}

/** Only the simulator's settings (tests and scripts that run the simulator model). */
export function readSimulatorEnv(source: Source = process.env): SimulatorEnv {
  return simulatorPart(parse(sharedSchema.extend(simulatorSchema.shape), source, 'simulator environment'));
}

const importSchema = z.object({
  /** The running server (default http://127.0.0.1:<PORT, default 3000>). */
  OPS_URL: z.url().optional(),
  PORT: whole(0, 65535).default(3000),
  /** An admin token, when the server's configuration has an `access` section. */
  OPS_TOKEN: z.string().min(1).optional(),
});

/** `npm run import`'s environment: where the server is, and the admin token to send. */
export interface ImportEnv {
  url: string;
  token?: string;
}

/** The import command's environment; throws naming each bad variable. */
export function readImportEnv(source: Source = process.env): ImportEnv {
  const env = parse(importSchema, source, 'import environment');
  return { url: env.OPS_URL ?? `http://127.0.0.1:${env.PORT}`, token: env.OPS_TOKEN };
}
