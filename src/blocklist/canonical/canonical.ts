/**
 * The canonical JSON form of a blocklist (`iocwall.blocklist/v1`): one order, one byte layout, one digest.
 *
 * - **Order.** Entries by type (`domain` before `ip`), domains by value in code-unit order, IPs
 *   numerically with IPv4 before IPv6. `sources` sorted by code unit. Rejected values by value, source,
 *   reason, detail (code units).
 * - **Keys.** Entries: `type, value, subdomains (domains), sources, firstSeen (when known), expiresAt`;
 *   rejected: `value, source, reason, detail (when present)`.
 * - **Digest.** `sha256:` + hex of `JSON.stringify(entries)` in that key order and sort order — the
 *   entries only, so `generatedAt` and `rejected` do not change it: two compiles that block the same
 *   things have the same digest. Check by hand: `jq -cj .entries FILE | sha256sum`.
 * - **Layout.** Compact JSON with one entry / rejected value per line (diff-friendly, valid JSON).
 *   Every line is made by line.ts; this module orders them and lays out the file around them.
 */
import {
  close,
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { FeedError } from '../../errors.js';
import { parseIpInterval } from '../../indicators/ip.js';
import { BodyThread } from '../engine/body-thread.js';
import { BodyHasher, ByteWriter } from '../engine/byte-writer.js';
import { compareCodeUnits } from '../aggregate/provenance.js';
import type { Blocklist, BlocklistEntry, RejectedValue } from '../types.js';
import { entryLine, lineSeparator, rejectedLine } from './line.js';
import { writeAll } from '../../util/atomic.js';
import { ensureDir } from '../../util/dirs.js';

/** The schema id written into every blocklist. */
export const BLOCKLIST_SCHEMA = 'iocwall.blocklist/v1';

/**
 * A blocklist as canonical lines, produced on demand: what `compile` writes without materialising entry
 * objects or holding the whole text. Both writers produce their lines with line.ts (the one formatter)
 * in the layout it describes; each call walks the lines again.
 */
export interface BlocklistDocument {
  generatedAt: string;
  /** The digest once known (`digestOf` computes and caches it; writing a file learns it too). */
  digest?: string;
  /** Writes the entry lines in canonical order and in the file layout (`\n` e1 `,\n` e2 … `\n`). */
  writeEntries(w: ByteWriter): void;
  /** Writes the rejected-value lines in canonical order, in the same layout. */
  writeRejected(w: ByteWriter): void;
  /** How many entries `writeEntries` writes, when known: big bodies are hashed on a second thread. */
  entryCount?: number;
}

/** The canonical line of one entry object (keys in canonical order, sources sorted). */
export function canonicalEntryJson(e: BlocklistEntry): string {
  const sources = JSON.stringify([...e.sources].sort(compareCodeUnits));
  const subdomains = e.type === 'domain' ? e.subdomains : undefined;
  return entryLine(e.type, JSON.stringify(e.value), sources, e.firstSeen, e.expiresAt, subdomains);
}

/** The canonical line of one rejected value. */
export function rejectedJson(r: RejectedValue): string {
  return rejectedLine(r.value, r.source, r.reason, r.detail);
}

/** Sort key of an IP value: family, then start address, then prefix. */
function ipKey(value: string): [number, bigint, number] {
  const iv = parseIpInterval(value);
  if (!iv) return [9, 0n, 0];
  return [iv.family, BigInt(iv.first), iv.prefix];
}

/** Canonical entry order: domains (code units) before IPs (IPv4 numerically, then IPv6). */
export function compareEntries(a: BlocklistEntry, b: BlocklistEntry): number {
  if (a.type !== b.type) return a.type === 'domain' ? -1 : 1;
  if (a.type === 'domain') return compareCodeUnits(a.value, b.value);
  const [fa, sa, pa] = ipKey(a.value);
  const [fb, sb, pb] = ipKey(b.value);
  if (fa !== fb) return fa - fb;
  if (sa !== sb) return sa < sb ? -1 : 1;
  return pa - pb || compareCodeUnits(a.value, b.value);
}

/** Canonical rejected order: value, source, reason, detail (code units). */
export function compareRejected(a: RejectedValue, b: RejectedValue): number {
  return (
    compareCodeUnits(a.value, b.value) ||
    compareCodeUnits(a.source, b.source) ||
    compareCodeUnits(a.reason, b.reason) ||
    compareCodeUnits(a.detail ?? '', b.detail ?? '')
  );
}

/** The digest of a document (walks its entries once, then cached on the document). */
export function digestOf(doc: BlocklistDocument): string {
  if (doc.digest === undefined) {
    const h = new BodyHasher();
    const w = new ByteWriter((bytes) => h.add(bytes));
    doc.writeEntries(w);
    w.flush();
    doc.digest = h.digest();
  }
  return doc.digest;
}

/** The digest of a list of entries (sorted and re-keyed canonically first, so input order does not matter). */
export function computeDigest(entries: readonly BlocklistEntry[]): string {
  return digestOf(documentOf(entries, [], ''));
}

/** Writes already formatted lines in the layout of line.ts. */
function writeLines(w: ByteWriter, lines: readonly string[]): void {
  for (let n = 0; n < lines.length; n++) {
    w.ascii(lineSeparator(n));
    w.utf8(lines[n] ?? '');
  }
  if (lines.length > 0) w.ascii('\n');
}

/** Builds the canonical document of a blocklist object (sorting entries, sources and rejected values). */
export function documentOf(
  entries: readonly BlocklistEntry[],
  rejected: readonly RejectedValue[],
  generatedAt: string,
): BlocklistDocument {
  const lines = [...entries].sort(compareEntries).map(canonicalEntryJson);
  const rejectedLines = [...rejected].sort(compareRejected).map(rejectedJson);
  return {
    generatedAt,
    writeEntries: (w) => writeLines(w, lines),
    writeRejected: (w) => writeLines(w, rejectedLines),
    entryCount: lines.length,
  };
}

function header(generatedAt: string, digest: string): string {
  return `{"schema":"${BLOCKLIST_SCHEMA}","generatedAt":${JSON.stringify(generatedAt)},"digest":"${digest}","entries":[`;
}

/**
 * Writes the whole canonical text of a document to `sink`, in pieces: the bytes handed over are the
 * writer's buffer, reused after `sink` returns (copy what you keep). The digest is computed first (one
 * pass over the entries) so the header can carry it; `--json` prints through this, `--out` writes the
 * same bytes through {@link writeBlocklistAtomic}.
 */
export function writeDocument(doc: BlocklistDocument, sink: (bytes: Buffer) => void): void {
  const w = new ByteWriter(sink);
  w.utf8(header(doc.generatedAt, digestOf(doc)));
  doc.writeEntries(w);
  writeTail(w, doc.writeRejected.bind(doc));
}

/** The whole canonical text of a document. */
export function documentText(doc: BlocklistDocument): string {
  const parts: Buffer[] = [];
  writeDocument(doc, (bytes) => parts.push(Buffer.from(bytes)));
  return Buffer.concat(parts).toString('utf8');
}

/** Canonical text of a blocklist object (re-sorted, digest recomputed). */
export function serializeBlocklist(blocklist: Blocklist): string {
  return documentText(documentOf(blocklist.entries, blocklist.rejected, blocklist.generatedAt));
}

/**
 * Writes a blocklist (object or document) atomically: a temp file beside the target, fsync, rename,
 * then fsync of the folder. A reader sees the old file or the new one, never a half-written one.
 * Entries are streamed in one pass while being hashed; the digest is then written into its place in
 * the header (a fixed-width field), so a million entries never sit in memory as one text.
 */
export function writeBlocklistAtomic(path: string, blocklist: Blocklist | BlocklistDocument): void {
  const doc =
    'writeEntries' in blocklist
      ? blocklist
      : documentOf(blocklist.entries, blocklist.rejected, blocklist.generatedAt);
  const dir = dirname(path);
  const tmp = `${path}.${process.pid}.tmp`;
  let fd: number | undefined;
  try {
    ensureDir(dir);
    fd = openSync(tmp, 'w', 0o644);
    const placeholder = `sha256:${'0'.repeat(64)}`;
    const head = Buffer.from(header(doc.generatedAt, placeholder), 'utf8');
    writeAll(fd, head);
    const digest = writeBody(fd, head.length, doc);
    if (doc.digest !== undefined && doc.digest !== digest) throw new Error(`digest changed while writing`);
    doc.digest = digest;
    writeSync(fd, digest, head.length - Buffer.byteLength(`${placeholder}","entries":[`));
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    const previous = holdPrevious(path);
    renameSync(tmp, path);
    // The file replaced is freed when its last descriptor closes: on libuv's pool, while this
    // thread finishes the command (freeing 70 MB of page cache and blocks took ~50 ms in rename).
    if (previous !== undefined) close(previous, () => undefined);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw new FeedError(
      `cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  try {
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    // Folder fsync is best effort (not supported on every platform).
  }
}

/**
 * A read-only descriptor on the regular file at `path` that the rename will replace, so that the
 * rename does not free it (its blocks and cached pages) on this thread; undefined when there is none,
 * it is something else (a FIFO would block the open: hence O_NONBLOCK; a symbolic link is replaced
 * itself, not its target: hence O_NOFOLLOW), or it cannot be opened. The rename then works as before.
 */
function holdPrevious(path: string): number | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
    if (fstatSync(fd).isFile()) return fd;
  } catch {
    // Nothing to hold: the rename replaces whatever is there, as it always did.
  }
  if (fd !== undefined) closeSync(fd);
  return undefined;
}

/**
 * Writes entries and rejected values after the header (`headLength` bytes, the descriptor's offset is
 * there); returns the digest of the entries.
 */
function writeBody(fd: number, headLength: number, doc: BlocklistDocument): string {
  const writeRejected = doc.writeRejected.bind(doc);
  const thread =
    (doc.entryCount ?? 0) >= BODY_THREAD_MIN_ENTRIES ? BodyThread.start(fd, headLength) : undefined;
  if (thread !== undefined) return writeBytesOffThread(thread, doc.writeEntries.bind(doc), writeRejected);
  const hasher = new BodyHasher();
  const entries = new ByteWriter((bytes) => {
    writeAll(fd, bytes);
    hasher.add(bytes);
  });
  doc.writeEntries(entries);
  entries.flush();
  const rest = new ByteWriter((bytes) => writeAll(fd, bytes));
  writeTail(rest, writeRejected);
  return hasher.digest();
}

/** Entries from which the body is written and hashed on a second thread (body-thread.ts). */
const BODY_THREAD_MIN_ENTRIES = 50_000;

/**
 * Input bytes from which a compile is likely to produce {@link BODY_THREAD_MIN_ENTRIES} entries
 * (a plain list runs at 14-16 bytes a line), so that starting the writer thread early pays.
 */
export const BIG_BODY_INPUT_BYTES = 1024 * 1024;

/**
 * Starts the thread a big {@link writeBlocklistAtomic} will write through now, so that its start-up
 * overlaps the compile instead of delaying the write. Harmless when the write turns out small.
 */
export function startBodyWriterAhead(): void {
  BodyThread.startAhead();
}

/** {@link writeBody}'s byte path with the writing and hashing on `thread`. */
function writeBytesOffThread(
  thread: BodyThread,
  writeEntries: (w: ByteWriter) => void,
  writeRejected: (w: ByteWriter) => void,
): string {
  try {
    const entries = thread.writer(true);
    writeEntries(entries);
    entries.flush();
    writeTail(thread.writer(false), writeRejected);
    return thread.finish();
  } catch (err) {
    thread.abort();
    throw err;
  }
}

/** Everything after the entries: the rejected values and the end of the document. */
function writeTail(w: ByteWriter, writeRejected: (w: ByteWriter) => void): void {
  w.ascii('],"rejected":[');
  writeRejected(w);
  w.ascii(']}\n');
  w.flush();
}
