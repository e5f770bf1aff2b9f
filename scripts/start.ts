/** `npm start`: builds the wall when its production build is missing or stale, then runs the server. */
import { buildWallIfStale } from './build-wall.js';

buildWallIfStale();
await import('../server/main.js');
