/**
 * Files shipped with iocwall (`iocs/…`), found from the running module: the folder holding
 * package.json, two levels up from `src/util/` or three from `dist/src/util/`.
 */
import { existsSync } from 'node:fs';
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
