/**
 * Logging: pino JSON on stderr (stdout carries only command results), pretty-ish one-liners when stderr
 * is a TTY, and secrets redacted twice — by key (pino `redact`) and by value (every resolved secret).
 */
import { pino, type Logger, type LevelWithSilent } from 'pino';
import { redactSecrets } from './config/secrets.js';

export type { Logger };

/** Keys whose values are never logged, wherever they appear. */
export const REDACT_PATHS = [
  'password',
  'secret',
  'key',
  'apiKey',
  'token',
  'authorization',
  'credentials',
  '*.password',
  '*.secret',
  '*.key',
  '*.apiKey',
  '*.token',
  '*.authorization',
  '*.credentials',
  'headers.authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
];

/** Options for `createLogger`. */
export interface LoggerOptions {
  level?: LevelWithSilent;
  /** Where lines go; defaults to stderr (fd 2). */
  destination?: NodeJS.WritableStream;
  /** Force (or suppress) the human format; defaults to `stderr.isTTY`. */
  pretty?: boolean;
}

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/** A stream that redacts secret values and, on a TTY, prints `LEVEL msg key=value` lines. */
function redactingStream(target: NodeJS.WritableStream, pretty: boolean): { write(line: string): void } {
  return {
    write(line: string) {
      const clean = redactSecrets(line);
      if (!pretty) {
        target.write(clean);
        return;
      }
      try {
        const record = JSON.parse(clean) as Record<string, unknown>;
        const { level, msg, time: _time, pid: _pid, hostname: _host, ...rest } = record;
        const fields = Object.entries(rest)
          .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
          .join(' ');
        target.write(`${LEVEL_NAMES[Number(level)] ?? 'LOG'} ${String(msg)}${fields ? `  ${fields}` : ''}\n`);
      } catch {
        target.write(clean);
      }
    },
  };
}

/** Creates the process logger. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const destination = options.destination ?? process.stderr;
  const pretty = options.pretty ?? (destination === process.stderr && process.stderr.isTTY);
  return pino(
    {
      level: options.level ?? 'info',
      base: undefined,
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    },
    redactingStream(destination, pretty),
  );
}

/** A logger that discards everything (library use, tests). */
export const silentLogger: Logger = pino({ level: 'silent' });
