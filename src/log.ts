/**
 * Logging: pino JSON on stderr (stdout carries only command results), pretty-ish one-liners when stderr
 * is a TTY, and secrets redacted twice — by key (pino `redact`) and by value (every resolved secret).
 *
 * pino is loaded on the first line actually written: a run that logs nothing at its level (a
 * `compile --log-level warn` without warnings, `check`, `--help`) does not pay for loading it.
 */
import { createRequire } from 'node:module';
import type { LevelWithSilent, LogFn, Logger as PinoLogger } from 'pino';
import { redactSecrets } from './config/secrets.js';

/** The logging calls iocwall makes, with pino's signatures (`log.info({ key }, 'message')`). */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

/** pino's numeric levels; a line is written when its level is at least the logger's. */
const LEVEL_VALUES: Record<LevelWithSilent, number> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Infinity,
};

const requirePino = (): typeof import('pino') =>
  createRequire(import.meta.url)('pino') as typeof import('pino');

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

/** Creates the process logger (pino itself is made on the first line written at its level). */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const threshold = LEVEL_VALUES[level];
  let made: PinoLogger | undefined;
  const real = (): PinoLogger => {
    if (made !== undefined) return made;
    const destination = options.destination ?? process.stderr;
    const pretty = options.pretty ?? (destination === process.stderr && process.stderr.isTTY);
    made = requirePino().pino(
      { level, base: undefined, redact: { paths: REDACT_PATHS, censor: '[REDACTED]' } },
      redactingStream(destination, pretty),
    );
    return made;
  };
  const method =
    (name: keyof Logger): LogFn =>
    (...args: Parameters<LogFn>) => {
      if (LEVEL_VALUES[name] < threshold) return;
      real()[name](...args);
    };
  return { debug: method('debug'), info: method('info'), warn: method('warn'), error: method('error') };
}

/** A logger that discards everything (library use, tests). */
export const silentLogger: Logger = createLogger({ level: 'silent' });
