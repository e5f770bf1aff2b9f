/** The server process: `npm start` (through scripts/start.ts) and `npm run dev`. */
import { runServer } from './serve.js';

void runServer();
