/**
 * Creating folders.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * `mkdir -p`: creates `dir` and any missing parents (with `mode`, when given). Node 20's own
 * recursive `mkdir` retries forever, at full CPU, where `mkdir` answers ENOENT although the parent
 * exists (`/proc/x` does that); here each missing folder is made once, parent first, and the first
 * error other than "already exists" is thrown.
 */
export function ensureDir(dir: string, mode?: number): void {
  const missing: string[] = [];
  for (let d = resolve(dir); !existsSync(d);) {
    missing.push(d);
    const parent = dirname(d);
    if (parent === d) break;
    d = parent;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d, mode === undefined ? undefined : { mode });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}
