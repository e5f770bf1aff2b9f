/** pino, pretty on a terminal, JSON otherwise. */
import pino, { type Logger } from 'pino';

export function createLogger(level: string, name = 'ops-command-center'): Logger {
  const pretty = process.stdout.isTTY && !process.env.CI;
  return pino({
    name,
    level,
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,name' } } } : {}),
  });
}
