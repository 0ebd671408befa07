/**
 * A reusable byte buffer for writing canonical JSON lines without building JS strings.
 *
 * Joining a million entry strings into chunk texts made hundreds of megabytes of short-lived large
 * strings (the old generation grew past 400 MB before a collection), and every chunk was encoded to
 * UTF-8 and joined twice (file and digest). Here entries are formatted straight into one buffer that
 * is handed to `flush` whenever it fills and then reused, so memory stays flat.
 */
import { createHash } from 'node:crypto';

/** Bytes per flush: large enough that `writeSync` and `hash.update` calls are few. */
export const BYTE_WRITER_CAPACITY = 1 << 20;

/** Receives each filled part of the buffer; the bytes are only valid during the call. */
export type FlushFn = (bytes: Buffer) => void;

/**
 * Instead of a {@link FlushFn}: takes the filled part of the buffer for good (it may transfer the
 * memory to another thread) and returns the buffer to go on with.
 */
export type HandOffFn = (bytes: Buffer) => Buffer;

/** A growable-on-demand byte writer that flushes in {@link BYTE_WRITER_CAPACITY} steps. */
export class ByteWriter {
  private buf: Buffer;
  /** The write position. */
  pos = 0;
  /** A sink for prefetching reads of the callers (kept so they are not optimised away). */
  touched = 0;

  /** `handOff` and `first`: see {@link ByteWriter.handingOff}. */
  constructor(
    private readonly flushFn: FlushFn,
    private readonly handOff?: HandOffFn,
    first?: Buffer,
  ) {
    this.buf = first ?? Buffer.allocUnsafe(BYTE_WRITER_CAPACITY);
  }

  /** A writer starting in `first` whose filled buffers are handed off (see {@link HandOffFn}), not reused. */
  static handingOff(handOff: HandOffFn, first: Buffer): ByteWriter {
    return new ByteWriter(() => undefined, handOff, first);
  }

  /** Makes room for `n` more bytes (flushing what is buffered). */
  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.flush();
    if (n > this.buf.length) this.buf = Buffer.allocUnsafeSlow(n);
  }

  /**
   * Makes room for `n` more bytes and returns the buffer to write them into, at {@link pos}; the
   * caller advances `pos` by what it wrote (at most `n`). For hot loops that write bytes themselves.
   */
  room(n: number): Buffer {
    this.reserve(n);
    return this.buf;
  }

  /** Hands the buffered bytes to the flush function and starts over. */
  flush(): void {
    if (this.pos > 0) {
      const filled = this.buf.subarray(0, this.pos);
      if (this.handOff === undefined) this.flushFn(filled);
      else this.buf = this.handOff(filled);
    }
    this.pos = 0;
  }

  /** Writes a string known to hold only code units below 0x80 (the caller checked or built it). */
  ascii(s: string): void {
    const n = s.length;
    this.reserve(n);
    const buf = this.buf;
    let p = this.pos;
    // A JS loop beats a native `latin1Write` call for the short strings written here.
    for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** Writes a long string known to hold only code units below 0x80, natively. */
  latin1(s: string): void {
    this.reserve(s.length);
    this.pos += this.buf.write(s, this.pos, 'latin1');
  }

  /** Writes any string as UTF-8. */
  utf8(s: string): void {
    this.reserve(Buffer.byteLength(s));
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** Writes pre-encoded bytes. */
  bytes(b: Uint8Array): void {
    const n = b.length;
    this.reserve(n);
    const buf = this.buf;
    let p = this.pos;
    // Native copy for anything but a few bytes: a JS byte loop costs several ns per byte.
    if (n > 8) {
      buf.set(b, p);
      p += n;
    } else for (let i = 0; i < n; i++) buf[p++] = b[i] ?? 0;
    this.pos = p;
  }

  /** Writes `s` as a JSON string literal (quotes included), byte-identical to `JSON.stringify(s)`. */
  jsonString(s: string): void {
    if (isPlainAscii(s)) {
      this.reserve(s.length + 2);
      this.buf[this.pos++] = 34;
      this.ascii(s);
      this.buf[this.pos++] = 34;
    } else this.utf8(JSON.stringify(s));
  }

  /** Writes an IPv4 address (unsigned 32-bit value) as a dotted quad. */
  ipv4(n: number): void {
    this.reserve(15);
    this.digits(n >>> 24);
    this.buf[this.pos++] = 46;
    this.digits((n >>> 16) & 255);
    this.buf[this.pos++] = 46;
    this.digits((n >>> 8) & 255);
    this.buf[this.pos++] = 46;
    this.digits(n & 255);
  }

  /** Writes a non-negative integer below 1000 in decimal (a prefix length, an octet). */
  small(v: number): void {
    this.reserve(3);
    this.digits(v);
  }

  /** Decimal digits of `v` (0–999); the caller reserved 3 bytes. */
  private digits(v: number): void {
    const buf = this.buf;
    if (v >= 100) {
      buf[this.pos++] = 48 + Math.floor(v / 100);
      buf[this.pos++] = 48 + (Math.floor(v / 10) % 10);
    } else if (v >= 10) buf[this.pos++] = 48 + Math.floor(v / 10);
    buf[this.pos++] = 48 + (v % 10);
  }
}

/** True when `JSON.stringify(s)` is just `s` in quotes: printable ASCII without `"` or `\`. */
export function isPlainAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 34 || c === 92) return false;
  }
  return true;
}

/**
 * Removes every newline byte from `bytes` in place (moving the rest left); returns the new length. The
 * digest covers the entries joined with `,` while the file puts `,\n` between them, and canonical
 * JSON never holds a raw newline inside a value, so dropping every newline turns one into the other.
 */
export function dropNewlines(bytes: Uint8Array): number {
  // indexOf + copyWithin are native (memchr, memmove) and allocate nothing: about twice as fast as
  // copying subarrays into a second buffer, and three times a byte loop.
  let j = 0;
  let from = 0;
  for (;;) {
    const nl = bytes.indexOf(10, from);
    const end = nl < 0 ? bytes.length : nl;
    if (j !== from) bytes.copyWithin(j, from, end);
    j += end - from;
    if (nl < 0) return j;
    from = nl + 1;
  }
}

/**
 * Hashes the file layout of entries as the digest wants them: the body without its newlines is exactly
 * the entries joined with `,` (canonical JSON has no raw newline inside a value).
 */
export class BodyHasher {
  private readonly hash = createHash('sha256').update('[');

  /** Adds a part of the body. Consumes `bytes`: they are overwritten (a flushed buffer is reused anyway). */
  add(bytes: Buffer): void {
    this.hash.update(bytes.subarray(0, dropNewlines(bytes)));
  }

  /** `sha256:<hex>`. */
  digest(): string {
    return `sha256:${this.hash.update(']').digest('hex')}`;
  }
}
