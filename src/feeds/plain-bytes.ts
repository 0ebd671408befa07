/**
 * The `plain` format read as bytes: the million-line case of `compile --format plain`.
 *
 * Most lines of a big plain list are one bare token (`1.2.3.4`, `evil.example`). Such a line is
 * handed over as its bytes (`token`), so the classifier can read it without a string ever being
 * made. Every other line — blank, comment, inline comment, `value;score`, whitespace, CR in the
 * middle, non-ASCII, a BOM — is decoded and goes through exactly the text path (`plainValue`, the
 * LineDriver's BOM and CR rules), so both paths yield the same values and line numbers as
 * {@link parsePlainValues}; test/feeds/plain-bytes.test.ts holds them to that.
 */
import { FeedError } from '../errors.js';
import { feedBytes, type ByteInput } from './bytes.js';
import { MAX_LINE_CHARS } from './line-driver.js';
import { plainValue } from './parsers/plain.js';
import type { ParseOptions } from './parse.js';

/** Receives the values of a plain list. */
export interface PlainSink {
  /**
   * Offered every non-empty line first, as its bytes `src[start, end)` (line ending removed; the
   * bytes are only valid during the call). Returns true when it took the line — it may only take a
   * line whose value is exactly those bytes: one bare printable-ASCII token (no whitespace, `#`, `;`,
   * not starting with `!`), such as a canonical address or host name. False: the reader extracts
   * the value as the text path does and calls `value`.
   */
  token(src: Buffer, start: number, end: number, line: number): boolean;
  /** A line's value, as the text path extracts it (for every line `token` did not take). */
  value(value: string, line: number): void;
}

/** 1 for the bytes a bare token may hold: printable ASCII except space, `#` and `;`. */
const TOKEN = new Uint8Array(256);
for (let c = 0x21; c <= 0x7e; c++) TOKEN[c] = 1;
TOKEN[35] = 0;
TOKEN[59] = 0;

const CR = 13;
const LF = 10;
const BANG = 33;

/** Streams the values of a `plain` feed to `sink` (see the module comment). Throws FeedError like parsePlainValues. */
export async function readPlainBytes(
  input: ByteInput,
  options: Omit<ParseOptions, 'format'>,
  sink: PlainSink,
): Promise<void> {
  await readPlainChunks(feedBytes(input, options.maxBytes, options.onNotice), options, sink);
}

/**
 * {@link readPlainBytes} for the feed's bytes as `feedBytes` yields them (already decompressed and
 * held to `maxBytes`): for a caller that has looked at the start of a feed to detect its format.
 */
export async function readPlainChunks(
  chunks: AsyncIterable<Buffer>,
  options: Omit<ParseOptions, 'format'>,
  sink: PlainSink,
): Promise<void> {
  options.onFormat?.('plain');
  let lineNo = 0;
  let carry: Buffer | undefined;

  const slowLine = (buf: Buffer, start: number, end: number): void => {
    let text = buf.toString('utf8', start, end);
    if (lineNo === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const value = plainValue(text);
    if (value !== undefined) sink.value(value, lineNo);
  };

  /** Handles the lines of `buf` that end in a newline; returns where the unfinished rest starts. */
  const lines = (buf: Buffer): number => {
    let start = 0;
    for (;;) {
      // Native memchr: the bytes themselves are read once, by whoever classifies the line.
      const nl = buf.indexOf(LF, start);
      if (nl < 0) return start;
      line(buf, start, nl);
      start = nl + 1;
    }
  };

  const line = (buf: Buffer, start: number, nl: number): void => {
    lineNo++;
    // One trailing CR belongs to the line ending (as in the LineDriver).
    const end = nl > start && buf[nl - 1] === CR ? nl - 1 : nl;
    if (end > start && sink.token(buf, start, end, lineNo)) return;
    if (end > start && buf[start] !== BANG && isBareToken(buf, start, end))
      sink.value(buf.toString('latin1', start, end), lineNo);
    else slowLine(buf, start, end);
  };

  for await (const chunk of chunks) {
    const buf = carry === undefined ? chunk : Buffer.concat([carry, chunk]);
    const rest = lines(buf);
    carry = rest < buf.length ? Buffer.from(buf.subarray(rest)) : undefined;
    if (carry !== undefined && carry.length > MAX_LINE_CHARS && tooLong(carry)) {
      throw new FeedError(
        `line ${lineNo + 1} is longer than ${MAX_LINE_CHARS} characters: not a line-based feed`,
      );
    }
  }
  if (carry !== undefined) line(carry, 0, carry.length);
}

/** True when `buf[start, end)` holds only bytes a bare token may hold (see `TOKEN`). */
function isBareToken(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (TOKEN[buf[i] ?? 0] === 0) return false;
  return true;
}

/** True when the unfinished line `bytes` is longer than the limit in characters (UTF-16 units). */
function tooLong(bytes: Buffer): boolean {
  // A UTF-16 unit takes at most three UTF-8 bytes: only in between is decoding needed.
  return bytes.length > 3 * MAX_LINE_CHARS || bytes.toString('utf8').length > MAX_LINE_CHARS;
}
