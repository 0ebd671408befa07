/**
 * The canonical document's lines from the aggregator's columns (`BlocklistDocument.writeEntries` /
 * `writeRejected`), formatted straight into a reusable buffer (byte-writer.ts) instead of a million
 * strings. Heads and tails come from line.ts (the one formatter), encoded once per source set and
 * copied as bytes around the values; document-bytes.test.ts holds the result byte-identical to a
 * blocklist object serialised line by line.
 */
import { formatCidr6 } from '../engine/cidr6.js';
import type { Aggregated } from '../aggregate/aggregate.js';
import type { ByteWriter } from '../engine/byte-writer.js';
import {
  DOMAIN_HEAD,
  entryHead,
  entryLine,
  entryTail,
  IP_HEAD,
  lineSeparator,
  REJECTED_HEAD,
  rejectedTail,
} from './line.js';
import type { SourceSets } from '../aggregate/provenance.js';
import type { RejectLog } from '../rejects.js';

/** Formats ms times as ISO-8601, remembering the last one (runs of equal times are the norm). */
export class TimeFormatter {
  private lastMs = NaN;
  private lastIso = '';

  /** ISO text, or undefined for `Infinity` (none). */
  iso(ms: number): string | undefined {
    if (ms === Infinity) return undefined;
    if (ms !== this.lastMs) {
      this.lastMs = ms;
      this.lastIso = new Date(ms).toISOString();
    }
    return this.lastIso;
  }
}

/** The constant start of an IP entry up to its value's opening quote, encoded once. */
const IP_QUOTE = Buffer.from(`${IP_HEAD}"`);

/** The JSON line of IPv6 entry `i` (few enough that both serialisations share this one string path). */
export function ipv6EntryJson(
  v6: Aggregated['v6'],
  i: number,
  sets: SourceSets,
  seen: TimeFormatter,
  exp: TimeFormatter,
): string {
  const value = formatCidr6(v6.start[i] ?? 0n, v6.prefix[i] ?? 0);
  return entryLine(
    'ip',
    `"${value}"`,
    sets.jsonOf(v6.set[i] ?? 0),
    seen.iso(v6.firstSeen[i] ?? 0),
    exp.iso(v6.expiresAt[i] ?? 0) ?? null,
  );
}

/** Writes what goes before entry number `n` of a body. */
function separator(w: ByteWriter, n: number): void {
  w.ascii(lineSeparator(n));
}

/**
 * The entry lines of an aggregation in canonical order, in the file layout (`\n` e1 `,\n` e2 … `\n`), written
 * straight into `w`: IPs are formatted into bytes and the constant tail of an entry (sources, times)
 * is encoded once per source set, so a million entries allocate no strings.
 */
export function writeEntries(agg: Aggregated, sets: SourceSets, w: ByteWriter): void {
  const { domains, v4, v6 } = agg;
  const exp = new TimeFormatter();
  const seen = new TimeFormatter();
  const tailOf = (type: 'domain' | 'ip', set: number, first: number, expires: number): string =>
    entryTail(type, sets.jsonOf(set), seen.iso(first), exp.iso(expires) ?? null);
  const plainTails = new Map<number, Buffer>();
  const plainTail = (type: 'domain' | 'ip', set: number): Buffer => {
    const key = type === 'domain' ? -1 - set : set;
    let b = plainTails.get(key);
    if (b === undefined) {
      b = Buffer.from(tailOf(type, set, Infinity, Infinity), 'utf8');
      plainTails.set(key, b);
    }
    return b;
  };
  let n = 0;
  for (let k = 0; k < domains.length;) {
    const set = domains.set[k] ?? 0;
    const first = domains.firstSeen[k] ?? Infinity;
    const expires = domains.expiresAt[k] ?? Infinity;
    if (domains.plain && first === Infinity && expires === Infinity) {
      // A run of plain entries of one source set: the bytes between two names are one constant.
      let end = k + 1;
      while (
        end < domains.length &&
        domains.set[end] === set &&
        domains.firstSeen[end] === Infinity &&
        domains.expiresAt[end] === Infinity
      )
        end++;
      writePlainDomainRun(w, domains, k, end, plainTail('domain', set), n);
      n += end - k;
      k = end;
      continue;
    }
    separator(w, n++);
    w.ascii(entryHead('domain'));
    w.jsonString(domains.names.text(domains.ids[k] ?? 0));
    if (first === Infinity && expires === Infinity) w.bytes(plainTail('domain', set));
    else w.utf8(tailOf('domain', set, first, expires));
    k++;
  }
  for (let i = 0; i < v4.length; i++) {
    const plainSet = v4.set[i] ?? 0;
    if (v4.firstSeen.get(i) === Infinity && v4.expiresAt.get(i) === Infinity) {
      let end = i + 1;
      while (
        end < v4.length &&
        v4.set[end] === plainSet &&
        v4.firstSeen.get(end) === Infinity &&
        v4.expiresAt.get(end) === Infinity
      )
        end++;
      writePlainIPv4Run(w, v4, i, end, plainTail('ip', plainSet), n);
      n += end - i;
      i = end - 1;
      continue;
    }
    separator(w, n++);
    w.bytes(IP_QUOTE);
    w.ipv4(v4.start[i] ?? 0);
    const p = v4.prefix[i] ?? 32;
    if (p !== 32) {
      w.ascii('/');
      w.small(p);
    }
    w.ascii('"');
    const set = v4.set[i] ?? 0;
    const first = v4.firstSeen.get(i);
    const expires = v4.expiresAt.get(i);
    if (first === Infinity && expires === Infinity) w.bytes(plainTail('ip', set));
    else w.utf8(tailOf('ip', set, first, expires));
  }
  for (let i = 0; i < v6.start.length; i++) {
    separator(w, n++);
    w.utf8(ipv6EntryJson(v6, i, sets, seen, exp));
  }
  if (n > 0) w.ascii('\n');
}

/** Per octet value: its decimal digits' byte count, then up to three digit bytes. */
const OCTET_DIGITS = new Uint8Array(256 * 4);
for (let v = 0; v < 256; v++) {
  const text = String(v);
  OCTET_DIGITS[4 * v] = text.length;
  for (let k = 0; k < text.length; k++) OCTET_DIGITS[4 * v + 1 + k] = text.charCodeAt(k);
}

/**
 * Writes the text of `start/prefix` (no `/32`) into `buf` at `p` from the digit table; returns the
 * position after it. At most 18 bytes.
 */
function writeIPv4Text(buf: Buffer, at: number, start: number, prefix: number): number {
  let p = at;
  for (let shift = 24; shift >= 0; shift -= 8) {
    const d = 4 * ((start >>> shift) & 255);
    const len = OCTET_DIGITS[d] ?? 1;
    buf[p] = OCTET_DIGITS[d + 1] ?? 48;
    if (len > 1) buf[p + 1] = OCTET_DIGITS[d + 2] ?? 48;
    if (len > 2) buf[p + 2] = OCTET_DIGITS[d + 3] ?? 48;
    p += len;
    if (shift > 0) buf[p++] = 46;
  }
  if (prefix !== 32) {
    buf[p++] = 47;
    const d = 4 * prefix;
    buf[p++] = OCTET_DIGITS[d + 1] ?? 48;
    if (prefix > 9) buf[p++] = OCTET_DIGITS[d + 2] ?? 48;
  }
  return p;
}

/**
 * Writes IPv4 entries `[from, to)` — no times, one source set whose encoded tail is `tail` — like
 * `writePlainDomainRun`: one constant copy between two values, the dotted quad from a digit table.
 */
function writePlainIPv4Run(
  w: ByteWriter,
  v4: Aggregated['v4'],
  from: number,
  to: number,
  tail: Buffer,
  n: number,
): void {
  const between = Buffer.concat([Buffer.from('"'), tail, Buffer.from(lineSeparator(1)), IP_QUOTE]);
  separator(w, n);
  w.bytes(IP_QUOTE);
  // Room for a block of entries at once (a dotted quad with its prefix is at most 18 bytes), then
  // plain stores: one bounds check per block instead of one per entry.
  for (let block = from; block < to; block += BLOCK) {
    const count = Math.min(BLOCK, to - block);
    const buf = w.room(count * (between.length + 18));
    let p = w.pos;
    for (let i = block; i < block + count; i++) {
      if (i > from) {
        buf.set(between, p);
        p += between.length;
      }
      p = writeIPv4Text(buf, p, v4.start[i] ?? 0, v4.prefix[i] ?? 32);
    }
    w.pos = p;
  }
  w.ascii('"');
  w.bytes(tail);
}

/** Entries per prefetch block of `writePlainDomainRun`. */
const BLOCK = 1024;

/** The constant start of a domain entry up to its value's opening quote, encoded once. */
const DOMAIN_QUOTE = Buffer.from(`${DOMAIN_HEAD}"`);

/**
 * Writes entries `[from, to)` of `domains` — plain names (no JSON escapes), no times, one source set
 * whose encoded tail is `tail` — as `{"type":"domain","value":"name"tail`, separated like every entry.
 * Between two names the bytes are always `"` tail `,\n` head, so each entry is one constant copy and
 * the name's own bytes, straight from the arena.
 */
function writePlainDomainRun(
  w: ByteWriter,
  domains: Aggregated['domains'],
  from: number,
  to: number,
  tail: Buffer,
  n: number,
): void {
  const between = Buffer.concat([Buffer.from('"'), tail, Buffer.from(lineSeparator(1)), DOMAIN_QUOTE]);
  const { bytes, off, len } = domains.names;
  const ids = domains.ids;
  separator(w, n);
  w.bytes(DOMAIN_QUOTE);
  const blockOff = new Int32Array(BLOCK);
  const blockLen = new Int32Array(BLOCK);
  for (let from0 = from; from0 < to; from0 += BLOCK) {
    const count = Math.min(BLOCK, to - from0);
    // Sorted order is random order in the arena: gather the block's positions and touch its bytes
    // in a tight loop first, where the CPU overlaps the cache misses, then copy from cache.
    let touched = 0;
    let size = 0;
    for (let j = 0; j < count; j++) {
      const id = ids[from0 + j] ?? 0;
      const o = off[id] ?? 0;
      const l = len[id] ?? 0;
      blockOff[j] = o;
      blockLen[j] = l;
      size += l;
      touched |= bytes[o] ?? 0;
    }
    w.touched = touched;
    // Room for the whole block at once, then plain stores.
    const buf = w.room(size + count * between.length);
    let p = w.pos;
    for (let j = 0; j < count; j++) {
      const o = blockOff[j] ?? 0;
      const l = blockLen[j] ?? 0;
      if (from0 + j > from) {
        buf.set(between, p);
        p += between.length;
      }
      for (let i = 0; i < l; i++) buf[p + i] = bytes[o + i] ?? 0;
      p += l;
    }
    w.pos = p;
  }
  w.ascii('"');
  w.bytes(tail);
}

/** The rejected-value lines in the order given, in the file layout (like `writeEntries`). */
export function writeRejected(
  rejects: RejectLog,
  order: readonly number[],
  sets: SourceSets,
  w: ByteWriter,
): void {
  // Tails by set and reason, then by detail: details are a handful of shared label strings, so this
  // is two column reads and one Map hit per row, with no key string built.
  const tails: Map<string | undefined, Buffer>[] = [];
  // `\n{"value":` before the first row, `,\n{"value":` before the others.
  const firstHead = Buffer.from(`${lineSeparator(0)}${REJECTED_HEAD}`);
  const head = Buffer.from(`${lineSeparator(1)}${REJECTED_HEAD}`);
  // An address row is `head "quad" tail`: its quotes travel with the constants around it.
  const firstOpen = Buffer.from(`${lineSeparator(0)}${REJECTED_HEAD}"`);
  const open = Buffer.from(`${lineSeparator(1)}${REJECTED_HEAD}"`);
  // Sorted rows come in runs of one source, reason and detail: the last tail is reused as it is.
  let lastSlot = -1;
  let lastDetail: string | undefined;
  let tail: Buffer = Buffer.alloc(0);
  let close: Buffer = Buffer.from('"');
  for (let k = 0; k < order.length; k++) {
    const i = order[k] ?? 0;
    const slot = rejects.setAt(i) * 32 + rejects.reasonIndexAt(i);
    const detail = rejects.detailAt(i);
    if (slot !== lastSlot || detail !== lastDetail) {
      const byDetail = (tails[slot] ??= new Map());
      let found = byDetail.get(detail);
      if (found === undefined) {
        found = rejectedTailBytes(rejects, i, sets);
        byDetail.set(detail, found);
      }
      tail = found;
      close = Buffer.concat([Buffer.from('"'), tail]);
      lastSlot = slot;
      lastDetail = detail;
    }
    const ip = rejects.ipv4StartAt(i);
    if (ip >= 0) {
      // An address row: the opening, the dotted quad and the closing straight into the buffer.
      const buf = w.room(open.length + 18 + close.length);
      let p = w.pos;
      const o = k === 0 ? firstOpen : open;
      buf.set(o, p);
      p = writeIPv4Text(buf, p + o.length, ip, rejects.ipv4PrefixAt(i));
      buf.set(close, p);
      w.pos = p + close.length;
      continue;
    }
    w.bytes(k === 0 ? firstHead : head);
    w.jsonString(rejects.valueAt(i));
    w.bytes(tail);
  }
  if (order.length > 0) w.ascii('\n');
}

/** The encoded `,"source":…}` tail of rejected value `i`. */
function rejectedTailBytes(rejects: RejectLog, i: number, sets: SourceSets): Buffer {
  const tail = rejectedTail(sets.sourceName(rejects.setAt(i)), rejects.reasonAt(i), rejects.detailAt(i));
  return Buffer.from(tail, 'utf8');
}
