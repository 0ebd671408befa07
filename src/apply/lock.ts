/**
 * Per-target locks against overlapping runs (a nightly sync and a manual push at the same moment).
 *
 * The lock is a Unix domain socket at `<stateDir>/locks/<target>.lock` that the holding run listens on.
 * It dies with its holder: when the process ends, however it ends (SIGKILL included), the kernel closes the
 * listening socket, and a connect to the path is refused. So liveness is a connect, not a PID: a PID
 * proves nothing in a container (every run is PID 1) or across PID namespaces, and a connect to a live
 * holder succeeds from any PID namespace that sees the same folder on the same host.
 *
 * Taking a lock is `bind()`, which fails when the path exists: only one run can create it. A stale lock
 * (a socket nobody listens on, or an old-style lock file) is first renamed to a name of our own, which is
 * atomic, and the renamed socket is probed again: if a newer run had meanwhile taken the lock, the live
 * socket we moved is put back and we are refused, so taking over never deletes a live lock. A run takes
 * the lock by hard-linking a socket of its own name to the path (create-if-absent, atomic), and releases
 * it by renaming the path aside and unlinking it only when it is its own socket (same inode).
 *
 * A holder that answers but is stuck (it will never finish) can be overridden with `--break-lock`: the
 * operator asserts that the other run must not continue. Locks are host-local: a state folder shared by
 * two machines over a network file system is not supported (a socket cannot be probed across hosts).
 *
 * A socket address is short (about 100 bytes): under a deep state folder, bind and connect go through a
 * short alias of the locks folder (`lock-address.ts`); the sockets stay in `<stateDir>/locks/`.
 */
import { linkSync, lstatSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { TargetLockedError } from '../errors.js';
import { ensureDir } from '../util/dirs.js';
import { lockAddress, type LockAddress } from './lock-address.js';

/** Options of `withTargetLock`. */
export interface LockOptions {
  /** Take the lock even from a holder that still answers (`--break-lock`). */
  breakLock?: boolean;
  /** Reports a lock taken over (stale, or broken with `breakLock`), for the log. */
  onTakeover?: (detail: { target: string; broken: boolean }) => void;
}

/**
 * What the body of `withTargetLock` is given: a way to find out, before something that must not happen
 * twice (the writes to a device), that another run broke this lock with `--break-lock` meanwhile.
 */
export interface LockLease {
  /** Throws TargetLockedError when the lock path is no longer this run's socket. */
  assertHeld(): void;
}

/** What a holder says about itself when probed (shown in the refusal only; never trusted for liveness). */
const holderSchema = z.object({
  pid: z.number().int().optional(),
  host: z.string().max(255).optional(),
  since: z.string().max(64).optional(),
});
type HolderInfo = z.infer<typeof holderSchema>;

/** Locks this process holds (a target listed twice in one run is refused, not deadlocked). */
const heldHere = new Set<string>();

type Probe = { state: 'alive'; holder: HolderInfo } | { state: 'dead' } | { state: 'gone' };

/**
 * Connects to the lock path `path` (at its socket address): alive when something listens, dead when
 * refused, gone when absent. A connect that finds nothing while the path is there went through an alias a
 * concurrent run had just pruned: it is tried once more, through the alias made again.
 */
async function probe(a: LockAddress, path: string): Promise<Probe> {
  const first = await connectTo(a.socket(path));
  return first.state === 'gone' && present(path) ? connectTo(a.socket(path)) : first;
}

function present(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function connectTo(socketPath: string): Promise<Probe> {
  return new Promise((resolve) => {
    let data = '';
    let connected = false;
    const socket = createConnection({ path: socketPath });
    const done = (p: Probe): void => {
      socket.destroy();
      resolve(p);
    };
    // A live holder whose event loop is busy still accepts (the kernel's backlog): the connect is the
    // proof of life, the record it sends is only for the message.
    socket.setTimeout(2000, () => done({ state: 'alive', holder: {} }));
    socket.on('connect', () => (connected = true));
    socket.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
    socket.on('end', () => done({ state: 'alive', holder: parseHolder(data) }));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (connected) done({ state: 'alive', holder: parseHolder(data) });
      else done(err.code === 'ENOENT' ? { state: 'gone' } : { state: 'dead' });
    });
  });
}

function parseHolder(text: string): HolderInfo {
  try {
    const parsed = holderSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

function describeHolder(h: HolderInfo): string {
  const who = [h.pid !== undefined ? `pid ${h.pid}` : '', h.host ? `on ${h.host}` : '']
    .filter(Boolean)
    .join(' ');
  return `${who || 'unknown process'}${h.since ? `, since ${h.since}` : ''}`;
}

/** Listens on a fresh socket at the address `socketPath` (a name nobody else uses). */
function listen(socketPath: string, info: HolderInfo): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => {
      socket.on('error', () => undefined);
      socket.end(JSON.stringify(info));
    });
    server.once('error', reject);
    server.listen({ path: socketPath, exclusive: true }, () => resolve(server));
  });
}

/**
 * Takes the lock: listens on a socket of our own name, then hard-links it to the lock path, which fails
 * when the path exists (atomic create-if-absent). Our own name is unlinked at once; libuv's unlink of it on
 * close then finds nothing, so closing never touches the lock path. Null when the lock is taken.
 */
async function take(a: LockAddress, info: HolderInfo): Promise<{ server: Server; ino: number } | null> {
  const own = a.temp('new');
  // ENOENT: the alias was pruned by a concurrent run in between; `socket()` makes it again.
  const server = await listen(a.socket(own), info).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return listen(a.socket(own), info);
    throw err;
  });
  try {
    const ino = statSync(own).ino;
    linkSync(own, a.path);
    return { server, ino };
  } catch (err) {
    await closeServer(server);
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return null;
    throw err;
  } finally {
    unlinkQuietly(own);
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Moves whatever is at the lock path aside; returns the new name, or null when nothing was there. */
function moveAside(a: LockAddress): string | null {
  const aside = a.temp('stale');
  try {
    renameSync(a.path, aside);
    return aside;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

/**
 * Removes the lock at `path` when it is stale (or `force`), without ever removing a lock another run took
 * in the meantime. Returns the holder when a live one is (still) there and it was not forced.
 */
async function clearStale(a: LockAddress, force: boolean): Promise<HolderInfo | null> {
  const first = await probe(a, a.path);
  if (first.state === 'gone') return null;
  if (first.state === 'alive' && !force) return first.holder;
  const aside = moveAside(a);
  if (aside === null) return null;
  const moved = await probe(a, aside);
  if (moved.state === 'alive' && (first.state !== 'alive' || !force)) {
    // We moved a lock a newer run took after our first probe: put it back, unless yet another run has
    // already taken the path (then that one holds it and the newer run keeps its socket open, aside).
    try {
      linkSync(aside, a.path);
    } catch {
      // The path is taken again: nothing to restore.
    }
    unlinkQuietly(aside);
    return moved.holder;
  }
  unlinkQuietly(aside);
  return null;
}

/** Runs `fn` while holding the lock of `target` (see the module comment). */
export async function withTargetLock<T>(
  stateDir: string,
  target: string,
  fn: (lease: LockLease) => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const dir = join(stateDir, 'locks');
  ensureDir(dir);
  const address = lockAddress(dir, target);
  const path = address.path;
  if (heldHere.has(path))
    throw new TargetLockedError(`target ${target} is already being processed in this run`);
  const info: HolderInfo = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  let held: { server: Server; ino: number } | null = null;
  for (let attempt = 0; attempt < 5; attempt++) {
    held = await take(address, info);
    if (held !== null) break;
    const holder = await clearStale(address, options.breakLock === true);
    if (holder) {
      throw new TargetLockedError(
        `target ${target} is locked by another iocwall run (${describeHolder(holder)}); if that run is stuck, stop it or pass --break-lock`,
      );
    }
    options.onTakeover?.({ target, broken: options.breakLock === true });
  }
  if (held === null) throw new TargetLockedError(`target ${target} is locked (${path})`);
  heldHere.add(path);
  const { ino } = held;
  const lease: LockLease = {
    assertHeld: () => {
      let ours: boolean;
      try {
        ours = statSync(path).ino === ino;
      } catch {
        ours = false;
      }
      // A run told it was stuck (SIGSTOP, a hung device) must not go on writing once resumed: the run
      // that broke its lock is writing the same objects, and two writers left duplicates behind.
      if (!ours)
        throw new TargetLockedError(
          `target ${target}: another run took this run's lock (--break-lock) while it waited; nothing more is sent`,
        );
    },
  };
  try {
    return await fn(lease);
  } finally {
    heldHere.delete(path);
    release(address, held.ino);
    await closeServer(held.server);
  }
}

/**
 * Removes the lock path only when it is still our socket: it is renamed aside first (atomic), and what
 * was moved is put back when it is another run's lock (one that broke ours with --break-lock).
 */
function release(a: LockAddress, ino: number): void {
  const aside = moveAside(a);
  if (aside === null) return;
  let ours: boolean;
  try {
    ours = statSync(aside).ino === ino;
  } catch {
    ours = false;
  }
  if (!ours) {
    try {
      linkSync(aside, a.path);
    } catch {
      // The path is taken again: that run holds the lock.
    }
  }
  unlinkQuietly(aside);
}

/** How long `withStateLock` waits for another run's short hold before it gives up. */
const STATE_LOCK_WAIT_MS = 30_000;

/** Calls of `withStateLock` in this process, one after another (the socket lock refuses a second). */
const stateQueues = new Map<string, Promise<unknown>>();

/**
 * Runs `fn` while holding the lock `name` of the state folder, waiting (up to 30 s) for a holder in this
 * process or another run: for a read-modify-write of a file several runs share, such as `pushed.json`,
 * which each run holds for milliseconds. Target locks refuse at once; this one waits, because its holder
 * is never a long run. `name` starts with a dot, so it can never be a target's (targets start with a
 * letter or digit).
 */
export async function withStateLock<T>(stateDir: string, name: `.${string}`, fn: () => T): Promise<T> {
  const key = join(stateDir, name);
  const before = stateQueues.get(key) ?? Promise.resolve();
  const mine = before.then(async () => {
    for (const started = Date.now(); ;) {
      try {
        return await withTargetLock(stateDir, name, () => Promise.resolve().then(fn));
      } catch (err) {
        if (!(err instanceof TargetLockedError) || Date.now() - started > STATE_LOCK_WAIT_MS) throw err;
        await new Promise((r) => setTimeout(r, 25 + Math.random() * 75));
      }
    }
  });
  stateQueues.set(
    key,
    mine.catch(() => undefined),
  );
  return mine;
}
