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
  /** Screens lines ahead on another thread (see {@link LineScreen}); optional. */
  screen?: LineScreen | undefined;
}

/**
 * A helper that reads buffers of complete lines ahead, on another thread, and answers one code per
 * line: a value the sink takes as it is (`take`, instead of `token`), or -1 for a line the reader
 * handles as usual. Lines are still handed over one by one and in order; the reader keeps up to
 * {@link SCREEN_DEPTH} buffers with the helper, and reads a buffer itself when the helper is not
 * ready or fails (nothing is lost).
 */
export interface LineScreen {
  /** True when the helper takes buffers now. */
  readonly ready: boolean;
  /** One code per line of `lines` (which ends in a LF); rejects when the helper fails. */
  submit(lines: Uint8Array): Promise<Float64Array>;
  /** Takes line number `line`, whose code was `code` (≥ 0). */
  take(code: number, line: number): void;
}

/** Buffers with the screen at a time: one being screened while the reader takes the previous one. */
const SCREEN_DEPTH = 2;

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

  /** Takes the complete lines of `buf[0, rest)` as the screen answered for them. */
  const screened = (buf: Buffer, rest: number, codes: Float64Array, screen: LineScreen): void => {
    let start = 0;
    for (let j = 0; start < rest; j++) {
      const nl = buf.indexOf(LF, start);
      const code = codes[j] ?? -1;
      if (code >= 0) screen.take(code, ++lineNo);
      else line(buf, start, nl);
      start = nl + 1;
    }
  };

  const screen = sink.screen;
  const pending: { buf: Buffer; rest: number; codes: Promise<Float64Array> }[] = [];
  /** Takes the oldest buffer with the screen: by its answers, or by reading it here if the screen failed. */
  const settleOne = async (): Promise<void> => {
    const p = pending.shift();
    if (p === undefined || screen === undefined) return;
    let codes: Float64Array | undefined;
    try {
      codes = await p.codes;
    } catch {
      codes = undefined;
    }
    if (codes !== undefined) screened(p.buf, p.rest, codes, screen);
    else lines(p.buf);
  };

  for await (const chunk of feedBytes(input, options.maxBytes, options.onNotice)) {
    const buf = carry === undefined ? chunk : Buffer.concat([carry, chunk]);
    let rest: number;
    if (screen?.ready === true) {
      rest = buf.lastIndexOf(LF) + 1;
      if (rest > 0) {
        const codes = screen.submit(buf.subarray(0, rest));
        // Awaited in settleOne; a failure left behind by a read that throws must not go unhandled.
        codes.catch(() => undefined);
        pending.push({ buf, rest, codes });
      }
      if (pending.length >= SCREEN_DEPTH) await settleOne();
    } else {
      while (pending.length > 0) await settleOne();
      rest = lines(buf);
    }
    carry = rest < buf.length ? Buffer.from(buf.subarray(rest)) : undefined;
    if (carry !== undefined && carry.length > MAX_LINE_CHARS && tooLong(carry)) {
      // The line number counts every line before it, the screened ones included.
      while (pending.length > 0) await settleOne();
      throw new FeedError(
        `line ${lineNo + 1} is longer than ${MAX_LINE_CHARS} characters: not a line-based feed`,
      );
    }
  }
  while (pending.length > 0) await settleOne();
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
