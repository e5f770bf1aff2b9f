/** The server's environment: numbers are whole decimal numbers, and a bad one stops start-up naming the variable. */
import { expect, it } from 'vitest';
import { readServerEnv } from '../contracts/env.js';

it('takes PORT and TICK_MS as whole numbers in range, and refuses anything else by name', () => {
  expect(readServerEnv({})).toMatchObject({ PORT: 3000, TICK_MS: 1000, RETENTION_DAYS: 35, DATA_DIR: './data' });
  expect(readServerEnv({ PORT: '0', TICK_MS: '250' })).toMatchObject({ PORT: 0, TICK_MS: 250 });
  for (const [name, value, why] of [
    ['PORT', '0x50', 'must be a whole number'],
    ['PORT', ' ', 'must be a whole number'],
    ['PORT', '70000', 'must be at most 65535'],
    ['TICK_MS', '1e3', 'must be a whole number'],
    ['TICK_MS', '50', 'must be >= 100'],
  ]) {
    expect(() => readServerEnv({ [name]: value }), `${name}=${value}`).toThrow(`${name}: ${why}`);
  }
});
