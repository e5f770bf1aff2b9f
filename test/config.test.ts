import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG_PATH } from '../contracts/env.js';
import { loadConfig, parseConfig } from '../contracts/config.js';

const valid = {
  queues: [{ id: 'insurance', name: 'Insurance verification', sla: { target_seconds: 14400, goal: 0.9 }, handling_seconds: 600 }],
  teams: [
    { id: 'inhouse-rcm', name: 'Revenue cycle', kind: 'inhouse', queues: ['insurance'] },
    {
      id: 'partner-northwind', name: 'Northwind BPO', kind: 'partner', queues: ['insurance'],
      capacity: { webhook_url: 'https://partner.example/capacity', secret_env: 'NORTHWIND_WEBHOOK_SECRET', respond_within_seconds: 900, max_agents: 20 },
    },
  ],
  access: [
    { name: 'wall', role: 'viewer', token_sha256: 'a'.repeat(64) },
    { name: 'northwind', role: 'partner', team: 'partner-northwind', token_sha256: 'b'.repeat(64) },
  ],
};
const clone = () => JSON.parse(JSON.stringify(valid));
const problem = (mutate: (c: ReturnType<typeof clone>) => void) => {
  const c = clone();
  mutate(c);
  try {
    parseConfig(c);
    return 'valid';
  } catch (err) {
    return (err as Error).message.split('\n').slice(1).join('\n');
  }
};

describe('configuration (SPEC section 7)', () => {
  it('takes the SPEC example and defaults the window to 60 minutes', () => {
    const cfg = parseConfig(clone());
    expect(cfg.window_minutes).toBe(60);
    expect(cfg.queueIndex.get('insurance')?.sla.target_seconds).toBe(14400);
  });

  it('names the broken field', () => {
    expect(problem((c) => (c.queues[0].sla.goal = 1.5))).toBe('queues[0].sla.goal: Too big: expected number to be <=1');
    expect(problem((c) => delete c.queues[0].handling_seconds)).toMatch(/^queues\[0\]\.handling_seconds: /);
    expect(problem((c) => (c.teams[0].queues = ['billing']))).toBe('teams[0].queues[0]: unknown queue "billing"');
    expect(problem((c) => (c.teams[1].id = 'inhouse-rcm')).split('\n')[0]).toBe('teams[1].id: duplicate team id "inhouse-rcm"');
    expect(problem((c) => (c.teams[1].capacity.webhook_url = 'not a url'))).toMatch(/^teams\[1\]\.capacity\.webhook_url: /);
    expect(problem((c) => (c.teams[1].capacity.secret = 'hunter2'))).toBe('teams[1].capacity: unknown field(s) secret');
    expect(problem((c) => (c.access[0].token_sha256 = 'xyz'))).toBe('access[0].token_sha256: must be 64 lowercase hex characters');
    expect(problem((c) => (c.access[1].team = 'inhouse-rcm'))).toBe('access[1].team: "inhouse-rcm" is not a partner team');
    expect(problem((c) => (c.access[0].role = 'superuser'))).toMatch(/^access\[0\]\.role: /);
    expect(problem((c) => (c.teams[0].capacity = c.teams[1].capacity))).toBe('teams[0].capacity: only partner teams take capacity requests');
    expect(problem((c) => (c.queues = []))).toMatch(/^queues: /);
  });

  it('ships a default for a mid-size hospital network that loads', () => {
    const cfg = loadConfig(DEFAULT_CONFIG_PATH);
    expect(cfg.queues.map((q) => q.id)).toEqual(['registration', 'scheduling', 'insurance', 'documentation', 'billing', 'communication']);
    expect(cfg.teams.filter((t) => t.kind === 'inhouse')).toHaveLength(3);
    expect(cfg.teams.filter((t) => t.kind === 'partner')).toHaveLength(2);
    expect(JSON.parse(readFileSync(DEFAULT_CONFIG_PATH, 'utf8')).access).toBeUndefined();
  });

  it('reports an unreadable or non-JSON file by its path', () => {
    expect(() => loadConfig('/nonexistent/ops.json')).toThrow(/cannot read OPS_CONFIG file \/nonexistent\/ops.json/);
    expect(() => loadConfig('/etc/hostname')).toThrow(/is not valid JSON/);
  });
});
