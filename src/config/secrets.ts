/**
 * Secret references. A secret in the config is never a literal: it is `env:NAME` (an environment
 * variable) or `file:PATH` (a file's content, trailing newline removed; relative to the config file).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../errors.js';

/** Matches a secret reference. */
export const SECRET_REF = /^(env|file):(.+)$/;

/** Every secret value resolved so far, so the logger and reports can redact them wherever they appear. */
const resolvedSecrets = new Set<string>();

/** The secret values resolved in this process (for redaction). */
export function knownSecrets(): ReadonlySet<string> {
  return resolvedSecrets;
}

/** Registers a value as secret so that `redactSecrets` hides it (used for lab-generated credentials too). */
export function registerSecret(value: string): void {
  if (value.length >= 4) resolvedSecrets.add(value);
}

/**
 * Resolves `env:NAME` or `file:PATH`. `baseDir` anchors relative file paths (the config file's folder).
 * Throws ConfigError naming the reference, never the value.
 */
export function resolveSecret(ref: string, baseDir: string): string {
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
  }
  registerSecret(value);
  return value;
}

/** Replaces every known secret value inside `text` with `[REDACTED]`. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const secret of resolvedSecrets) {
    if (out.includes(secret)) out = out.split(secret).join('[REDACTED]');
  }
  return out;
}
