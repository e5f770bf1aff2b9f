/**
 * Run with `node --expose-gc --import tsx`: one `postSigned` attempt to URL (argv[2]) with a
 * timeout of argv[3] ms and a shutdown signal that never fires, while a full GC runs every 20 ms.
 * Prints `{outcome, elapsedMs}` as JSON, or `{outcome: 'hung'}` past 10 times the timeout.
 */
import { postSigned } from '../../server/capacity/webhook-delivery.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const [url, timeout] = [process.argv[2], Number(process.argv[3])];
const shutdown = new AbortController();
const gcTimer = setInterval(gc, 20);
const started = performance.now();
const attempt = postSigned({ url, secret: 'a shared secret', id: 'msg_gc', body: '{}', at: new Date(), timeoutMs: timeout, fetch, signal: shutdown.signal });
const guard = new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), timeout * 10).unref());
const outcome = await Promise.race([attempt, guard]);
clearInterval(gcTimer);
console.log(JSON.stringify({ outcome, elapsedMs: Math.round(performance.now() - started) }));
process.exit(0);
