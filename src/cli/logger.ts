import pino, { type Logger } from 'pino';

/** Structured logs on stderr; quiet (info) by default, K8TS_LOG_LEVEL or --log-level to change. */
export function createLogger(level: string, name: string): Logger {
  return pino({ name, level, base: { component: name } }, pino.destination({ dest: 2, sync: false }));
}
