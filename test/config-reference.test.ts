/** docs/config-reference.md is what the configuration schema gives: the reference cannot drift from start-up's checks. */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { configReference } from '../scripts/config-reference.js';

it('matches the schema (run `npm run docs:config` after changing contracts/config.ts)', () => {
  const page = configReference();
  expect(page).toMatch(/\| `teams\[\]\.capacity\.secret_env` \| string \| yes \|/);
  expect(readFileSync(new URL('../docs/config-reference.md', import.meta.url), 'utf8')).toBe(page);
});
