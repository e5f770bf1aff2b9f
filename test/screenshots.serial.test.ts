/**
 * `npm run screenshots` works (issue 12, item 7): run as the README says, with SHOTS_OUT on a
 * temporary directory, it takes every README picture (the calm wall and a queue's lead view, the
 * wall during the surge, the scorecard and what-if) at its size, and leaves the repository's
 * pictures alone. NOTE: a serial test: it runs three products with the simulator for about five
 * minutes, and alone it neither slows the other browser tests nor is slowed by them.
 */
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT, tempDataDir } from './support/process.js';

const PICTURES = {
  'docs/wall.png': { width: 1920, height: 1080 },
  'docs/lead-queue.png': { width: 1440, height: 900 },
  'docs/wall-alert.png': { width: 1920, height: 1080 },
  // Full-page pictures: as tall as the page, at least the window.
  'docs/images/scorecard.png': { width: 1440, minHeight: 900 },
  'docs/images/what-if.png': { width: 1440, minHeight: 900 },
} as const;

/** Width and height from a PNG's header (the IHDR chunk right after the signature). */
function pngSize(path: string): { width: number; height: number } {
  const bytes = readFileSync(path);
  expect(bytes.subarray(0, 8).toString('hex'), `${path} is a PNG`).toBe('89504e470d0a1a0a');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

it('takes every README picture at its size, under SHOTS_OUT only', async () => {
  const out = tempDataDir('occ-shots-');
  const before = Object.keys(PICTURES).map((p) => statSync(join(ROOT, p)).mtimeMs);
  let log = '';
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn('npm', ['run', 'screenshots'], { cwd: ROOT, env: { ...process.env, SHOTS_OUT: out }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d) => (log += d));
    child.stderr.on('data', (d) => (log += d));
    child.once('error', reject);
    child.once('exit', resolve);
  });
  expect(code, log.slice(-4000)).toBe(0);
  for (const [picture, size] of Object.entries(PICTURES)) {
    const { width, height } = pngSize(join(out, picture));
    expect(width, picture).toBe(size.width);
    if ('height' in size) expect(height, picture).toBe(size.height);
    else expect(height, picture).toBeGreaterThanOrEqual(size.minHeight);
  }
  expect(Object.keys(PICTURES).map((p) => statSync(join(ROOT, p)).mtimeMs)).toEqual(before);
}, 900_000);
