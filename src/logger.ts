import pino, { type Logger } from 'pino';

/**
 * Paths that may hold personal data or secrets. Logs name messages by id; addresses, variables,
 * rendered content and credentials never reach a log line.
 */
export const REDACTED_PATHS = [
  'to',
  'recipient',
  'variables',
  'content',
  'body',
  'credentials',
  'headers.authorization',
  'headers["x-api-key"]',
  'req.headers.authorization',
  '*.to',
  '*.recipient',
  '*.variables',
  '*.content',
  '*.credentials',
  '*.password',
  '*.apiKey',
  '*.token',
];

export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } });
}

export type { Logger };
