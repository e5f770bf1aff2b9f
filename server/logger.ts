/** pino, pretty on a terminal, JSON otherwise. */
import pino, { type Logger } from 'pino';

/** `ci`: logs stay JSON even on a terminal. */
export function createLogger(level: string, ci: boolean, name = 'ops-command-center'): Logger {
  const pretty = process.stdout.isTTY && !ci;
  return pino({
    name,
    level,
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,name' } } } : {}),
  });
}
