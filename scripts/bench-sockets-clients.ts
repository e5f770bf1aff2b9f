/**
 * One client process of `npm run bench:sockets`, forked by scripts/bench-sockets.ts: it holds its
 * share of the Socket.IO websocket clients, each subscribed to `wall`, and records how late every
 * `metrics:snapshot` arrives (receive time - `generated_at`; server and clients share this
 * machine's clock). Driven over IPC by the parent:
 *   {type:'open', count} -> opens `count` more clients -> {type:'opened', open, failed}
 *   {type:'measure', from, to} -> forgets what it recorded, then records the snapshots generated
 *                        in [from, to) (epoch ms), and its own event-loop delay
 *   {type:'report'}      -> {type:'report', ...ClientReport}
 *   {type:'close'}       -> closes every client and exits
 * It also exits when the parent goes away or after `--max-seconds`, whichever comes first.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../contracts/socket.js';

export type ParentMessage = { type: 'open'; count: number } | { type: 'measure'; from: number; to: number } | { type: 'report' } | { type: 'close' };

/** What one client process measured since the last `measure`. */
export interface ClientReport {
  /** Latency histogram in whole milliseconds: [ms, count] pairs (sparse). */
  histogram: [number, number][];
  /** Snapshots received. */
  received: number;
  /** Clients connected and subscribed now. */
  connected: number;
  /** Clients that lost their connection since `measure`. */
  disconnects: number;
  /** This process's event-loop delay since `measure`, p99 and max in ms: what it adds itself. */
  loopDelayP99: number;
  loopDelayMax: number;
  /** Distinct `generated_at` seen since `measure`: the server's ticks. */
  ticks: string[];
  /** Clients that failed to connect or subscribe, by reason. */
  failures: Record<string, number>;
}

export type ChildMessage = { type: 'opened'; open: number; failed: number } | ({ type: 'report' } & ClientReport);

/** 1 ms buckets up to a minute; later deliveries land in the last one. */
const MAX_MS = 60_000;

function main(): void {
  const [url, maxSeconds] = [process.argv[2], Number(process.argv[3] ?? 600)];
  if (!url || !process.send) throw new Error('usage: forked by scripts/bench-sockets.ts with <server url> [max seconds]');
  const send = (m: ChildMessage) => process.send!(m);
  const sockets: Socket<ServerToClientEvents, ClientToServerEvents>[] = [];
  let histogram = new Uint32Array(MAX_MS + 1);
  let received = 0;
  let disconnects = 0;
  let connected = 0;
  let failed = 0;
  let ticks = new Set<string>();
  let [from, to] = [Infinity, Infinity];
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  const failures: Record<string, number> = {};

  function openOne(): Promise<void> {
    return new Promise((resolve) => {
      // NOTE: forceNew, or socket.io-client multiplexes every client onto one connection per URL.
      const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: 20_000 });
      sockets.push(socket);
      let settled = false;
      const settle = (why?: string) => {
        if (settled) return;
        settled = true;
        if (why === undefined) connected++;
        else {
          failed++;
          failures[why] = (failures[why] ?? 0) + 1;
          socket.disconnect();
        }
        resolve();
      };
      socket.on('connect_error', (err) => settle(`connect: ${err.message}`));
      socket.on('connect', () => {
        const timer = setTimeout(() => settle('subscribe: no answer within 20 s'), 20_000);
        socket.emit('subscribe', { view: 'wall' }, (ack) => {
          clearTimeout(timer);
          settle(ack.ok ? undefined : `subscribe: ${ack.error}`);
        });
      });
      socket.on('disconnect', (reason) => {
        if (!settled) return settle(`disconnected: ${reason}`);
        connected--;
        disconnects++;
      });
      socket.on('metrics:snapshot', (snapshot) => {
        const generated = Date.parse(snapshot.generated_at);
        if (generated < from || generated >= to) return;
        const late = Date.now() - generated;
        histogram[Math.min(MAX_MS, Math.max(0, late))]++;
        received++;
        ticks.add(snapshot.generated_at);
      });
    });
  }

  process.on('message', async (m: ParentMessage) => {
    if (m.type === 'open') {
      await Promise.all(Array.from({ length: m.count }, openOne));
      send({ type: 'opened', open: connected, failed });
    } else if (m.type === 'measure') {
      histogram = new Uint32Array(MAX_MS + 1);
      received = 0;
      disconnects = 0;
      ticks = new Set();
      [from, to] = [m.from, m.to];
      loopDelay.reset();
      loopDelay.enable();
    } else if (m.type === 'report') {
      const sparse: [number, number][] = [];
      histogram.forEach((count, ms) => count > 0 && sparse.push([ms, count]));
      loopDelay.disable();
      const [loopDelayP99, loopDelayMax] = [loopDelay.percentile(99) / 1e6, loopDelay.max / 1e6];
      send({ type: 'report', histogram: sparse, received, connected, disconnects, loopDelayP99, loopDelayMax, ticks: [...ticks], failures });
    } else if (m.type === 'close') {
      for (const s of sockets) s.disconnect();
      setTimeout(() => process.exit(0), 200);
    }
  });
  process.on('disconnect', () => process.exit(0));
  setTimeout(() => process.exit(2), maxSeconds * 1000).unref();
}

main();
