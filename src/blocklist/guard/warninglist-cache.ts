/**
 * The build-time cache of the compiled warninglists: `npm run build` (warninglist-build.ts) writes the
 * address lists and the name lists, already compiled, beside the compiled loader in dist/, so a
 * compile's start-up reads typed arrays instead of parsing 2.6 MB of JSON, 62k addresses and 50k
 * names (what is left is mostly reading and hashing the source files; bench/RESULTS.md has figures).
 *
 * A cache is used only when it is provably the compiled form of the lists on disk: it records a
 * SHA-256 fingerprint of the source files' contents (plus the loader code and the list kinds), which
 * the loader recomputes on every load, and a SHA-256 digest of its own bytes. Anything unexpected —
 * absent, stale, truncated, damaged, another format or byte order — makes the reader answer
 * `undefined`, and the loader silently parses the JSON instead.
 *
 * This module holds the file format; `warninglist-cache-ip.ts` and `warninglist-cache-names.ts` what
 * each cache stores.
 *
 * File layout: `IOCWLC01` (8 bytes) · SHA-256 of everything after it (32) · header length (u32,
 * little-endian) · header JSON · zero padding to a multiple of 8 · the arrays, each at an 8-aligned
 * offset, so typed arrays view the file buffer without copying. The arrays are in the writing host's
 * byte order, which the header records; a host of the other order ignores the cache.
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { InternalError } from '../../errors.js';

/**
 * The cache format. Bump it when the layout or the meaning of a cached field changes; caches of
 * another format then read as stale (the fingerprint includes it).
 */
export const CACHE_FORMAT = 3;

const MAGIC = 'IOCWLC01';
const DIGEST_AT = 8;
const HEADER_LENGTH_AT = 40;
const HEADER_AT = 44;

type ArrayType = 'u8' | 'u16' | 'u32' | 'u64';
export type CachedArray = Uint8Array | Uint16Array | Uint32Array | BigUint64Array;

const BYTES: Record<ArrayType, number> = { u8: 1, u16: 2, u32: 4, u64: 8 };

/** What a cache file holds besides its arrays. */
interface Header {
  format: number;
  endianness: 'LE' | 'BE';
  fingerprint: string;
  /** Name → [type, byte offset from the first array, element count]. */
  arrays: Record<string, [ArrayType, number, number]>;
  /** Loader-specific, small (labels, counts). */
  data: unknown;
}

/**
 * The fingerprint a cache must carry to be used: SHA-256 over `salt` and each named part's name,
 * length and bytes. The loader passes the list kinds and the loader code's own files as salt/parts,
 * so an edited list or a rebuilt loader never meets an old cache.
 */
export function fingerprint(salt: string, parts: ReadonlyMap<string, Uint8Array>): string {
  const hash = createHash('sha256');
  hash.update(`iocwall warninglist cache ${CACHE_FORMAT}\n${salt}\n`);
  for (const [name, bytes] of parts) {
    hash.update(`${name}\n${bytes.length}\n`);
    hash.update(bytes);
  }
  return hash.digest('hex');
}

function typeOf(array: CachedArray): ArrayType {
  if (array instanceof Uint8Array) return 'u8';
  if (array instanceof Uint16Array) return 'u16';
  if (array instanceof Uint32Array) return 'u32';
  return 'u64';
}

/** The file bytes for `arrays` and `data` under `fingerprintHex`. */
export function encode(
  fingerprintHex: string,
  data: unknown,
  arrays: ReadonlyMap<string, CachedArray>,
): Buffer {
  const layout: Header['arrays'] = {};
  let bodyLength = 0;
  for (const [name, array] of arrays) {
    layout[name] = [typeOf(array), bodyLength, array.length];
    bodyLength += Math.ceil(array.byteLength / 8) * 8;
  }
  const header: Header = {
    format: CACHE_FORMAT,
    endianness: endianness(),
    fingerprint: fingerprintHex,
    arrays: layout,
    data,
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const bodyAt = Math.ceil((HEADER_AT + headerBytes.length) / 8) * 8;
  const file = Buffer.alloc(bodyAt + bodyLength);
  file.write(MAGIC, 0, 'latin1');
  file.writeUInt32LE(headerBytes.length, HEADER_LENGTH_AT);
  headerBytes.copy(file, HEADER_AT);
  for (const [name, array] of arrays) {
    const [, offset] = layout[name] ?? ['u8', 0];
    file.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), bodyAt + offset);
  }
  createHash('sha256').update(file.subarray(HEADER_LENGTH_AT)).digest().copy(file, DIGEST_AT);
  return file;
}

/** The decoded parts of a cache file whose fingerprint and digest match, else undefined. */
function decode(
  bytes: Uint8Array,
  fingerprintHex: string,
): { data: unknown; arrays: Map<string, CachedArray> } | undefined {
  if (bytes.length < HEADER_AT) return undefined;
  // Typed-array views need aligned offsets; a buffer from readFileSync is, but do not rely on it.
  const file =
    bytes.byteOffset % 8 === 0
      ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
      : Buffer.from(bytes);
  if (file.toString('latin1', 0, DIGEST_AT) !== MAGIC) return undefined;
  const headerLength = file.readUInt32LE(HEADER_LENGTH_AT);
  if (HEADER_AT + headerLength > file.length) return undefined;
  const header = JSON.parse(file.toString('utf8', HEADER_AT, HEADER_AT + headerLength)) as Partial<Header>;
  // Cheap refusals first: the digest below costs about a millisecond per megabyte.
  if (
    header.format !== CACHE_FORMAT ||
    header.endianness !== endianness() ||
    header.fingerprint !== fingerprintHex ||
    typeof header.arrays !== 'object'
  ) {
    return undefined;
  }
  const digest = createHash('sha256').update(file.subarray(HEADER_LENGTH_AT)).digest();
  if (!digest.equals(file.subarray(DIGEST_AT, HEADER_LENGTH_AT))) return undefined;
  const bodyAt = Math.ceil((HEADER_AT + headerLength) / 8) * 8;
  const arrays = new Map<string, CachedArray>();
  for (const [name, [type, offset, count]] of Object.entries(header.arrays)) {
    const at = bodyAt + offset;
    if (
      !(type in BYTES) ||
      !Number.isSafeInteger(offset) ||
      offset % 8 !== 0 ||
      !Number.isSafeInteger(count) ||
      count < 0
    ) {
      return undefined;
    }
    if (at + count * BYTES[type] > file.length) return undefined;
    const { buffer, byteOffset } = file;
    arrays.set(
      name,
      type === 'u8'
        ? new Uint8Array(buffer, byteOffset + at, count)
        : type === 'u16'
          ? new Uint16Array(buffer, byteOffset + at, count)
          : type === 'u32'
            ? new Uint32Array(buffer, byteOffset + at, count)
            : new BigUint64Array(buffer, byteOffset + at, count),
    );
  }
  return { data: header.data, arrays };
}

/**
 * Writes a cache file through a temporary file and a rename, so a concurrent reader sees the old
 * cache or the new one, never half of one.
 */
export function writeCacheFile(file: string, bytes: Uint8Array): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, bytes);
    renameSync(temporary, file);
  } finally {
    rmSync(temporary, { force: true });
  }
}

/**
 * What `build` makes of the parts of cache file `file`, or undefined when the file is absent,
 * unreadable, damaged, of another fingerprint, or holds parts `build` refuses (it throws).
 */
export function readCache<T>(
  file: string,
  fingerprintHex: string,
  build: (data: unknown, arrays: ReadonlyMap<string, CachedArray>) => T,
): T | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  try {
    const parts = decode(bytes, fingerprintHex);
    return parts === undefined ? undefined : build(parts.data, parts.arrays);
  } catch {
    return undefined;
  }
}

/** The narrowest unsigned array holding `ids` (label ids: a few dozen lists, 62k entries). */
export function narrow(ids: ArrayLike<number>): Uint8Array | Uint16Array | Uint32Array {
  let max = 0;
  for (let i = 0; i < ids.length; i++) max = Math.max(max, ids[i] ?? 0);
  return max < 256 ? Uint8Array.from(ids) : max < 65536 ? Uint16Array.from(ids) : Uint32Array.from(ids);
}

/** `array` as a Uint32Array (a view when it is one already, else a native widening copy). */
export function widen(array: CachedArray | undefined): Uint32Array {
  if (array instanceof Uint32Array) return array;
  if (array instanceof Uint8Array || array instanceof Uint16Array) return new Uint32Array(array);
  throw new InternalError('warninglist cache: an id column is missing or 64-bit');
}

export function u32(arrays: ReadonlyMap<string, CachedArray>, name: string): Uint32Array {
  const array = arrays.get(name);
  if (!(array instanceof Uint32Array))
    throw new InternalError(`warninglist cache: ${name} is not a u32 column`);
  return array;
}

export function u8(arrays: ReadonlyMap<string, CachedArray>, name: string): Uint8Array {
  const array = arrays.get(name);
  if (!(array instanceof Uint8Array))
    throw new InternalError(`warninglist cache: ${name} is not a u8 column`);
  return array;
}

export function u64(arrays: ReadonlyMap<string, CachedArray>, name: string): BigUint64Array {
  const array = arrays.get(name);
  if (!(array instanceof BigUint64Array))
    throw new InternalError(`warninglist cache: ${name} is not a u64 column`);
  return array;
}

export function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

/** True when two arrays (plain or typed) hold the same elements in the same order. */
export function sameArray(a: ArrayLike<unknown>, b: ArrayLike<unknown>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
