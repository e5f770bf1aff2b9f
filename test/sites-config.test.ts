/**
 * Sites in the configuration (issue 11, item 4): `sites`, a queue's `site`, a lead's `sites`, the
 * errors that name the field, and the two shipped configurations (one site; two hospitals).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG_PATH } from '../contracts/env.js';
import { loadConfig, parseConfig, queuesOfSites } from '../contracts/config.js';
import { ROOT } from './support/process.js';

const TWO_SITES_CONFIG_PATH = `${ROOT}/seed/two-sites-config.json`;

const base = () => ({
  sites: [
    { id: 'north', name: 'North Hospital' },
    { id: 'south', name: 'South Clinic' },
  ],
  queues: [
    { id: 'reg-north', name: 'Registration North', site: 'north', sla: { target_seconds: 900, goal: 0.9 }, handling_seconds: 300 },
    { id: 'reg-south', name: 'Registration South', site: 'south', sla: { target_seconds: 900, goal: 0.9 }, handling_seconds: 300 },
    { id: 'billing', name: 'Billing', sla: { target_seconds: 3600, goal: 0.9 }, handling_seconds: 300 },
  ],
  teams: [{ id: 'inhouse', name: 'In-house', kind: 'inhouse', queues: ['reg-north', 'reg-south', 'billing'] }],
  access: [{ name: 'lead-north', role: 'lead', sites: ['north'], token_sha256: 'a'.repeat(64) }] as Record<string, unknown>[],
});

/** The config error's lines after its first ("config is invalid:"), or "valid". */
function problem(mutate: (c: ReturnType<typeof base>) => void): string {
  const c = base();
  mutate(c);
  try {
    parseConfig(c);
    return 'valid';
  } catch (err) {
    return (err as Error).message.split('\n').slice(1).join('\n');
  }
}

describe('sites in the configuration', () => {
  it('takes sites, queues with and without a site, and a lead limited to sites', () => {
    const cfg = parseConfig(base());
    expect(cfg.sites?.map((s) => s.id)).toEqual(['north', 'south']);
    expect(queuesOfSites(cfg, ['south'])).toEqual(['reg-south']);
    expect(queuesOfSites(cfg, ['north', 'south'])).toEqual(['reg-north', 'reg-south']);
    expect(cfg.access?.[0].sites).toEqual(['north']);
    // Sites are optional: a config without them is as before.
    expect(problem((c) => {
      delete (c as Partial<typeof c>).sites;
      for (const q of c.queues) delete (q as Partial<typeof q>).site;
      c.access = [];
    })).toBe('valid');
  });

  it('names the queue whose site is not configured', () => {
    expect(problem((c) => (c.queues[1].site = 'east'))).toBe('queues[1].site: queue "reg-south" names site "east", which is not in sites');
    expect(problem((c) => {
      delete (c as Partial<typeof c>).sites;
    })).toMatch(/^queues\[0\]\.site: queue "reg-north" names site "north", which is not in sites\nqueues\[1\]\.site: /);
  });

  it('keeps site ids opaque and unique, and sites on leads only', () => {
    expect(problem((c) => (c.sites[1].id = 'north')).split('\n')[0]).toBe('sites[1].id: duplicate site id "north"');
    expect(problem((c) => (c.sites[0].id = "St Mary's"))).toMatch(/^sites\[0\]\.id: must be an opaque id/);
    expect(problem((c) => (c.access[0].sites = ['west']))).toBe('access[0].sites[0]: unknown site "west"');
    expect(problem((c) => (c.access[0].role = 'viewer'))).toBe('access[0].sites: only a lead is limited to sites');
    expect(problem((c) => (c.access[0].sites = []))).toMatch(/^access\[0\]\.sites: /);
  });

  it('ships a default with one site holding every queue', () => {
    const cfg = loadConfig(DEFAULT_CONFIG_PATH);
    expect(cfg.sites).toHaveLength(1);
    expect(queuesOfSites(cfg, [cfg.sites![0].id])).toEqual(cfg.queues.map((q) => q.id));
  });

  it('ships a two-hospital example that loads, its queues split between the sites', () => {
    const cfg = loadConfig(TWO_SITES_CONFIG_PATH);
    expect(cfg.sites?.map((s) => s.id)).toEqual(['st-annes', 'lakeside']);
    const annes = queuesOfSites(cfg, ['st-annes']);
    const lakeside = queuesOfSites(cfg, ['lakeside']);
    expect(annes.length).toBeGreaterThan(0);
    expect(lakeside.length).toBeGreaterThan(0);
    expect(annes.filter((q) => lakeside.includes(q))).toEqual([]);
    // Central queues (no site) show on the all-sites wall only.
    expect(cfg.queues.filter((q) => q.site === undefined).map((q) => q.id)).toEqual(['insurance', 'billing']);
  });
});
