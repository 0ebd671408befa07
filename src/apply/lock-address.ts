/**
 * Where a lock's sockets are bound and connected. A socket address (`sockaddr_un.sun_path`) holds at most
 * 107 bytes on Linux and 103 on macOS, far less than a file path, so a deep `stateDir` cannot name its lock
 * sockets directly. Only `bind()` and `connect()` have that limit: every other call on the lock (link,
 * rename, stat, unlink) takes the real path.
 *
 * When the real names are too long, bind and connect go through a short alias instead:
 * `<tmpdir>/iocwall-<uid>/<hash>/<name>`, where `<hash>` is a symlink to the real `<stateDir>/locks`
 * folder. The kernel follows symlinks in the directory part of a socket address, so the socket is created
 * in, and found in, the real locks folder: two runs on the same state folder still meet there whatever
 * alias (or none) each of them used, the lock still dies with its holder, and `--break-lock` still finds
 * it. The alias folder is private to the user (mode 0700, owned by us, checked with lstat, so not a symlink
 * someone planted), as a symlink there decides where our sockets go. Not a path relative to a short
 * working directory (`chdir` is process-wide) and not Linux abstract sockets (one name space per network
 * namespace, not per state folder).
 *
 * Aliases are reused, one per locks folder, and would pile up on a machine that ran many state folders
 * (tests, one per customer). So making an alias also removes the sibling aliases whose locks folder is
 * gone (see `pruneDangling`). A run that was about to use an alias a concurrent run just removed loses
 * nothing: `socket()` makes the alias again, and the lock retries a bind or connect that found no alias.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  type Stats,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  renameSync,
  statSync,
  symlinkSync,
  unlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { ConfigError } from '../errors.js';

/** The longest socket address every platform binds (macOS 103 bytes, Linux 107). */
export const MAX_SOCKET_ADDRESS = 103;

/** The suffix of our temporary names: `.` + 12 hex digits + `.stale` (the longer of `.new`/`.stale`). */
const TEMP_SUFFIX_BYTES = 19;

/** How one lock is named on disk and addressed on the socket layer. */
export interface LockAddress {
  /** The lock path, `<stateDir>/locks/<target>.lock` (for link, rename, stat, unlink). */
  path: string;
  /** A fresh name in the locks folder for our own socket (`new`) or a lock moved aside (`stale`). */
  temp(kind: 'new' | 'stale'): string;
  /** The address to bind or connect for `path` or a `temp()` name: itself, or through the short alias. */
  socket(path: string): string;
}

/** The names of the lock of `target` in the locks folder `dir` (the alias is made when needed). */
export function lockAddress(dir: string, target: string): LockAddress {
  const path = join(dir, `${target}.lock`);
  if (Buffer.byteLength(path) + TEMP_SUFFIX_BYTES <= MAX_SOCKET_ADDRESS) {
    return {
      path,
      temp: (kind) => `${path}.${randomBytes(6).toString('hex')}.${kind}`,
      socket: (p) => p,
    };
  }
  const { alias, ensure } = aliasFolder(dir);
  // Short temporary names: the target's name may take up most of the room by itself.
  const temp = (kind: 'new' | 'stale'): string => join(dir, `${randomBytes(6).toString('hex')}.${kind}`);
  const longest = Math.max(Buffer.byteLength(`${target}.lock`), Buffer.byteLength(basename(temp('stale'))));
  if (Buffer.byteLength(alias) + 1 + longest > MAX_SOCKET_ADDRESS) {
    throw new ConfigError(
      `the lock socket of target ${target} needs more than ${MAX_SOCKET_ADDRESS} bytes even through ${alias}: set TMPDIR to a shorter folder`,
    );
  }
  // Made again when a concurrent run pruned it since (its locks folder was briefly gone, or a race).
  const socket = (p: string): string => {
    ensure();
    return join(alias, basename(p));
  };
  return { path, temp, socket };
}

/** The user's private folder under the temp folder, made if absent; refused unless it is safe. */
function privateFolder(): string {
  const uid = process.getuid?.();
  if (uid === undefined)
    throw new ConfigError('lock paths under a deep stateDir need a POSIX system: use a shorter stateDir');
  const parent = tmpdir();
  const folder = join(parent, `iocwall-${uid}`);
  // Whoever may rename entries of the parent could swap the folder after our check: its owner, and anyone
  // who may write there unless the sticky bit keeps them from renaming what is ours (as on /tmp).
  let p: Stats;
  try {
    p = statSync(parent);
  } catch (err) {
    throw lockFolderError(parent, err);
  }
  const parentProblem =
    p.uid !== uid && p.uid !== 0
      ? `is owned by uid ${p.uid}`
      : (p.mode & 0o022) !== 0 && (p.mode & 0o1000) === 0
        ? 'is writable by group or others without the sticky bit'
        : null;
  if (parentProblem !== null) {
    throw new ConfigError(`the temp folder ${parent} ${parentProblem}: set TMPDIR to a folder of your own`);
  }
  try {
    mkdirSync(folder, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw lockFolderError(folder, err);
  }
  const st = lstatSync(folder);
  const problem = !st.isDirectory()
    ? 'is not a directory (a symlink or a file)'
    : st.uid !== uid
      ? `is owned by uid ${st.uid}, not ${uid}`
      : (st.mode & 0o022) !== 0
        ? 'is writable by group or others'
        : null;
  if (problem !== null) {
    throw new ConfigError(
      `the private lock folder ${folder} ${problem}: remove it (iocwall makes it again, mode 0700) or set TMPDIR`,
    );
  }
  return folder;
}

/**
 * `<private folder>/<hash of the locks folder>`, a symlink to the locks folder, and how to make sure it is
 * there. Made (or repaired) with a rename over it, which is atomic, so concurrent runs never see it
 * half-made; making it prunes the dangling siblings.
 */
function aliasFolder(dir: string): { alias: string; ensure: () => void } {
  const real = resolve(dir);
  const hash = createHash('sha256').update(real).digest('base64url').slice(0, 12);
  const folder = privateFolder();
  const alias = join(folder, hash);
  const ensure = (): void => {
    if (readlinkQuietly(alias) === real) return;
    const fresh = join(folder, `${hash}.${randomBytes(6).toString('hex')}`);
    try {
      symlinkSync(real, fresh);
      renameSync(fresh, alias);
    } catch (err) {
      unlinkQuietly(fresh);
      throw lockFolderError(alias, err);
    }
    pruneDangling(folder, hash);
  };
  ensure();
  return { alias, ensure };
}

/** Our names in the private folder: an alias (12 base64url characters), or one a killed run left half-made. */
const ALIAS_NAME = /^[A-Za-z0-9_-]{12}(?:\.[0-9a-f]{12})?$/;

/**
 * Removes the aliases in `folder` (other than `keep`) whose locks folder no longer exists: its state folder
 * was deleted, so no run can hold or take a lock through it. Only a symlink of ours with one of our names
 * is ever removed; one whose target exists (or cannot be told) stays. A run that makes the same state
 * folder again, or uses the alias at that moment, makes the alias again (see the module comment).
 */
function pruneDangling(folder: string, keep: string): void {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return; // Pruning is housekeeping: it never fails a run.
  }
  const uid = process.getuid?.();
  for (const name of names) {
    if (name === keep || !ALIAS_NAME.test(name)) continue;
    const path = join(folder, name);
    try {
      const link = lstatSync(path);
      if (!link.isSymbolicLink() || link.uid !== uid) continue;
    } catch {
      continue; // Gone already (a concurrent run pruned or renamed it).
    }
    try {
      statSync(path); // Follows the link: the locks folder is still there.
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') unlinkQuietly(path);
    }
  }
}

function readlinkQuietly(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch {
    return null;
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Never made.
  }
}

function lockFolderError(path: string, err: unknown): ConfigError {
  const code = (err as NodeJS.ErrnoException).code ?? String(err);
  return new ConfigError(`cannot use ${path} for lock aliases: ${code}`, { cause: err });
}
