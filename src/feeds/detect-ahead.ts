/**
 * Format detection ahead of the parse: reads a feed's first bytes (as `feedBytes` yields them,
 * decompressed), decides its format exactly as `parseChunkBatches` would from the same head, and
 * hands the bytes back from the start. So a caller can send a plain list down the byte reader
 * (plain-bytes.ts), the fast path of a million-line feed, when the format was left to `auto`.
 */
import { StringDecoder } from 'node:string_decoder';
import { DETECT_HEAD_CHARS, detectFormat } from './detect.js';
import type { FormatId } from './types.js';

/** A feed's detected format and its bytes, from the first. */
export interface DetectedFeed {
  format: FormatId;
  chunks: AsyncIterable<Buffer>;
}

/** See the module comment. `fileName` helps detection, as in `ParseOptions`. */
export async function detectAhead(chunks: AsyncIterable<Buffer>, fileName?: string): Promise<DetectedFeed> {
  const it = chunks[Symbol.asyncIterator]();
  const seen: Buffer[] = [];
  const decoder = new StringDecoder('utf8');
  let head = '';
  let done = false;
  // The same head as parseChunkBatches: whole chunks decoded until 64 Ki characters, or the end.
  while (head.length < DETECT_HEAD_CHARS) {
    const r = await it.next();
    if (r.done === true) {
      done = true;
      head += decoder.end();
      break;
    }
    seen.push(r.value);
    head += decoder.write(r.value);
  }
  const format = detectFormat(head.slice(0, DETECT_HEAD_CHARS), fileName);
  async function* replay(): AsyncGenerator<Buffer> {
    yield* seen;
    seen.length = 0;
    if (done) return;
    for (;;) {
      const r = await it.next();
      if (r.done === true) return;
      yield r.value;
    }
  }
  return { format, chunks: replay() };
}
