/** Runs `streams/main.ts` (the stream worker) and `scripts/seed.ts` as real processes for tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { ROOT } from './process.js';

export interface ChildHandle {
  child: ChildProcess;
  output(): string;
  /** Resolves when a line of output matches (or rejects when the process exits first / times out). */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Sends a signal and resolves with the exit code (null when killed by a signal). */
  signal(sig: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

/** Starts `node --import tsx <script>` in the repository with the given environment. */
export function startScript(script: string, env: Record<string, string>): ChildHandle {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    waitForOutput(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (pattern.test(out)) {
            done();
            resolve();
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${script}: no output matching ${pattern} within ${timeoutMs} ms:\n${out}`));
        }, timeoutMs);
        const onExit = () => {
          if (pattern.test(out)) return;
          done();
          reject(new Error(`${script} exited with ${child.exitCode} before printing ${pattern}:\n${out}`));
        };
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('exit', onExit);
        };
        listeners.add(check);
        child.once('exit', onExit);
        check();
      });
    },
    signal(sig) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill(sig);
      return exited;
    },
  };
}

export interface WorkerSettings {
  group: string;
  topic: string;
  dlqTopic: string;
  database: string;
  kafkaBrokers: string;
  clickhouseUrl: string;
  extra?: Record<string, string>;
}

/** Starts one stream worker process and waits until it has joined its group. */
export async function startWorkerProcess(s: WorkerSettings): Promise<ChildHandle> {
  const worker = startScript('streams/main.ts', {
    KAFKA_BROKERS: s.kafkaBrokers,
    CLICKHOUSE_URL: s.clickhouseUrl,
    CLICKHOUSE_DATABASE: s.database,
    STREAMS_GROUP: s.group,
    STREAMS_TOPIC: s.topic,
    STREAMS_DLQ_TOPIC: s.dlqTopic,
    ...s.extra,
  });
  await worker.waitForOutput(/"msg":"stream worker running"/, 60_000);
  return worker;
}
