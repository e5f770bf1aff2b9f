/**
 * Logs pretty on a terminal, JSON otherwise (server/logger.ts): the logger runs in a child process
 * whose stdout is a real pseudo-terminal (util-linux `script`), or a pipe.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/process.js';

const run = promisify(execFile);
const SCRIPT = '/usr/bin/script';

/** Node code that logs one line through the product's logger; `ci` as the env module would read it. */
const logOnce = (ci: boolean) =>
  `import('./server/logger.ts').then(({ createLogger }) => createLogger('info', ${ci}).info({ queue: 'intake' }, 'logger check'))`;

const node = (ci: boolean) => [process.execPath, '--import', 'tsx', '-e', logOnce(ci)];
const quote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`;

/** The child's output with its stdout on a terminal. */
async function onTerminal(ci: boolean): Promise<string> {
  const { stdout } = await run(SCRIPT, ['-qec', node(ci).map(quote).join(' '), '/dev/null'], { cwd: ROOT, timeout: 60_000 });
  return stdout;
}

// NOTE: `script` comes with util-linux, on every Debian; a laptop without it skips, saying why.
describe.skipIf(!existsSync(SCRIPT))('logs on a terminal and in a pipe', () => {
  it('are pretty on a terminal: coloured, level in words, no JSON', async () => {
    const out = await onTerminal(false);
    const line = out.split(/\r?\n/).find((l) => l.includes('logger check'));
    expect(line, out).toBeDefined();
    expect(line).toContain('\u001b[');
    const plain = out.replace(/\u001b\[[0-9;]*m/g, '');
    expect(plain).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: logger check\r?\n\s+queue: "intake"/m);
    expect(out).not.toContain('{"level"');
  }, 90_000);

  it('stay JSON on a terminal when CI says so, and in a pipe', async () => {
    const ci = (await onTerminal(true)).split(/\r?\n/).find((l) => l.includes('logger check'));
    expect(JSON.parse(ci!)).toMatchObject({ level: 30, msg: 'logger check', queue: 'intake' });
    const [bin, ...args] = node(false);
    const { stdout } = await run(bin, args, { cwd: ROOT, timeout: 60_000 });
    expect(JSON.parse(stdout.trim())).toMatchObject({ level: 30, msg: 'logger check', queue: 'intake', name: 'ops-command-center' });
  }, 90_000);
});
