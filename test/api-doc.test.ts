/**
 * docs/api.md stays current: every route the express app registers (built in process as `npm start`
 * wires it, the simulator's demo partners included; `npm test` builds the wall first) has a `### METHOD /path`
 * heading there, and every such heading names a route that exists.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../contracts/config.js';
import { CLIENT_DIST } from '../server/app.js';
import { createProduct, type Product } from '../server/product.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOC = join(ROOT, 'docs/api.md');

/** The request handlers given to `http.createServer`: the express app is the one with a router. */
const handlers = vi.hoisted(() => [] as unknown[]);
vi.mock('node:http', async (importOriginal) => {
  const http = await importOriginal<typeof import('node:http')>();
  const createServer = ((...args: unknown[]) => {
    handlers.push(...args.filter((a) => typeof a === 'function'));
    return (http.createServer as (...a: unknown[]) => unknown)(...args);
  }) as typeof http.createServer;
  return { ...http, default: { ...http, createServer }, createServer };
});

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  rawPath?: string | string[];
}

/** `METHOD /path` of every route under `stack`, mount paths prefixed. */
export function routesOf(stack: Layer[], prefix = ''): string[] {
  const found: string[] = [];
  const paths = (p: string | string[] | undefined) => (Array.isArray(p) ? p : [p ?? '']);
  for (const layer of stack) {
    if (layer.route) {
      const methods = Object.keys(layer.route.methods).filter((m) => layer.route!.methods[m] && m !== '_all');
      for (const path of paths(layer.route.path)) for (const m of methods) found.push(`${m.toUpperCase()} ${prefix}${path}`);
    } else if (layer.handle?.stack) {
      for (const mount of paths(layer.rawPath)) found.push(...routesOf(layer.handle.stack, prefix + (mount === '/' ? '' : mount)));
    }
  }
  return found;
}

/** The `### METHOD /path` headings of the doc. */
function documented(): string[] {
  return [...readFileSync(DOC, 'utf8').matchAll(/^### (GET|POST|PUT|PATCH|DELETE|HEAD) (\S+)/gm)].map((m) => `${m[1]} ${m[2].replace(/`/g, '')}`);
}

describe('docs/api.md', () => {
  let product: Product;
  let registered: string[];
  beforeAll(async () => {
    product = await createProduct({
      config: loadConfig(join(ROOT, 'seed/default-config.json')),
      logger: pino({ level: 'silent' }),
      clock: () => Date.parse('2026-11-26T09:30:00.000Z'),
      simulator: { backfillHours: 0, seed: 1 },
    });
    const app = handlers.find((h) => (h as { router?: unknown }).router) as { router: { stack: Layer[] } };
    registered = [...new Set(routesOf(app.router.stack))];
  });
  afterAll(async () => {
    await product?.stop();
  });

  it('finds the routes the app registers', () => {
    expect(registered).toContain('GET /healthz');
    expect(registered).toContain('POST /api/events');
    expect(registered).toContain('POST /demo/partners/:team/capacity');
  });

  it('documents every registered route', () => {
    const missing = registered.filter((r) => !documented().includes(r));
    expect(missing, `routes missing from docs/api.md (add a "### METHOD /path" section): ${missing.join(', ')}`).toEqual([]);
  });

  it('documents no route the app does not register', () => {
    // Without a built wall (a bare `vitest run`) only `GET /` is there to say so.
    const wallPages = existsSync(CLIENT_DIST) ? [] : ['GET /wall', 'GET /wall/legend', 'GET /lead', 'GET /lead/{*rest}'];
    const stale = documented().filter((r) => !registered.includes(r) && !wallPages.includes(r));
    expect(stale, `docs/api.md documents routes the app does not register: ${stale.join(', ')}`).toEqual([]);
  });
});
