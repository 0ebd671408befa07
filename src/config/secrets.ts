/**
 * Secret references. A secret in the config is never a literal: it is `env:NAME` (an environment
 * variable) or `file:PATH` (a file's content, trailing newline removed; relative to the config file).
 */
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../errors.js';

/** Matches a secret reference. */
export const SECRET_REF = /^(env|file):(.+)$/;

/**
 * Credential fields that name an account rather than prove it: not secrets, never redacted. A user name
 * such as the lab's `iocwall` would otherwise turn every "iocwall audit" in a message into "[REDACTED] audit".
 */
const IDENTIFIER_FIELDS = /^(user(name)?|login|account)$/i;

/** True when credential field `name` holds an identifier (a user name), not a secret. */
export function isIdentifierField(name: string): boolean {
  return IDENTIFIER_FIELDS.test(name);
}

/**
 * Secrets at least this long are hidden wherever they appear, even inside other text. Shorter ones are
 * hidden as whole tokens only (not next to a letter or digit): a three-character password is still never
 * printed on its own, and the words that merely contain it are left alone.
 */
const SUBSTRING_MIN = 8;

/** Every secret value resolved so far, so the logger and reports can redact them wherever they appear. */
const resolvedSecrets = new Set<string>();
/** The short secrets as one whole-token pattern (rebuilt when one is added). */
let shortPattern: RegExp | null = null;

/** The secret values resolved in this process (for redaction). */
export function knownSecrets(): ReadonlySet<string> {
  return resolvedSecrets;
}

/** Registers a value as secret so that `redactSecrets` hides it (used for lab-generated credentials too). */
export function registerSecret(value: string): void {
  if (value === '' || resolvedSecrets.has(value)) return;
  resolvedSecrets.add(value);
  const short = [...resolvedSecrets].filter((v) => v.length < SUBSTRING_MIN);
  shortPattern =
    short.length === 0
      ? null
      : new RegExp(
          `(?<![A-Za-z0-9])(?:${short
            .sort((a, b) => b.length - a.length)
            .map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
            .join('|')})(?![A-Za-z0-9])`,
          'g',
        );
}

/** How `resolveSecret` treats the value it resolves. */
export interface ResolveOptions {
  /** Hears about a secret file every user of the machine may read (mode o+r). */
  onWarning?: (warning: string) => void;
  /** The value names an account (a user name): resolved like a secret, but not redacted. */
  identifier?: boolean;
}

/**
 * Resolves `env:NAME` or `file:PATH`. `baseDir` anchors relative file paths (the config file's folder).
 * Throws ConfigError naming the reference, never the value. The value is registered for redaction unless
 * it is an identifier (see `ResolveOptions`).
 */
export function resolveSecret(ref: string, baseDir: string, options: ResolveOptions = {}): string {
  const match = SECRET_REF.exec(ref);
  if (!match) throw new ConfigError('inline secrets are refused: use env:NAME or file:PATH');
  const [, kind, name] = match as unknown as [string, 'env' | 'file', string];
  let value: string | undefined;
  if (kind === 'env') {
    value = process.env[name];
    if (value === undefined || value === '') throw new ConfigError(`secret env:${name} is not set`);
  } else {
    const path = isAbsolute(name) ? name : resolve(baseDir, name);
    try {
      value = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw new ConfigError(
        `secret file:${name} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
    if (value === '') throw new ConfigError(`secret file:${name} is empty`);
    const mode = statSync(path).mode & 0o777;
    if ((mode & 0o004) !== 0)
      options.onWarning?.(
        `secret file:${name} is readable by every user of this machine (mode ${mode.toString(8).padStart(4, '0')}): chmod 600 it`,
      );
  }
  if (options.identifier !== true) registerSecret(value);
  return value;
}

/** Replaces every known secret value inside `text` with `[REDACTED]` (short ones as whole tokens). */
export function redactSecrets(text: string): string {
  let out = text;
  for (const secret of resolvedSecrets) {
    if (secret.length >= SUBSTRING_MIN && out.includes(secret)) out = out.split(secret).join('[REDACTED]');
  }
  return shortPattern ? out.replace(shortPattern, '[REDACTED]') : out;
}
