/**
 * Socket fan-out (issue 10, item 4), printed by `npm run bench:sockets`, never asserted: how late
 * `metrics:snapshot` reaches 10,000 Socket.IO websocket clients subscribed to `wall` at 1 s ticks
 * (target p99 <= 250 ms), with the servers' CPU and resident memory; on one server, then split
 * evenly over two.
 *
 *   npm run bench:sockets -- [--clients 10000] [--seconds 30] [--servers 1|2|both]
 *                            [--procs 4] [--client-nice 0] [--batch 250] [--simulator on|off]
 *
 * Each server is the real process (`node --import tsx server/main.ts`: open mode on 127.0.0.1, a
 * temporary DATA_DIR, TICK_MS=1000, the simulator feeding it, the machine's own clock so that
 * `generated_at` and the clients' receive time compare). The clients live in `--procs` forked
 * processes (scripts/bench-sockets-clients.ts), opened `--batch` at a time across all of them so
 * the accept queue is never flooded. Latency = receive time - `generated_at`, recorded in 1 ms
 * histograms in each client process for every snapshot generated in a window of `--seconds`
 * steady ticks (late ones count too); server CPU from /proc/<pid>/stat (utime + stime) over that
 * window, RSS from /proc/<pid>/status at its end.
 * Everything is bounded in time and every child is killed at the end, on error too.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, setPriority, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ChildMessage, ClientReport, ParentMessage } from './bench-sockets-clients.js';
import { startBenchServer, type BenchServer } from './bench-server.js';

const CLIENT_SCRIPT = fileURLToPath(new URL('./bench-sockets-clients.ts', import.meta.url));
/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux everywhere that matters). */
const USER_HZ = 100;
const TICK_MS = 1000;
/** How long after the window its last snapshots may still arrive and count. */
const GRACE_MS = 10_000;

const { values: opts } = parseArgs({
  options: {
    clients: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '30' },
    servers: { type: 'string', default: 'both' },
    procs: { type: 'string', default: '4' },
    'client-nice': { type: 'string', default: '0' },
    batch: { type: 'string', default: '250' },
    simulator: { type: 'string', default: 'on' },
  },
});
const clients = Number(opts.clients);
const seconds = Number(opts.seconds);
const procs = Number(opts.procs);
const batch = Number(opts.batch);
const clientNice = Number(opts['client-nice']);
if (![clients, seconds, procs, batch].every((n) => Number.isInteger(n) && n > 0)) throw new Error('--clients, --seconds, --procs and --batch take positive integers');
if (!Number.isInteger(clientNice) || clientNice < 0 || clientNice > 19) throw new Error('--client-nice takes 0 to 19');
if (!['1', '2', 'both'].includes(opts.servers!)) throw new Error('--servers takes 1, 2 or both');
if (!['on', 'off'].includes(opts.simulator!)) throw new Error('--simulator takes on or off');

const fmt = (n: number) => Math.round(n).toLocaleString('en');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every child process still running: killed at the end whatever happens. */
const children = new Set<ChildProcess>();
function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}
/** Servers' temporary data directories, removed at the end whatever happens. */
const dataDirs = new Set<string>();
process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL');
  for (const d of dataDirs) rmSync(d, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // After "pid (comm) ", field 3 (state) is index 0, so utime (14) and stime (15) are 11 and 12.
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
}

function rssMiB(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return kb ? Number(kb[1]) / 1024 : NaN;
}

/** The soft limit on open files of this process (children inherit it). */
function openFilesLimit(): number {
  const line = /Max open files\s+(\d+|unlimited)/.exec(readFileSync('/proc/self/limits', 'utf8'));
  return !line || line[1] === 'unlimited' ? Infinity : Number(line[1]);
}

interface Server extends BenchServer {
  dataDir: string;
}

async function startServer(): Promise<Server> {
  const dataDir = mkdtempSync(join(tmpdir(), 'occ-bench-sockets-'));
  dataDirs.add(dataDir);
  // NOTE: no CLOCK_AT: a shifted product clock would make `generated_at` unlike the clients' clock.
  const server = await startBenchServer({ SIMULATOR: opts.simulator, BACKFILL_HOURS: '1', TICK_MS: String(TICK_MS), DATA_DIR: dataDir });
  track(server.child);
  return { ...server, dataDir };
}

async function stopServer(server: Server): Promise<void> {
  await server.stop();
  rmSync(server.dataDir, { recursive: true, force: true });
}

interface ClientProcess {
  child: ChildProcess;
  /** Clients it is to hold in all. */
  share: number;
  opened: number;
  /** Clients that failed to connect or subscribe, as it last said. */
  failed: number;
  ask(m: ParentMessage, timeoutMs: number): Promise<ChildMessage>;
}

function startClientProcess(url: string, share: number, maxSeconds: number): ClientProcess {
  const child = track(fork(CLIENT_SCRIPT, [url, String(maxSeconds)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  return {
    child,
    share,
    opened: 0,
    failed: 0,
    ask(m, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`client process ${child.pid}: no answer to ${m.type} within ${timeoutMs / 1000} s`)), timeoutMs);
        child.once('message', (answer: ChildMessage) => {
          clearTimeout(timer);
          resolve(answer);
        });
        child.send(m);
      });
    },
  };
}

function percentile(histogram: Map<number, number>, total: number, p: number): number {
  const rank = Math.ceil(total * p);
  let seen = 0;
  for (const ms of [...histogram.keys()].sort((a, b) => a - b)) {
    seen += histogram.get(ms)!;
    if (seen >= rank) return ms;
  }
  return NaN;
}

/** One run: `serverCount` servers, `clients` clients split evenly over them. */
async function run(serverCount: number): Promise<void> {
  const started = performance.now();
  const perServer = Math.ceil(clients / serverCount);
  if (perServer + 200 > openFilesLimit()) throw new Error(`${fmt(perServer)} sockets on one server need more open files than ulimit -n ${openFilesLimit()}: raise it`);
  const processes = Math.max(serverCount, Math.ceil(procs / serverCount) * serverCount);
  const servers: Server[] = [];
  const pool: ClientProcess[] = [];
  // Bounded: however the ramp goes, this run's processes are gone by then.
  const maxSeconds = 60 + seconds + Math.ceil(clients / batch) * 20;
  const watchdog = setTimeout(() => {
    console.error(`bench:sockets: the run took longer than ${maxSeconds} s: stopping`);
    process.exit(1);
  }, maxSeconds * 1000);
  try {
    for (let i = 0; i < serverCount; i++) servers.push(await startServer());
    for (let i = 0; i < processes; i++) {
      const share = Math.floor(clients / processes) + (i < clients % processes ? 1 : 0);
      pool.push(startClientProcess(servers[i % serverCount].url, share, maxSeconds));
      // NOTE: the clients stand in for screens on other machines; niced, they take what CPU the
      // servers leave. Off by default: on a machine busy with other work, niced clients starve.
      if (clientNice !== 0) setPriority(pool[i].child.pid!, clientNice);
    }
    // Ramp: `batch` new connections at a time over all client processes, each batch subscribed
    // before the next is opened.
    for (let opened = 0; opened < clients; ) {
      const step = Math.min(batch, clients - opened);
      const wanted = pool.map((p) => Math.min(p.share - p.opened, Math.ceil(step / pool.length)));
      const answers = await Promise.all(pool.map((p, i) => (wanted[i] > 0 ? p.ask({ type: 'open', count: wanted[i] }, 60_000) : undefined)));
      answers.forEach((a, i) => {
        pool[i].opened += wanted[i];
        if (a?.type === 'opened') pool[i].failed = a.failed;
      });
      opened += wanted.reduce((a, b) => a + b, 0);
    }
    const rampSeconds = (performance.now() - started) / 1000;
    const failed = pool.reduce((sum, p) => sum + p.failed, 0);
    await sleep(3 * TICK_MS); // let the ticks settle after the ramp
    // The window is one of `generated_at`: every snapshot generated in it counts, however late
    // it arrives (up to GRACE_MS after the window), so the tail is not cut off at the end.
    const from = Date.now() + 500;
    const to = from + seconds * 1000;
    for (const p of pool) p.child.send({ type: 'measure', from, to } satisfies ParentMessage);
    await sleep(from - Date.now());
    const cpu0 = servers.map((s) => cpuSeconds(s.pid));
    const clientCpu0 = pool.map((p) => cpuSeconds(p.child.pid!));
    const load0 = loadavg()[0];
    await sleep(to - Date.now());
    const window = (Date.now() - from) / 1000;
    const serverCpu = servers.map((s, i) => (cpuSeconds(s.pid) - cpu0[i]) / window);
    const serverRss = servers.map((s) => rssMiB(s.pid));
    const clientCpu = pool.reduce((sum, p, i) => sum + cpuSeconds(p.child.pid!) - clientCpu0[i], 0) / window;
    const load1 = loadavg()[0];
    await sleep(GRACE_MS);
    const reports = (await Promise.all(pool.map((p) => p.ask({ type: 'report' }, 30_000)))) as ({ type: 'report' } & ClientReport)[];

    const histogram = new Map<number, number>();
    const ticks = new Set<string>();
    const failures = new Map<string, number>();
    let [received, connected, disconnects, loopDelay] = [0, 0, 0, 0];
    for (const r of reports) {
      for (const [ms, n] of r.histogram) histogram.set(ms, (histogram.get(ms) ?? 0) + n);
      for (const t of r.ticks) ticks.add(t);
      for (const [why, n] of Object.entries(r.failures)) failures.set(why, (failures.get(why) ?? 0) + n);
      received += r.received;
      loopDelay = Math.max(loopDelay, r.loopDelayP99);
      connected += r.connected;
      disconnects += r.disconnects;
    }
    // Each server ticks on its own: a client process sees its server's ticks.
    const ticksPerServer = ticks.size / serverCount;
    const expected = connected * ticksPerServer;
    const p = (q: number) => percentile(histogram, received, q);
    const name = serverCount === 1 ? 'one server' : `${serverCount} servers`;
    console.log(`\n${fmt(clients)} websocket clients on ${name} (${pool.length} client processes), ${TICK_MS / 1000} s ticks, ${window.toFixed(1)} s measured:`);
    console.log(`  connected and subscribed: ${fmt(connected)} (${fmt(failed)} failed to connect or subscribe, ${fmt(disconnects)} dropped while measured); ramp ${rampSeconds.toFixed(1)} s in steps of ${batch}`);
    for (const [why, n] of failures) console.log(`    failed: ${fmt(n)} x ${why}`);
    console.log(`  ticks seen: ${ticksPerServer.toFixed(1)} per server in ${window.toFixed(1)} s; snapshots delivered: ${fmt(received)} of ${fmt(expected)} (clients x ticks: ${((100 * received) / Math.max(1, expected)).toFixed(1)}%)`);
    console.log(`  delivery latency (receive - generated_at): p50 ${p(0.5)} ms, p90 ${p(0.9)} ms, p99 ${p(0.99)} ms, max ${p(1)} ms (target p99 <= 250 ms)`);
    servers.forEach((s, i) => console.log(`  server ${i + 1} (pid ${s.pid}, ${fmt(Math.ceil(clients / serverCount))} clients): CPU ${(serverCpu[i] * 100).toFixed(0)}% of one core, RSS ${fmt(serverRss[i])} MiB`));
    console.log(`  client processes together: CPU ${(clientCpu * 100).toFixed(0)}% of one core, event-loop delay p99 up to ${loopDelay.toFixed(0)} ms`);
    console.log(`  machine load average (1 min): ${load0.toFixed(1)} at the start of the window, ${load1.toFixed(1)} at its end`);
  } finally {
    clearTimeout(watchdog);
    await Promise.all(
      pool.map(async ({ child }) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        if (child.connected) child.send({ type: 'close' } satisfies ParentMessage);
        await Promise.race([exited, sleep(5_000).then(() => void child.kill('SIGKILL'))]);
      }),
    );
    await Promise.all(servers.map(stopServer));
  }
}

async function main(): Promise<void> {
  const cores = cpus();
  console.log(`bench:sockets on ${cores.length} cores (${cores[0]?.model.trim() ?? 'unknown'}), ${fmt(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}`);
  console.log(`NOTE: the servers, the client processes (nice ${clientNice}) and this one share these ${cores.length} cores: the latencies include the clients' own work.`);
  const runs = opts.servers === 'both' ? [1, 2] : [Number(opts.servers)];
  for (const n of runs) await run(n);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
