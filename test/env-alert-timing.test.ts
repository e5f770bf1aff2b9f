/** ALERT_EVALUATE_MS and ALERT_HOLD_MS (demos and tests, e.g. test/leadership.serial.test.ts): read once, checked, optional. */
import { expect, it } from 'vitest';
import { readServerEnv } from '../contracts/env.js';

it('reads the alerting timing variables, leaves them unset by default, and names a bad one', () => {
  expect(readServerEnv({ ALERT_EVALUATE_MS: '500', ALERT_HOLD_MS: '2000' })).toMatchObject({ ALERT_EVALUATE_MS: 500, ALERT_HOLD_MS: 2000 });
  const defaults = readServerEnv({});
  expect([defaults.ALERT_EVALUATE_MS, defaults.ALERT_HOLD_MS]).toEqual([undefined, undefined]);
  expect(() => readServerEnv({ ALERT_EVALUATE_MS: '10' })).toThrow(/ALERT_EVALUATE_MS/);
  expect(() => readServerEnv({ ALERT_HOLD_MS: 'soon' })).toThrow(/ALERT_HOLD_MS/);
});
