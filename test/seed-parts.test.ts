/**
 * The simulator's parts: the shipped configuration, the PRNG and distributions, the heap, the
 * rota arithmetic, the demand profiles and arrivals, the environment, the demo partners'
 * signature check (against an independent HMAC), and the model on random seeds and start
 * instants (fast-check).
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../contracts/config.js';
import { checkEvent, type OpsEvent } from '../contracts/events.js';
import { nextArrival } from '../seed/arrivals.js';
import { BackOfficeModel } from '../seed/back-office-model.js';
import { verifyPartnerWebhook } from '../seed/partners.js';
import { MinHeap } from '../seed/min-heap.js';
import { KNOWN_PROFILES, RATE_SEGMENT_MS, arrivalsPerHour, expectedDailyVolume, surgeFactor } from '../seed/profiles.js';
import { base36Id, logNormalWithMean, mulberry32, pickWeighted } from '../seed/random.js';
import { DEFAULT_CONFIG_PATH, readSimulatorEnv } from '../contracts/env.js';
import { createRotas, splitByWeight } from '../seed/staffing-plan.js';

const config = loadConfig(DEFAULT_CONFIG_PATH);
const HOUR = 3_600_000;
const TUESDAY = Date.parse('2026-11-24T00:00:00.000Z');

describe('default configuration', () => {
  it('is a hospital network of six queues, three in-house teams and two partners, open on loopback', () => {
    expect(config.queues.map((q) => q.id)).toEqual(['registration', 'scheduling', 'insurance', 'documentation', 'billing', 'communication']);
    expect(config.teams.filter((t) => t.kind === 'inhouse').map((t) => t.id)).toEqual(['inhouse-access', 'inhouse-rcm', 'inhouse-him']);
    const partners = config.teams.filter((t) => t.kind === 'partner');
    expect(partners.map((t) => t.id)).toEqual(['partner-northwind', 'partner-meridian']);
    for (const p of partners) {
      expect(p.capacity!.webhook_url).toBe(`http://127.0.0.1:3000/demo/partners/${p.id}/capacity`);
      expect(p.capacity!.secret_env).toBe(`${p.id.toUpperCase().replace('-', '_')}_WEBHOOK_SECRET`);
      expect(p.capacity!.respond_within_seconds).toBe(900);
    }
    expect(config.access).toBeUndefined();
    // Every queue has an in-house team and a partner to ask for capacity.
    for (const kind of ['inhouse', 'partner']) {
      for (const q of config.queues) expect(config.teams.some((t) => t.kind === kind && t.queues.includes(q.id)), `${kind} on ${q.id}`).toBe(true);
    }
  });

  it('keeps minutes-long SLAs on the front desk and hours on the back office', () => {
    const target = (id: string) => config.queueIndex.get(id)!.sla.target_seconds;
    expect(target('registration')).toBe(900);
    expect(target('scheduling')).toBeLessThanOrEqual(3600);
    for (const id of ['insurance', 'documentation', 'billing']) expect(target(id)).toBeGreaterThanOrEqual(4 * 3600);
    expect(target('communication')).toBeLessThanOrEqual(12 * 3600);
  });
});

describe('random', () => {
  it('mulberry32 repeats per seed and stays in [0, 1)', () => {
    const a = mulberry32(99);
    const b = mulberry32(99);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(Math.abs(xs.reduce((s, x) => s + x, 0) / xs.length - 0.5)).toBeLessThan(0.05);
  });

  it('draws log-normal values with the asked mean', () => {
    const rand = mulberry32(1);
    let sum = 0;
    for (let i = 0; i < 50_000; i++) sum += logNormalWithMean(rand, 360, 0.55);
    expect(Math.abs(sum / 50_000 - 360) / 360).toBeLessThan(0.02);
  });

  it('picks by weight, never a zero weight', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.array(fc.integer({ min: -2, max: 5 }), { minLength: 1, maxLength: 6 }), (seed, weights) => {
        const i = pickWeighted(mulberry32(seed), weights);
        if (weights.every((w) => w <= 0)) return i === -1;
        return weights[i] > 0;
      }),
    );
    expect(base36Id(mulberry32(3), 12)).toMatch(/^[0-9a-z]{12}$/);
  });
});

describe('MinHeap', () => {
  it('pops in (at, seq) order, like a sort', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 })), (ats) => {
        const heap = new MinHeap<{ at: number; seq: number }>();
        ats.forEach((at, seq) => heap.push({ at, seq }));
        const popped: { at: number; seq: number }[] = [];
        for (let item = heap.pop(); item; item = heap.pop()) popped.push(item);
        const sorted = ats.map((at, seq) => ({ at, seq })).sort((a, b) => a.at - b.at || a.seq - b.seq);
        expect(popped).toEqual(sorted);
        expect(heap.size).toBe(0);
      }),
    );
  });
});

describe('rota', () => {
  it('splits agents so the parts add up and each is within one of its exact share', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), fc.array(fc.double({ min: 0.01, max: 3, noNaN: true }), { minLength: 1, maxLength: 5 }), (total, weights) => {
        const parts = splitByWeight(total, weights);
        const sum = weights.reduce((a, b) => a + b, 0);
        expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
        parts.forEach((p, i) => expect(Math.abs(p - (total * weights[i]) / sum)).toBeLessThan(1));
      }),
    );
  });

  it('staffs every team/queue pair of the default config, partners through the night on back-office queues', () => {
    const rotas = createRotas(config);
    const insurance = rotas.find((r) => r.queue.id === 'insurance')!;
    const night = insurance.agentsAt(TUESDAY + 3 * HOUR);
    const day = insurance.agentsAt(TUESDAY + 10 * HOUR);
    insurance.teams.forEach((team, i) => {
      if (team.kind === 'inhouse') expect(night[i]).toBe(0);
      expect(day[i]).toBeGreaterThan(0);
    });
    expect(night.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });
});

describe('demand profiles', () => {
  it('have 24 hour weights and 7 day factors each', () => {
    for (const profile of Object.values(KNOWN_PROFILES)) {
      expect(profile.hourWeights).toHaveLength(24);
      expect(profile.dayFactors).toHaveLength(7);
    }
  });

  it('surge smoothly on weekday mornings only', () => {
    const surge = KNOWN_PROFILES.registration.surge;
    expect(surgeFactor(surge, 2, 7.9)).toBe(1);
    expect(surgeFactor(surge, 2, 9.5)).toBeCloseTo(1 + surge!.peakExtra);
    expect(surgeFactor(surge, 2, 11)).toBe(1);
    expect(surgeFactor(surge, 6, 9.5)).toBe(1);
    expect(arrivalsPerHour(KNOWN_PROFILES.registration, TUESDAY + 9.5 * HOUR)).toBeGreaterThan(
      1.5 * arrivalsPerHour(KNOWN_PROFILES.registration, TUESDAY + 9.5 * HOUR, 0),
    );
  });

  it('add up to the daily volume', () => {
    const profile = KNOWN_PROFILES.scheduling;
    let sum = 0;
    for (let t = TUESDAY; t < TUESDAY + 24 * HOUR; t += RATE_SEGMENT_MS) sum += arrivalsPerHour(profile, t) / 4;
    expect(expectedDailyVolume(profile, TUESDAY + 5 * HOUR)).toBeCloseTo(sum);
    expect(sum).toBeCloseTo(profile.weekdayVolume * profile.dayFactors[2]);
  });
});

describe('arrivals', () => {
  it('add up to about the expected daily volume, each after the one before', () => {
    const profile = KNOWN_PROFILES.registration;
    const rand = mulberry32(42);
    let count = 0;
    let previous = TUESDAY;
    for (let at = nextArrival(rand, profile, TUESDAY); at !== undefined && at < TUESDAY + 24 * HOUR; at = nextArrival(rand, profile, at)) {
      expect(at).toBeGreaterThanOrEqual(previous);
      previous = at;
      count++;
    }
    const expected = expectedDailyVolume(profile, TUESDAY);
    // Poisson: a standard deviation of sqrt(expected), about 2 % here.
    expect(Math.abs(count - expected) / expected).toBeLessThan(0.08);
  });

  it('gives none for a profile without demand', () => {
    const idle = { ...KNOWN_PROFILES.scheduling, weekdayVolume: 0 };
    expect(nextArrival(mulberry32(1), idle, TUESDAY)).toBeUndefined();
  });
});

describe('demo partner signature check', () => {
  const body = JSON.stringify({ request_id: 'req-1' });
  /** Standard Webhooks headers computed with plain HMAC-SHA256, not with the package under test. */
  function sign(key: Buffer, id: string, seconds: number, text: string) {
    const signature = createHmac('sha256', key).update(`${id}.${seconds}.${text}`).digest('base64');
    return { 'Webhook-Id': id, 'Webhook-Timestamp': String(seconds), 'Webhook-Signature': `v1,${signature}` };
  }
  const nowSeconds = () => Math.floor(Date.now() / 1000);

  it('takes a whsec_ secret as base64 and any other as raw UTF-8 bytes, whatever the header case', () => {
    const whsec = `whsec_${Buffer.from('partner-key-0001').toString('base64')}`;
    expect(verifyPartnerWebhook(whsec, body, sign(Buffer.from('partner-key-0001'), 'msg-1', nowSeconds(), body))).toEqual({ request_id: 'req-1' });
    expect(verifyPartnerWebhook('plain-secret', body, sign(Buffer.from('plain-secret', 'utf8'), 'msg-2', nowSeconds(), body))).toEqual({ request_id: 'req-1' });
  });

  it('refuses a tampered body, another secret and a stale timestamp', () => {
    const key = Buffer.from('plain-secret', 'utf8');
    expect(() => verifyPartnerWebhook('plain-secret', `${body} `, sign(key, 'msg-3', nowSeconds(), body))).toThrow();
    expect(() => verifyPartnerWebhook('other-secret', body, sign(key, 'msg-4', nowSeconds(), body))).toThrow();
    expect(() => verifyPartnerWebhook('plain-secret', body, sign(key, 'msg-5', nowSeconds() - 600, body))).toThrow();
  });
});

describe('simulator environment', () => {
  it('reads defaults and names each bad variable', () => {
    expect(readSimulatorEnv({})).toEqual({ configPath: DEFAULT_CONFIG_PATH });
    expect(readSimulatorEnv({ OPS_CONFIG: '/x.json', BACKFILL_HOURS: '2', SIM_SPEED: '60', SIM_SEED: '7' })).toEqual({
      configPath: '/x.json',
      backfillHours: 2,
      speed: 60,
      seed: 7,
    });
    expect(() => readSimulatorEnv({ SIM_SPEED: 'fast' })).toThrow('SIM_SPEED: must be a number');
    expect(() => readSimulatorEnv({ BACKFILL_HOURS: '-1' })).toThrow('BACKFILL_HOURS: must be >= 0');
    expect(() => readSimulatorEnv({ SIM_SEED: '1.5' })).toThrow('SIM_SEED: must be an integer');
  });
});

describe('back-office model on random seeds and start instants', () => {
  it('emits valid, ordered lifecycles whatever the seed and start', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.integer({ min: Date.parse('2024-01-01T00:00:00Z'), max: Date.parse('2030-12-31T00:00:00Z') }),
        fc.integer({ min: 1, max: 120 }),
        (seed, startMs, stepMinutes) => {
          const model = new BackOfficeModel({ config, startMs, seed });
          const seen = new Map<string, string>();
          const order = ['task.created', 'task.assigned', 'task.started', 'task.completed'];
          for (let now = startMs; now <= startMs + 6 * HOUR; now += stepMinutes * 60_000) {
            for (const event of model.advanceTo(now) as OpsEvent[]) {
              const check = checkEvent(JSON.parse(JSON.stringify(event)), config, now);
              if (!check.ok) throw new Error(check.reason);
              if (Date.parse(event.occurred_at) > now) throw new Error('from the future');
              if (event.type === 'staffing.updated') continue;
              const previous = seen.get(event.task_id);
              if (event.type === 'task.cancelled') {
                if (previous !== 'task.created') throw new Error(`cancelled after ${previous}`);
              } else if (order.indexOf(event.type) !== order.indexOf(previous ?? '') + 1) {
                throw new Error(`${event.type} after ${previous}`);
              }
              seen.set(event.task_id, event.type);
            }
          }
        },
      ),
      { numRuns: 12 },
    );
  }, 60_000);
});
