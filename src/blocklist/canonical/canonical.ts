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
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { FeedError } from '../../errors.js';
import { parseIpInterval } from '../../indicators/ip.js';
import { BodyThread } from '../engine/body-thread.js';
import { BodyHasher, ByteWriter } from '../engine/byte-writer.js';
import { compareCodeUnits } from '../aggregate/provenance.js';
import type { Blocklist, BlocklistEntry, RejectedValue } from '../types.js';
import { writeAll } from '../../util/atomic.js';
import { ensureDir } from '../../util/dirs.js';

/** The schema id written into every blocklist. */
export const BLOCKLIST_SCHEMA = 'iocwall.blocklist/v1';

/**
 * A blocklist as canonical lines, produced on demand: what `compile` writes without materialising entry
 * objects or holding the whole text. Each call of `entryChunks`/`rejectedChunks` walks the lines again.
 */
export interface BlocklistDocument {
  generatedAt: string;
  /** The digest once known (`digestOf` computes and caches it; writing a file learns it too). */
  digest?: string;
  /** Canonical entry lines in canonical order, in chunks (arrays of lines). */
  entryChunks(): Iterable<readonly string[]>;
  /** Canonical rejected-value lines in canonical order, in chunks. */
  rejectedChunks(): Iterable<readonly string[]>;
  /**
   * Optional byte form of `entryChunks`: writes the same lines in the file layout (`\n` e1 `,\n` e2 …
   * `\n`, nothing when empty) into `w`. Used by `writeBlocklistAtomic` and `digestOf` when present.
   */
  writeEntries?(w: ByteWriter): void;
  /** Optional byte form of `rejectedChunks`, in the same layout as `writeEntries`. */
  writeRejected?(w: ByteWriter): void;
  /** How many entries `writeEntries` writes, when known: big bodies are hashed on a second thread. */
  entryCount?: number;
}

/** One entry's canonical JSON, from already-JSON-encoded parts (shared by both serialisation paths). */
export function entryJson(
  type: 'domain' | 'ip',
  valueJson: string,
  sourcesJson: string,
  firstSeen: string | undefined,
  expiresAt: string | null,
): string {
  const head =
    type === 'domain'
      ? `{"type":"domain","value":${valueJson},"subdomains":true`
      : `{"type":"ip","value":${valueJson}`;
  const seen = firstSeen === undefined ? '' : `,"firstSeen":"${firstSeen}"`;
  const exp = expiresAt === null ? 'null' : `"${expiresAt}"`;
  return `${head},"sources":${sourcesJson}${seen},"expiresAt":${exp}}`;
}

/** The canonical JSON of one entry object (keys in canonical order, sources sorted). */
export function canonicalEntryJson(e: BlocklistEntry): string {
  const sources = JSON.stringify([...e.sources].sort(compareCodeUnits));
  if (e.type === 'domain') {
    const head = `{"type":"domain","value":${JSON.stringify(e.value)},"subdomains":${e.subdomains}`;
    const seen = e.firstSeen === undefined ? '' : `,"firstSeen":${JSON.stringify(e.firstSeen)}`;
    return `${head},"sources":${sources}${seen},"expiresAt":${JSON.stringify(e.expiresAt)}}`;
  }
  return entryJson('ip', JSON.stringify(e.value), sources, e.firstSeen, e.expiresAt);
}

/** The canonical JSON of one rejected value. */
export function rejectedJson(r: RejectedValue): string {
  const detail = r.detail === undefined ? '' : `,"detail":${JSON.stringify(r.detail)}`;
  return `{"value":${JSON.stringify(r.value)},"source":${JSON.stringify(r.source)},"reason":"${r.reason}"${detail}}`;
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

/** Hashes chunks of entry lines as the compact array `[a,b,…]` (see the module comment). */
export class EntryHasher {
  private readonly hash = createHash('sha256').update('[');
  private first = true;

  /** Adds one chunk of lines (already joined with `,` when `joined` is given). */
  add(lines: readonly string[], joined?: string): void {
    if (lines.length === 0) return;
    this.hash.update(`${this.first ? '' : ','}${joined ?? lines.join(',')}`);
    this.first = false;
  }

  /** `sha256:<hex>`. */
  digest(): string {
    return `sha256:${this.hash.update(']').digest('hex')}`;
  }
}

/** The digest of a document (walks its entries once, then cached on the document). */
export function digestOf(doc: BlocklistDocument): string {
  if (doc.digest === undefined) {
    if (doc.writeEntries !== undefined) {
      const h = new BodyHasher();
      const w = new ByteWriter((bytes) => h.add(bytes));
      doc.writeEntries(w);
      w.flush();
      doc.digest = h.digest();
    } else {
      const h = new EntryHasher();
      for (const chunk of doc.entryChunks()) h.add(chunk);
      doc.digest = h.digest();
    }
  }
  return doc.digest;
}

/** The digest of a list of entries (sorted and re-keyed canonically first, so input order does not matter). */
export function computeDigest(entries: readonly BlocklistEntry[]): string {
  return digestOf(documentOf(entries, [], ''));
}

/** Builds the canonical document of a blocklist object (sorting entries, sources and rejected values). */
export function documentOf(
  entries: readonly BlocklistEntry[],
  rejected: readonly RejectedValue[],
  generatedAt: string,
): BlocklistDocument {
  const lines = [...entries].sort(compareEntries).map(canonicalEntryJson);
  const rejectedLines = [...rejected].sort(compareRejected).map(rejectedJson);
  return { generatedAt, entryChunks: () => [lines], rejectedChunks: () => [rejectedLines] };
}

function header(generatedAt: string, digest: string): string {
  return `{"schema":"${BLOCKLIST_SCHEMA}","generatedAt":${JSON.stringify(generatedAt)},"digest":"${digest}","entries":[`;
}

/** The layout: one line per entry, `,\n` between them, valid JSON overall. */
function* bodyParts(
  chunks: Iterable<readonly string[]>,
  onChunk?: (lines: readonly string[]) => void,
): Generator<string> {
  let first = true;
  for (const lines of chunks) {
    if (lines.length === 0) continue;
    onChunk?.(lines);
    yield `${first ? '\n' : ',\n'}${lines.join(',\n')}`;
    first = false;
  }
  if (!first) yield '\n';
}

/** The pieces of the document's text, in order (concatenate them for the whole file). */
export function* documentParts(doc: BlocklistDocument): Generator<string> {
  yield header(doc.generatedAt, digestOf(doc));
  yield* bodyParts(doc.entryChunks());
  yield '],"rejected":[';
  yield* bodyParts(doc.rejectedChunks());
  yield ']}\n';
}

/** The whole canonical text of a document. */
export function documentText(doc: BlocklistDocument): string {
  return [...documentParts(doc)].join('');
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
    'entryChunks' in blocklist
      ? blocklist
      : documentOf(blocklist.entries, blocklist.rejected, blocklist.generatedAt);
  const dir = dirname(path);
  const tmp = `${path}.${process.pid}.tmp`;
  let fd: number | undefined;
  try {
    ensureDir(dir);
    fd = openSync(tmp, 'w', 0o644);
    const placeholder = `sha256:${'0'.repeat(64)}`;
    const head = header(doc.generatedAt, placeholder);
    writeSync(fd, head);
    const digest = writeBody(fd, doc);
    if (doc.digest !== undefined && doc.digest !== digest) throw new Error(`digest changed while writing`);
    doc.digest = digest;
    writeSync(fd, digest, Buffer.byteLength(head) - Buffer.byteLength(`${placeholder}","entries":[`));
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
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

/** Writes entries and rejected values after the header; returns the digest of the entries. */
function writeBody(fd: number, doc: BlocklistDocument): string {
  if (doc.writeEntries !== undefined && doc.writeRejected !== undefined) {
    const writeRejected = doc.writeRejected.bind(doc);
    const thread = (doc.entryCount ?? 0) >= BODY_THREAD_MIN_ENTRIES ? BodyThread.start(fd) : undefined;
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
  const hasher = new EntryHasher();
  for (const part of bodyParts(doc.entryChunks(), (lines) => hasher.add(lines))) writeSync(fd, part);
  writeSync(fd, '],"rejected":[');
  for (const part of bodyParts(doc.rejectedChunks())) writeSync(fd, part);
  writeSync(fd, ']}\n');
  return hasher.digest();
}

/** Entries from which the body is written and hashed on a second thread (body-thread.ts). */
const BODY_THREAD_MIN_ENTRIES = 50_000;

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
