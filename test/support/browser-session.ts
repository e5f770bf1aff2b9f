/**
 * The set-up the browser test files share: one headless Chromium and one real server process
 * (SIMULATOR=off, the production build, the browser configuration) per file, fed the known event
 * set once; pages opened through the session are closed with it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { knownEvents, launchChromium, postEvents, writeBrowserConfig } from './browser.js';
import { ROOT, startServerProcess, tempDataDir, type ServerProcess } from './process.js';

/** Where the browser tests leave their screenshots. */
export const SHOTS = join(ROOT, 'test-results/browser');
export const HD = { width: 1920, height: 1080 };

export interface BrowserSession {
  /** The server process; `restartServer` replaces it. */
  server: ServerProcess;
  browser: Browser;
  /** When the known events were built (their times are relative to it). */
  eventsAt: number;
  /** A page in a fresh context (own local storage) of the given size. */
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  /** Starts the server again, on the same port with the same environment (after `server.stop()`). */
  restartServer(): Promise<ServerProcess>;
}

/**
 * Registers the file's beforeAll and afterAll: starts the server (with the browser config, or
 * `config`) and the browser, posts the known events. The returned session is filled in by the time the tests run.
 */
export function useBrowserSession(config?: object): BrowserSession {
  const contexts: BrowserContext[] = [];
  let env: Record<string, string>;
  let port: number;
  const session = {
    async newPage(viewport = HD) {
      const context = await session.browser.newContext({ viewport });
      contexts.push(context);
      return context.newPage();
    },
    async restartServer() {
      session.server = await startServerProcess(env, port);
      return session.server;
    },
  } as BrowserSession;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // One data directory for the session: a restarted server comes back with the same data.
    env = { SIMULATOR: 'off', OPS_CONFIG: writeBrowserConfig(config), TICK_MS: '1000', LOG_LEVEL: 'warn', DATA_DIR: tempDataDir() };
    [session.server, session.browser] = await Promise.all([startServerProcess(env), launchChromium()]);
    port = Number(new URL(session.server.url).port);
    session.eventsAt = Date.now();
    const events = knownEvents(session.eventsAt);
    const answer = await postEvents(session.server.url, events);
    expect(answer).toEqual({ accepted: events.length, duplicates: 0, rejected: [] });
  });

  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close().catch(() => {})));
    await session.browser?.close();
    await session.server?.stop();
  });

  return session;
}

/** Polls until the page shows what is expected: the screens update once a second. */
export const poll = <T>(read: () => Promise<T>, timeout = 10_000) => expect.poll(read, { timeout, interval: 100 });

/** The trimmed text of the first element the selector finds. */
export const text = async (page: Page, selector: string) => ((await page.locator(selector).first().textContent()) ?? '').trim();
