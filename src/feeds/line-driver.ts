/**
 * Splits decoded text into lines for a line parser, across chunk boundaries, without a regex per
 * line: `indexOf('\n')` on the chunk string and one `slice` per line is the cheapest split in V8.
 */
import { FeedError } from '../errors.js';
import type { LineParser } from './parsers/line-parser.js';

/** The longest line accepted (a "line" this long means the input is not a line format). */
export const MAX_LINE_CHARS = 1024 * 1024;

/** Feeds text chunks to a LineParser as whole lines (CR stripped, a leading BOM removed). */
export class LineDriver {
  private carry = '';
  private lineNo = 0;

  constructor(private readonly parser: LineParser) {}

  /** Adds a chunk of decoded text. */
  push(chunk: string): void {
    const s = this.carry.length > 0 ? this.carry + chunk : chunk;
    let start = 0;
    for (;;) {
      const nl = s.indexOf('\n', start);
      if (nl < 0) break;
      this.line(s, start, nl);
      start = nl + 1;
    }
    this.carry = start === 0 ? s : s.slice(start);
    if (this.carry.length > MAX_LINE_CHARS)
      throw new FeedError(
        `line ${this.lineNo + 1} is longer than ${MAX_LINE_CHARS} characters: not a line-based feed`,
      );
  }

  /** Flushes the last line (files often lack a final newline) and ends the parser. */
  end(): void {
    if (this.carry.length > 0) this.line(this.carry, 0, this.carry.length);
    this.carry = '';
    this.parser.end();
  }

  private line(s: string, start: number, end: number): void {
    let e = end;
    if (e > start && s.charCodeAt(e - 1) === 13) e--;
    let text = s.slice(start, e);
    if (this.lineNo === 0 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    this.parser.line(text, ++this.lineNo);
  }
}
