import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';

/** Log levels the operator accepts (pino's). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

// Field names that carry secrets wherever they appear (pino redacts by path, so each depth
// that occurs in practice is listed: a field, in an object, in an object in an object).
const SECRET_FIELDS = ['password', 'clientSecret', 'client_secret', 'secret', 'token', 'accessToken', 'access_token', 'refreshToken', 'refresh_token', 'authorization', 'Authorization', 'credentials', 'stringData'];
const REDACT_PATHS = SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]);
// A Secret's `data` is base64, not encrypted.
REDACT_PATHS.push('data', '*.data', 'headers.authorization', '*.headers.authorization', 'headers.cookie', '*.headers.cookie');

/** The redacted paths (for tests and docs). */
export const REDACTED_PATHS: readonly string[] = REDACT_PATHS;

/**
 * The process logger: JSON lines with an ISO time and the level as a word, secret-bearing
 * fields replaced by `[REDACTED]`, errors with their cause chain. Reconciles log through
 * `logger.child({kind, namespace, name})`.
 */
export function createLogger(level: LogLevel = 'info', destination?: DestinationStream): Logger {
  return pino({
    // No pino `name`: reconcile loggers carry the object's `name`, and a JSON line must not have two.
    level,
    redact: { paths: [...REDACT_PATHS], censor: '[REDACTED]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    serializers: { err: stdSerializers.errWithCause },
  }, destination);
}
