/**
 * Quiet hours as pure logic (against a brute-force walk round the clock, on random spans), local
 * time across daylight saving, and the config rules of a team's `chat`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../contracts/config.js';
import { isQuiet, localMinutes, withinSpan } from '../server/chat/quiet-hours.js';
import { chatSecretEnv } from '../server/webhook-secrets.js';

/** The minutes from `from` up to (not including) `to`, walking forward round midnight. */
function walk(from: number, to: number): Set<number> {
  const out = new Set<number>();
  for (let m = from; m !== to; m = (m + 1) % 1440) out.add(m);
  return out;
}

describe('quiet hours', () => {
  it('a minute is quiet exactly when the walk from `from` to `to` passes it', () => {
    const minute = fc.integer({ min: 0, max: 1439 });
    fc.assert(
      fc.property(minute, minute, minute, (from, to, m) => {
        fc.pre(from !== to);
        expect(withinSpan(m, from, to)).toBe(walk(from, to).has(m));
      }),
    );
  });

  it('reads local time in the zone, daylight saving included', () => {
    expect(localMinutes(Date.parse('2026-11-30T22:00:00Z'), 'Europe/Berlin')).toBe(23 * 60);
    expect(localMinutes(Date.parse('2026-07-01T22:00:00Z'), 'Europe/Berlin')).toBe(0);
    expect(localMinutes(Date.parse('2026-07-01T22:30:00Z'), 'America/New_York')).toBe(18 * 60 + 30);
    const night = { from: '22:00', to: '07:00', timezone: 'Europe/Berlin' };
    expect(isQuiet(night, Date.parse('2026-11-30T21:00:00Z'))).toBe(true); // 22:00 local: begins
    expect(isQuiet(night, Date.parse('2026-11-30T20:59:00Z'))).toBe(false);
    expect(isQuiet(night, Date.parse('2026-12-01T06:00:00Z'))).toBe(false); // 07:00 local: over
    expect(isQuiet(night, Date.parse('2026-07-01T05:00:00Z'))).toBe(false); // 07:00 CEST
    expect(isQuiet(undefined, Date.parse('2026-11-30T23:00:00Z'))).toBe(false);
  });
});

describe('config: a team\'s chat', () => {
  const base = (chat: unknown) => ({
    queues: [{ id: 'billing', name: 'Billing', sla: { target_seconds: 600, goal: 0.9 }, handling_seconds: 300 }],
    teams: [{ id: 'inhouse-billing', name: 'Billing team', kind: 'inhouse', queues: ['billing'], chat }],
  });
  const problem = (chat: unknown) => {
    try {
      parseConfig(base(chat));
      return 'accepted';
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as Error).message;
    }
  };

  it('takes a webhook URL with optional quiet hours, the secret from CHAT_SECRET_<TEAM> by default', () => {
    const config = parseConfig(base({ webhook_url: 'https://hooks.example.org/T1/B2', quiet_hours: { from: '22:00', to: '07:00', timezone: 'Europe/Berlin' } }));
    expect(chatSecretEnv(config.teams[0])).toBe('CHAT_SECRET_INHOUSE_BILLING');
    expect(chatSecretEnv({ id: 'x', chat: { webhook_url: 'https://h.example', secret_env: 'MY_CHAT' } })).toBe('MY_CHAT');
  });

  it('names the field that breaks a rule', () => {
    expect(problem({ webhook_url: 'not a url' })).toMatch(/teams\[0\]\.chat\.webhook_url/);
    expect(problem({ webhook_url: 'https://h.example', quiet_hours: { from: '24:00', to: '07:00', timezone: 'UTC' } })).toMatch(/teams\[0\]\.chat\.quiet_hours\.from.*HH:MM/);
    expect(problem({ webhook_url: 'https://h.example', quiet_hours: { from: '22:00', to: '07:00', timezone: 'Mars/Olympus' } })).toMatch(/quiet_hours\.timezone.*IANA/);
    expect(problem({ webhook_url: 'https://h.example', quiet_hours: { from: '07:00', to: '07:00', timezone: 'UTC' } })).toMatch(/quiet_hours\.to.*differ/);
    expect(problem({ webhook_url: 'https://h.example', secret: 'inline' })).toMatch(/teams\[0\]\.chat/);
    expect(problem({ webhook_url: 'https://h.example', secret_env: 'lower' })).toMatch(/secret_env.*environment variable/);
  });
});
