/**
 * The line screen's rule (screen-thread-shared.ts), as a pure function: the worker runs it, and the
 * tests hold it to the guard's own verdicts.
 */
import { classifyIPv4PackedBytes, IPV4_PACK } from '../../../indicators/fast-path.js';
import type { IPv4Union } from '../ipv4-union.js';

const LF = 10;
const CR = 13;

/** The unions and the minimum prefix a screen tests values against. */
export interface LineScreenRule {
  minPrefix: number;
  unions: readonly IPv4Union[];
}

/** The code of the line `b[start, end)`: its packed IPv4 value when it passes `rule`, else -1. */
function screenLine(b: Uint8Array, start: number, end: number, rule: LineScreenRule): number {
  const packed = classifyIPv4PackedBytes(b, start, end);
  if (packed < 0) return -1;
  const prefix = packed % IPV4_PACK;
  if (prefix < rule.minPrefix) return -1;
  const first = (packed - prefix) / IPV4_PACK;
  const last = first + 2 ** (32 - prefix) - 1;
  for (const union of rule.unions) if (union.overlaps(first, last)) return -1;
  return packed;
}

/**
 * One code per LF-terminated line of `bytes`, split as the plain-list reader splits (one CR before
 * the LF is not part of the line): -1 for an empty line. Bytes after the last LF get no code.
 */
export function screenLines(bytes: Uint8Array, rule: LineScreenRule): Float64Array {
  // A Buffer view: its indexOf is memchr.
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  let lines = 0;
  for (let i = b.indexOf(LF); i >= 0; i = b.indexOf(LF, i + 1)) lines++;
  const codes = new Float64Array(lines);
  let start = 0;
  for (let j = 0; j < lines; j++) {
    const nl = b.indexOf(LF, start);
    const end = nl > start && b[nl - 1] === CR ? nl - 1 : nl;
    codes[j] = end > start ? screenLine(b, start, end, rule) : -1;
    start = nl + 1;
  }
  return codes;
}
