/**
 * `npm start`: builds the wall when its production build is missing or stale, then runs the server.
 *
 * NOTE: package.json starts this file as `exec node --import tsx scripts/start.ts`: `exec` puts
 * node in the place of npm's `sh -c`, so the signal npm forwards (SIGTERM from a service manager,
 * SIGINT from Ctrl-C) reaches the server, which shuts down in order, and npm exits with its 0.
 * Through `sh` (dash forwards nothing) or the tsx CLI, the shell died and node kept serving.
 */
import { buildWallIfStale } from './build-wall.js';

buildWallIfStale();
await import('../server/main.js');
