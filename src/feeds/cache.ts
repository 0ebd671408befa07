/**
 * The last-good copy of a URL source: `<stateDir>/feeds/<name>.body` (bytes as downloaded) and
 * `<name>.meta.json` (validators for conditional GET, record count for the shrink check).
 */
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ensureDir } from '../util/dirs.js';

/** The metadata kept beside a last-good body. */
export const cacheMetaSchema = z.object({
  etag: z.string().optional(),
  lastModified: z.string().optional(),
  fetchedAt: z.string(),
  recordCount: z.number().int().nonnegative(),
  sha256: z.string(),
});
/** The metadata kept beside a last-good body. */
export type CacheMeta = z.infer<typeof cacheMetaSchema>;

/** Paths of one source's cache files. */
export interface CachePaths {
  dir: string;
  body: string;
  meta: string;
}

/** Paths of the cache of source `name` under `stateDir`. */
export function cachePaths(stateDir: string, name: string): CachePaths {
  const dir = join(stateDir, 'feeds');
  return { dir, body: join(dir, `${name}.body`), meta: join(dir, `${name}.meta.json`) };
}

/** The last-good metadata, or undefined when there is no usable last-good copy (missing or corrupt). */
export async function readLastGood(paths: CachePaths): Promise<CacheMeta | undefined> {
  try {
    const meta = cacheMetaSchema.safeParse(JSON.parse(await readFile(paths.meta, 'utf8')));
    if (!meta.success) return undefined;
    await stat(paths.body);
    return meta.data;
  } catch {
    return undefined;
  }
}

/** Writes the metadata atomically (temp file + rename), so a crash never leaves half a file. */
export async function writeMeta(paths: CachePaths, meta: CacheMeta): Promise<void> {
  ensureDir(paths.dir);
  const tmp = `${paths.meta}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(meta, null, 2)}\n`);
  await rename(tmp, paths.meta);
}
