/**
 * Files shipped with iocwall (`iocs/…`), found from the running module: the folder holding
 * package.json, two levels up from `src/util/` or three from `dist/src/util/`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InternalError } from '../errors.js';

/** Absolute path of a file shipped in the package (`relative` from the package root). */
export function shippedFile(relative: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, relative);
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new InternalError(`the shipped file ${relative} was not found beside package.json`);
}

/** iocwall's own version, from its package.json (`iocwall --version`; the User-Agent of fetches). */
export function packageVersion(): string {
  const parsed = JSON.parse(readFileSync(shippedFile('package.json'), 'utf8')) as { version?: unknown };
  if (typeof parsed.version !== 'string') throw new InternalError('package.json has no version');
  return parsed.version;
}
