/**
 * Per-target locks against overlapping runs (a nightly sync and a manual push at the same moment).
 * A lock is a file created exclusively; a lock left by a dead process is taken over.
 */
import { openSync, closeSync, writeSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { TargetLockedError } from '../errors.js';
import { ensureDir } from '../util/dirs.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs `fn` while holding the lock of `target`. */
export async function withTargetLock<T>(stateDir: string, target: string, fn: () => Promise<T>): Promise<T> {
  const dir = join(stateDir, 'locks');
  ensureDir(dir);
  const path = join(dir, `${target}.lock`);
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, JSON.stringify({ pid: process.pid, since: new Date().toISOString() }));
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0)
        throw lockedError(path, target, err);
      let holder: { pid?: number } = {};
      try {
        holder = JSON.parse(readFileSync(path, 'utf8')) as { pid?: number };
      } catch {
        // Unreadable lock content: treat as stale below.
      }
      if (typeof holder.pid === 'number' && holder.pid !== process.pid && isAlive(holder.pid)) {
        throw new TargetLockedError(`target ${target} is locked by another iocwall run (pid ${holder.pid})`);
      }
      if (holder.pid === process.pid)
        throw new TargetLockedError(`target ${target} is already being processed in this run`);
      unlinkSync(path);
    }
  }
  try {
    return await fn();
  } finally {
    try {
      unlinkSync(path);
    } catch {
      // Already gone: nothing to release.
    }
  }
}

function lockedError(path: string, target: string, cause: unknown): Error {
  if (cause instanceof TargetLockedError) return cause;
  return new TargetLockedError(`target ${target} is locked (${path})`);
}
