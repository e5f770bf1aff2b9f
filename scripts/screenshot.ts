/**
 * `npm run screenshot -- URL OUT.png [WIDTHxHEIGHT]`: a headless-Chromium picture of a page, for
 * the README. Uses Debian's Chromium (/usr/bin/chromium), never a downloaded browser.
 */
import { chromium } from 'playwright-core';

const [url, out, size = '1920x1080', waitMs = '3000'] = process.argv.slice(2);
if (!url || !out) {
  console.error('usage: npm run screenshot -- URL OUT.png [WIDTHxHEIGHT] [WAIT_MS]');
  process.exit(2);
}
const [width, height] = size.split('x').map(Number);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width, height } });
  await page.goto(url, { waitUntil: 'networkidle' });
  await page.waitForTimeout(Number(waitMs));
  await page.screenshot({ path: out });
  console.log(`saved ${out} (${width}x${height})`);
} finally {
  await browser.close();
}
