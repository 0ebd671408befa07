/**
 * The byte source of a parse: any readable stream, transparently gunzipped when it starts with
 * the gzip magic bytes or unzipped when it is a ZIP archive (unzip.ts), with an optional cap on the
 * (decompressed) size.
 */
import type { Readable } from 'node:stream';
import { Readable as ReadableClass } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { FeedError } from '../errors.js';
import type { FeedNotice } from './types.js';

/** An input a parse reads from. */
export type ByteInput = NodeJS.ReadableStream | Readable;

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new FeedError('feed stream yielded a non-byte chunk');
}

function isZlibError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}

/** The first bytes of a ZIP archive (a local file header), or of an empty one (end of central directory). */
function isZip(head: Uint8Array): boolean {
  return (
    head[0] === 0x50 &&
    head[1] === 0x4b &&
    ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6))
  );
}

/** What `feedBytes` says when the (decompressed) input does not look like text. */
export const BINARY_NOTICE: FeedNotice = {
  level: 'warn',
  message:
    'the input looks binary (NUL bytes in its first 8 KiB), not a text feed: check it is the file you meant; ' +
    'its lines are still read, and whatever does not classify as an indicator is rejected with its reason',
};

/**
 * Yields the input's bytes, gunzipped if it is gzip data, unzipped if it is a ZIP archive; throws
 * FeedError on truncated or damaged compressed data or when over `maxBytes`. `onNotice` hears once when
 * the first bytes hold a NUL, which no text feed has: garbage must not pass as an empty feed unremarked.
 */
export async function* feedBytes(
  input: ByteInput,
  maxBytes = Infinity,
  onNotice?: (n: FeedNotice) => void,
): AsyncGenerator<Buffer> {
  const it = (input as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  let head: Buffer = Buffer.alloc(0);
  let done = false;
  // Four bytes tell gzip (2) and ZIP (4) apart from text.
  while (head.length < 4 && !done) {
    const r = await it.next();
    if (r.done === true) done = true;
    else head = head.length === 0 ? toBuffer(r.value) : Buffer.concat([head, toBuffer(r.value)]);
  }
  async function* raw(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    if (done) return;
    for (;;) {
      const r = await it.next();
      if (r.done === true) return;
      yield toBuffer(r.value);
    }
  }
  const gzip = head[0] === 0x1f && head[1] === 0x8b;
  const zip = !gzip && isZip(head);
  // The ZIP reader (and fflate) load only for a ZIP archive: every other feed starts without them.
  let source: AsyncIterable<unknown> = zip ? (await import('./unzip.js')).unzipped(raw()) : raw();
  let failure: Promise<void> | undefined;
  const gunzip = gzip ? createGunzip() : undefined;
  if (gunzip) {
    failure = pipeline(ReadableClass.from(raw()), gunzip);
    failure.catch(() => undefined); // the same error surfaces through the iteration below
    source = gunzip;
  }
  let total = 0;
  try {
    for await (const chunk of source) {
      const buf = toBuffer(chunk);
      if (total === 0 && buf.subarray(0, 8192).includes(0)) onNotice?.(BINARY_NOTICE);
      total += buf.length;
      if (total > maxBytes)
        throw new FeedError(
          `feed is larger than the ${maxBytes}-byte cap${gzip || zip ? ' after decompression' : ''}`,
        );
      yield buf;
    }
    if (failure) await failure;
  } catch (err) {
    if (gzip && isZlibError(err))
      throw new FeedError(`truncated or corrupt gzip data (${(err as Error).message})`, undefined, {
        cause: err,
      });
    throw err;
  } finally {
    gunzip?.destroy();
  }
}
