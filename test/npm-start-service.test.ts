/**
 * `npm start` as a service (README "Running as a service"): a service manager signals the process
 * it started, npm; the server must get the signal, shut down in order and leave nothing behind,
 * and npm must exit 0. Real processes: npm, then node in the place of npm's shell.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SHUTDOWN_STEPS } from '../server/product.js';
import { freePort, ROOT } from './support/process.js';

/** Pids of every process whose parent chain leads to `root` (Linux /proc), `root` included. */
function processTree(root: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // The command name (field 2) may hold spaces and parentheses: fields follow the last ')'.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const tree = [root];
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parent) if (tree.includes(ppid) && !tree.includes(pid)) (tree.push(pid), (grew = true));
  }
  return tree;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const started: { pgid: number; dir: string }[] = [];
afterEach(() => {
  for (const { pgid, dir } of started.splice(0)) {
    try {
      process.kill(-pgid, 'SIGKILL'); // only what this test started, should a case fail half-way
    } catch {
      // already gone: the case passed
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Starts `npm start` as the README says, in its own process group, and waits until it serves. */
async function npmStart() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'occ-npm-start-'));
  const npm = spawn('npm', ['start'], {
    cwd: ROOT,
    detached: true, // its own process group: a terminal's Ctrl-C is a SIGINT to the group
    env: { ...process.env, PORT: String(port), SIMULATOR: 'off', LOG_LEVEL: 'info', DATA_DIR: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push({ pgid: npm.pid!, dir });
  let out = '';
  npm.stdout.on('data', (d) => (out += d));
  npm.stderr.on('data', (d) => (out += d));
  // NOTE: 'close', not 'exit': the last lines (the shutdown steps) may still be in the pipes at 'exit'.
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => npm.once('close', (code, signal) => resolve({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 100_000; // npm start builds the wall first when it is stale
  for (;;) {
    if (npm.exitCode !== null) throw new Error(`npm start exited with ${npm.exitCode}:\n${out}`);
    if (await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) break;
    if (Date.now() > deadline) throw new Error(`npm start did not serve within 100 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const tree = processTree(npm.pid!);
  return { npm, url, tree, exited, output: () => out };
}

/** The shutdown steps the server logged, in order. */
const shutdownSteps = (out: string) =>
  out.split('\n').flatMap((line) => {
    try {
      const entry = JSON.parse(line) as { msg?: string; step?: string };
      return entry.msg === 'shutdown step' ? [entry.step] : [];
    } catch {
      return []; // npm's own lines
    }
  });

describe('npm start as a service', () => {
  it.each([
    ['SIGTERM to the npm process alone (systemctl stop with KillMode=mixed, kill <pid>)', 'SIGTERM', 'npm'],
    ['SIGTERM to every process of the group (systemd KillMode=control-group)', 'SIGTERM', 'group'],
    ['SIGINT to every process of the group (Ctrl-C in a terminal)', 'SIGINT', 'group'],
  ] as const)('%s: the server shuts down in order, nothing is left running, exit 0', { timeout: 150_000 }, async (_, signal, target) => {
    const { npm, url, tree, exited, output } = await npmStart();
    // npm, then node in the place of npm's `sh -c` (exec): the server is npm's child.
    expect(tree.length, `processes of npm start: ${tree.join(', ')}`).toBeGreaterThanOrEqual(2);
    process.kill(target === 'npm' ? npm.pid! : -npm.pid!, signal);
    const { code, signal: killedBy } = await exited;
    expect({ code, killedBy }, output()).toEqual({ code: 0, killedBy: null });
    expect(shutdownSteps(output())).toEqual([...SHUTDOWN_STEPS]);
    expect(await fetch(`${url}/healthz`).then(() => 'answered', () => 'refused')).toBe('refused');
    await expect.poll(() => tree.filter(alive), { timeout: 5000 }).toEqual([]);
    expect(() => process.kill(-npm.pid!, 0), 'no process left in the group').toThrow();
  });
});
