/**
 * Locks under a deep state folder: a socket address holds about 100 bytes, so a ~200-byte `stateDir` used
 * to be refused. Its locks now bind and connect through a short alias of the locks folder, in a private
 * folder under TMPDIR, while the socket itself stays in `<stateDir>/locks/`. Holders are real child
 * processes running the built module (`npm test` builds first), as separate iocwall runs are.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockAddress } from '../../src/apply/lock-address.js';
import { withTargetLock } from '../../src/apply/lock.js';
import { ConfigError, TargetLockedError } from '../../src/errors.js';
import { exited, expectBreakLockFrom, firstLine } from './child-process.js';

const LOCK_MODULE = new URL('../../dist/src/apply/lock.js', import.meta.url).href;

/** A child run: takes the lock of `target` under `dir`, prints `won` and holds it until stdin closes. */
const HOLDER = `
import { withTargetLock } from ${JSON.stringify(LOCK_MODULE)};
const [dir, target] = process.argv.slice(1);
try {
  await withTargetLock(dir, target, async () => {
    process.stdout.write('won\\n');
    await new Promise((r) => { process.stdin.on('end', r); process.stdin.resume(); });
  });
} catch (err) {
  process.stdout.write(err.name + ': ' + err.message + '\\n');
}
`;

/** 48 characters: with a short TMPDIR the alias address still fits. */
const TARGET = `fw-${'x'.repeat(45)}`;
const uid = process.getuid!();
const children: ChildProcess[] = [];
let tmp: string;
let savedTmpdir: string | undefined;

beforeEach(() => {
  // A private, short TMPDIR, so the test sees (and may spoil) the alias folder without touching /tmp's.
  tmp = mkdtempSync('/tmp/iw-');
  savedTmpdir = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
});

afterEach(() => {
  if (savedTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmpdir;
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

/** A state folder whose lock path is about 200 bytes long. */
function deepStateDir(top = 'state'): string {
  const dir = join(tmp, top, 'a'.repeat(60), 'b'.repeat(60), 'c'.repeat(20));
  mkdirSync(dir, { recursive: true });
  expect(Buffer.byteLength(join(dir, 'locks', `${TARGET}.lock`))).toBeGreaterThan(190);
  return dir;
}

function startHolder(dir: string): ChildProcess {
  const child = spawn(process.execPath, ['--input-type=module', '-e', HOLDER, dir, TARGET], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, TMPDIR: tmp },
  });
  children.push(child);
  return child;
}

describe('locks under a deep stateDir', () => {
  it('excludes a second run, keeps its socket in <stateDir>/locks/, and is taken over once the holder is SIGKILLed', async () => {
    const dir = deepStateDir();
    const holder = startHolder(dir);
    expect(await firstLine(holder)).toBe('won');
    const lock = join(dir, 'locks', `${TARGET}.lock`);
    expect(lstatSync(lock).isSocket()).toBe(true);
    // Another process and this one are both refused while the holder lives.
    expect(await firstLine(startHolder(dir))).toMatch(/^TargetLockedError: .*locked by another iocwall run/);
    await expect(withTargetLock(dir, TARGET, () => Promise.resolve(1))).rejects.toThrow(TargetLockedError);
    expect(lstatSync(lock).isSocket()).toBe(true);
    // The alias is a symlink to the real locks folder in a private folder; it holds no socket itself.
    const alias = join(tmp, `iocwall-${uid}`);
    expect(lstatSync(alias).mode & 0o777).toBe(0o700);
    const links = readdirSync(alias);
    expect(links).toHaveLength(1);
    expect(lstatSync(join(alias, links[0]!)).isSymbolicLink()).toBe(true);
    holder.kill('SIGKILL');
    await exited(holder);
    expect(existsSync(lock)).toBe(true);
    const seen = await withTargetLock(dir, TARGET, () =>
      Promise.resolve(lstatSync(lock).isSocket() && readdirSync(join(dir, 'locks'))),
    );
    expect(seen).toEqual([`${TARGET}.lock`]);
    expect(existsSync(lock)).toBe(false);
  });

  it('--break-lock takes the lock from a live holder under a deep stateDir', async () => {
    const dir = deepStateDir();
    const holder = startHolder(dir);
    expect(await firstLine(holder)).toBe('won');
    await expectBreakLockFrom(holder, dir, TARGET);
  });

  it('a short stateDir binds its lock directly: no alias folder is made', async () => {
    const dir = mkdtempSync(join(tmp, 's-'));
    expect(await withTargetLock(dir, 'fw1', () => Promise.resolve('ok'))).toBe('ok');
    expect(existsSync(join(tmp, `iocwall-${uid}`))).toBe(false);
  });

  it('refuses an alias folder that others could write to or swap, or that is a symlink, and binds nothing', async () => {
    const dir = deepStateDir();
    const alias = join(tmp, `iocwall-${uid}`);
    mkdirSync(alias);
    chmodSync(alias, 0o777);
    const attempt = (): Promise<unknown> => withTargetLock(dir, TARGET, () => Promise.resolve('ran'));
    await expect(attempt()).rejects.toThrow(ConfigError);
    await expect(attempt()).rejects.toThrow(
      /private lock folder .*iocwall-\d+ is writable by group or others/,
    );
    chmodSync(alias, 0o700);
    if (uid === 0) {
      // Owned by someone else (only root can hand a folder to another user).
      chownSync(alias, 65534, 65534);
      await expect(attempt()).rejects.toThrow(/is owned by uid 65534/);
      chownSync(alias, 0, 0);
    }
    const elsewhere = mkdtempSync(join(tmp, 'elsewhere-'));
    const planted = mkdtempSync(join(tmp, 'p-'));
    const spoiled = join(planted, `iocwall-${uid}`);
    symlinkSync(elsewhere, spoiled);
    process.env.TMPDIR = planted;
    await expect(attempt()).rejects.toThrow(/is not a directory \(a symlink or a file\)/);
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(readdirSync(join(dir, 'locks'))).toEqual([]);
    // A temp folder anyone may write to without the sticky bit: the folder could be swapped after the check.
    const open = mkdtempSync(join(tmp, 'open-'));
    chmodSync(open, 0o777);
    process.env.TMPDIR = open;
    await expect(attempt()).rejects.toThrow(/writable by group or others without the sticky bit/);
    chmodSync(open, 0o1777);
    expect(await attempt()).toBe('ran');
    // Made safe again, the same lock is taken.
    process.env.TMPDIR = tmp;
    expect(await attempt()).toBe('ran');
  });

  it('prunes the aliases of deleted state folders when it makes one, and keeps the live ones and all else', async () => {
    const folder = join(tmp, `iocwall-${uid}`);
    const run = (dir: string): Promise<string> => withTargetLock(dir, TARGET, () => Promise.resolve('ran'));
    const [gone, live] = [deepStateDir('gone'), deepStateDir('live')];
    expect([await run(gone), await run(live)]).toEqual(['ran', 'ran']);
    const target = (name: string): string | null =>
      lstatSync(join(folder, name)).isSymbolicLink() ? readlinkSync(join(folder, name)) : null;
    const aliasOf = (dir: string): string =>
      readdirSync(folder).find((n) => target(n) === join(dir, 'locks'))!;
    const [goneAlias, liveAlias] = [aliasOf(gone), aliasOf(live)];
    // Left alone whatever their state: not a symlink, not one of our names, a live alias.
    writeFileSync(join(folder, 'AAAAAAAAAAAA'), 'a file with an alias name');
    symlinkSync(join(tmp, 'nowhere'), join(folder, 'someone.else'));
    // A run killed between making its fresh link and renaming it over the alias left this one.
    symlinkSync(join(tmp, 'nowhere'), join(folder, 'BBBBBBBBBBBB.0123456789ab'));
    rmSync(join(tmp, 'gone'), { recursive: true });
    // Reusing an alias prunes nothing; making one prunes.
    expect(await run(live)).toBe('ran');
    expect(readdirSync(folder)).toContain(goneAlias);
    const third = deepStateDir('third');
    expect(await run(third)).toBe('ran');
    expect(readdirSync(folder).sort()).toEqual(
      ['AAAAAAAAAAAA', aliasOf(third), liveAlias, 'someone.else'].sort(),
    );
    expect(target(liveAlias)).toBe(join(live, 'locks'));
    // The deleted state folder comes back: its alias is made again.
    expect(await run(deepStateDir('gone'))).toBe('ran');
    expect(target(goneAlias)).toBe(join(gone, 'locks'));
  });

  it('makes the alias again when a concurrent run pruned it, and a live holder is still found', async () => {
    const dir = deepStateDir();
    const holder = startHolder(dir);
    expect(await firstLine(holder)).toBe('won');
    const address = lockAddress(join(dir, 'locks'), TARGET);
    const folder = join(tmp, `iocwall-${uid}`);
    const [alias] = readdirSync(folder);
    // Pruned after this run resolved its address, as a run that saw the locks folder gone would.
    unlinkSync(join(folder, alias!));
    expect(address.socket(address.path)).toBe(join(folder, alias!, `${TARGET}.lock`));
    expect(lstatSync(join(folder, alias!)).isSymbolicLink()).toBe(true);
    unlinkSync(join(folder, alias!));
    await expect(withTargetLock(dir, TARGET, () => Promise.resolve(1))).rejects.toThrow(
      /locked by another iocwall run/,
    );
  });

  it('says to shorten TMPDIR when even the alias is too long', async () => {
    const dir = deepStateDir();
    const deepTmp = join(tmp, 'd'.repeat(60));
    mkdirSync(deepTmp, { mode: 0o700 });
    process.env.TMPDIR = deepTmp;
    await expect(withTargetLock(dir, TARGET, () => Promise.resolve(1))).rejects.toThrow(
      /needs more than 103 bytes even through .*: set TMPDIR to a shorter folder/,
    );
  });
});
