/**
 * Atomic file writes: a reader sees the old file or the new one, never half of one.
 */
import {
  appendFileSync,
  closeSync,
  fsyncSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ensureDir } from './dirs.js';

/**
 * Writes `content` to `path` through a temp file, fsync and rename. On failure the temp file is
 * removed and `path` is untouched.
 */
export function writeFileAtomic(path: string, content: string, mode = 0o644): void {
  ensureDir(dirname(path));
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  const fd = openSync(tmp, 'w', mode);
  try {
    try {
      const bytes = Buffer.from(content, 'utf8');
      // A short write is legal for any descriptor: write until every byte is out.
      for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  sweepStaleTemps(path);
}

/** A temp file older than this was left by a killed writer: no write takes this long. */
const STALE_TEMP_MS = 10 * 60_000;

/**
 * Removes the temp files of `path` that a writer killed between open and rename left behind
 * (`<name>.<pid>.<ms>.tmp`, older than ten minutes by the time in their name: a concurrent writer's
 * fresh temp file is never touched).
 */
function sweepStaleTemps(path: string): void {
  const name = basename(path);
  const dir = dirname(path);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  const now = Date.now();
  for (const other of names) {
    if (!other.startsWith(`${name}.`)) continue;
    const m = /^\.\d+\.(\d+)\.tmp$/.exec(other.slice(name.length));
    if (m && now - Number(m[1]) > STALE_TEMP_MS) rmSync(join(dir, other), { force: true });
  }
}

/** `writeSync` until every byte is written (a short write is legal for any descriptor). */
export function writeAll(fd: number, bytes: Uint8Array): void {
  for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
}

/** {@link writeAll} at `position` (pwrite): the descriptor's own offset neither counts nor moves. */
export function writeAllAt(fd: number, bytes: Uint8Array, position: number): void {
  for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off, position + off);
}

/** Appends one line (adds the newline) to a file, creating folders as needed. */
export function appendLine(path: string, line: string): void {
  ensureDir(dirname(path));
  appendFileSync(path, `${line}\n`, { mode: 0o600 });
}
