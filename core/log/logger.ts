// Structured logs (pino) with a redaction list, so no secret, key, challenge or token is ever written.
import { pino, type Logger } from 'pino';

/** Field names whose values never reach a log line, wherever they appear in a logged object. */
export const REDACTED_KEYS = [
  'password',
  'secret',
  'secretKeys',
  'payloadKeys',
  'token',
  'taskToken',
  'keyPassword',
  'p12Password',
  'apiKey',
  'authorization',
  'challenge',
  'challengePassword',
  'privateKey',
  'key',
  'keyPem',
  'recoveryKey',
  'pushMagic',
  'bootstrapToken',
  'bindPassword',
  'url',
] as const;

const paths = REDACTED_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

export type { Logger };

export function createLogger(name: string, level = 'info', destination?: pino.DestinationStream): Logger {
  return pino({ name, level, redact: { paths, censor: '[redacted]' } }, destination);
}
