/**
 * Child processes that hold locks in the lock tests: their first line of output, their exit, and
 * breaking their lock.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { expect } from 'vitest';
import { withTargetLock } from '../../src/apply/lock.js';

/** The first line a child prints (or what it printed before it exited). */
export function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    child.on('exit', () => resolve(out.trim() || 'exited without output'));
    child.on('error', reject);
  });
}

/** Resolves when the child has exited (at once when it already has). */
export function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve() : child.on('exit', () => resolve())));
}

/**
 * Takes the lock of `target` under `dir` from the live `holder` with `--break-lock` semantics and
 * checks that it was broken, then lets the holder go.
 */
export async function expectBreakLockFrom(holder: ChildProcess, dir: string, target: string): Promise<void> {
  const taken: boolean[] = [];
  const result = await withTargetLock(dir, target, () => Promise.resolve('broken'), {
    breakLock: true,
    onTakeover: ({ broken }) => taken.push(broken),
  });
  expect(result).toBe('broken');
  expect(taken).toEqual([true]);
  holder.stdin!.end();
  await exited(holder);
}

const LOCK_MODULE = new URL('../../dist/src/apply/lock.js', import.meta.url).href;

/**
 * Another iocwall run (a child process with the built lock module) that breaks the lock of `target` under
 * `stateDir` with `--break-lock`, does nothing under it, and ends; resolves once it has.
 */
export async function breakLockInChild(stateDir: string, target: string): Promise<void> {
  const breaker = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { withTargetLock } from ${JSON.stringify(LOCK_MODULE)};
       await withTargetLock(process.argv[1], process.argv[2], async () => process.stdout.write('broke\\n'), { breakLock: true });`,
      stateDir,
      target,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  expect(await firstLine(breaker)).toBe('broke');
  await exited(breaker);
}
