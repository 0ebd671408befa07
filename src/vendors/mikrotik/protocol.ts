/**
 * RouterOS binary API framing (TCP 8728, API-SSL 8729): words, sentences and a streaming decoder.
 *
 * A word is a big-endian length prefix (1–5 bytes) followed by that many bytes; a sentence is a run of
 * words closed by a zero-length word. Because every word is length-prefixed, `=`, newlines and any other
 * byte inside a value travel verbatim — no quoting exists or is needed. The only ways a value we build
 * could change the meaning of a sentence are checked in `assertSafeWord`.
 *
 * Text encoding: words are encoded as UTF-8. RouterOS itself stores bytes and WinBox shows them as
 * windows-1252, so decoding tries strict UTF-8 first and falls back to windows-1252 for byte sequences
 * that are not valid UTF-8 (a comment typed in WinBox still reads sensibly). Everything iocwall writes is
 * ASCII in practice (IPs, punycode domains, `iocwall:<id>` markers), so both readings agree on our data.
 */

/** A protocol violation on the wire (bad length prefix, oversized word). The connection cannot continue. */
export class RouterOsProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RouterOsProtocolError';
  }
}

/** Largest word this implementation accepts from a peer (guards memory; real replies are far smaller). */
export const MAX_WORD_BYTES = 64 * 1024 * 1024;

/**
 * Encodes a word length as its 1–5 byte prefix (see the table in the MikroTik API manual).
 * @throws RangeError for negative, fractional or > 0xFFFFFFFF lengths.
 */
export function encodeLength(len: number): Buffer {
  if (!Number.isInteger(len) || len < 0 || len > 0xffffffff) throw new RangeError(`bad word length ${len}`);
  if (len <= 0x7f) return Buffer.from([len]);
  if (len <= 0x3fff) return Buffer.from([(len >> 8) | 0x80, len & 0xff]);
  if (len <= 0x1fffff) return Buffer.from([(len >> 16) | 0xc0, (len >> 8) & 0xff, len & 0xff]);
  if (len <= 0xfffffff) {
    const b = Buffer.alloc(4);
    b.writeUInt32BE((len | 0xe0000000) >>> 0);
    return b;
  }
  const b = Buffer.alloc(5);
  b[0] = 0xf0;
  b.writeUInt32BE(len, 1);
  return b;
}

/**
 * Decodes a length prefix at `offset`.
 * @returns `{ length, size }` (size = prefix bytes), or `undefined` when more bytes are needed.
 * @throws RouterOsProtocolError on a reserved control byte (≥ 0xF8) or a malformed 5-byte prefix (0xF1–0xF7).
 */
export function decodeLength(buf: Buffer, offset = 0): { length: number; size: number } | undefined {
  const b0 = buf[offset];
  if (b0 === undefined) return undefined;
  const need = b0 < 0x80 ? 1 : b0 < 0xc0 ? 2 : b0 < 0xe0 ? 3 : b0 < 0xf0 ? 4 : 5;
  if (b0 >= 0xf8) throw new RouterOsProtocolError(`reserved control byte 0x${b0.toString(16)} on the wire`);
  if (b0 > 0xf0) throw new RouterOsProtocolError(`malformed length prefix 0x${b0.toString(16)}`);
  if (buf.length - offset < need) return undefined;
  switch (need) {
    case 1:
      return { length: b0, size: 1 };
    case 2:
      return { length: buf.readUInt16BE(offset) & 0x3fff, size: 2 };
    case 3:
      return { length: ((b0 & 0x1f) << 16) | buf.readUInt16BE(offset + 1), size: 3 };
    case 4:
      return { length: buf.readUInt32BE(offset) & 0x0fffffff, size: 4 };
    case 5:
      return { length: buf.readUInt32BE(offset + 1), size: 5 };
  }
}

/** Encodes one word (UTF-8 text or raw bytes) with its length prefix. */
export function encodeWord(word: string | Buffer): Buffer {
  const bytes = typeof word === 'string' ? Buffer.from(word, 'utf8') : word;
  return Buffer.concat([encodeLength(bytes.length), bytes]);
}

/**
 * Refuses a word that would change the sentence's meaning rather than carry a value:
 * - an empty word inside a sentence *is* the end-of-sentence marker, so the words after it would be read
 *   as a second, attacker-chosen sentence;
 * - a NUL byte is cut off by the device's C strings, so the stored value would differ from the one sent.
 * Prefixes (`=`, `?`, `.`) need no escaping: each word is length-prefixed and the device splits an
 * attribute at its *second* `=`, so a value may contain `=` or start with `?`/`!`. Callers (the client)
 * validate attribute *names* and `.id` lists, which are the parts a hostile value must never reach.
 * @throws RouterOsProtocolError
 */
export function assertSafeWord(word: string): void {
  if (word.length === 0) throw new RouterOsProtocolError('empty word inside a sentence');
  if (word.includes('\0')) throw new RouterOsProtocolError('NUL byte in a word');
}

/** Encodes a sentence: its words followed by the zero-length terminator. Validates every word. */
export function encodeSentence(words: readonly string[]): Buffer {
  const parts: Buffer[] = [];
  for (const w of words) {
    assertSafeWord(w);
    parts.push(encodeWord(w));
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
/**
 * windows-1252 code points of bytes 0x80–0x9F (the rest equals latin1). Written out because Node's
 * `TextDecoder('windows-1252')` decodes as plain latin1 (0x80 → U+0080, not €).
 */
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

/** Decodes a word's bytes: strict UTF-8, falling back to windows-1252 (see the module comment). */
export function decodeText(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    let out = '';
    for (const b of bytes)
      out += b >= 0x80 && b <= 0x9f ? CP1252_HIGH.charAt(b - 0x80) : String.fromCharCode(b);
    return out;
  }
}

/**
 * Streaming sentence decoder: feed it TCP chunks of any size (a word split across chunks, many sentences
 * in one chunk); it returns the complete sentences so far. Empty sentences are skipped, as on the device.
 */
export class SentenceDecoder {
  private buf: Buffer = Buffer.alloc(0);
  private words: string[] = [];

  /**
   * Consumes a chunk.
   * @returns the sentences completed by it (each an array of words).
   * @throws RouterOsProtocolError on a reserved or malformed prefix or a word above `maxWordBytes`.
   */
  push(chunk: Buffer, maxWordBytes = MAX_WORD_BYTES): string[][] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: string[][] = [];
    let off = 0;
    while (off < this.buf.length) {
      const head = decodeLength(this.buf, off);
      if (head === undefined) break;
      if (head.length > maxWordBytes) throw new RouterOsProtocolError(`word of ${head.length} bytes`);
      if (this.buf.length - off - head.size < head.length) break;
      const start = off + head.size;
      off = start + head.length;
      if (head.length === 0) {
        if (this.words.length > 0) out.push(this.words);
        this.words = [];
      } else {
        this.words.push(decodeText(this.buf.subarray(start, off)));
      }
    }
    this.buf = off === this.buf.length ? Buffer.alloc(0) : Buffer.from(this.buf.subarray(off));
    return out;
  }
}

/** A sentence split into its parts: first word, `=attr=value`s, `?query` words, and the `.tag`. */
export interface ParsedSentence {
  /** Command (`/ip/…/add`) or reply type (`!re`, `!done`, …). */
  head: string;
  attributes: Record<string, string>;
  /** Query words without the leading `?`, in order. */
  queries: string[];
  /** `.tag` value; undefined when untagged. */
  tag?: string;
  /** Words that fit no category (e.g. the bare reason of `!fatal`). */
  other: string[];
}

/**
 * Splits a sentence into head, attributes (split at the second `=`, so values may contain `=`), queries,
 * tag and bare words.
 */
export function parseSentence(words: readonly string[]): ParsedSentence {
  const [head = '', ...rest] = words;
  const s: ParsedSentence = { head, attributes: {}, queries: [], other: [] };
  for (const w of rest) {
    if (w.startsWith('=')) {
      const eq = w.indexOf('=', 1);
      if (eq < 0) s.attributes[w.slice(1)] = '';
      else s.attributes[w.slice(1, eq)] = w.slice(eq + 1);
    } else if (w.startsWith('?')) {
      s.queries.push(w.slice(1));
    } else if (w.startsWith('.tag=')) {
      s.tag = w.slice(5);
    } else {
      s.other.push(w);
    }
  }
  return s;
}
