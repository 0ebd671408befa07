/**
 * The rejected-values log of a compile, in columns (a feed full of RFC 1918 addresses rejects
 * hundreds of thousands of values; they should cost a few numbers each, not an object or a string).
 *
 * IPv4 values rejected on the fast path are kept as numbers (network start and prefix) and only
 * become text when written; canonical order is still code-unit order of the text, which for dotted
 * quads is the order of their octets' decimal strings (`ipv4TextKey`), so they sort as numbers.
 */
import { formatIPv4 } from '../indicators/ip.js';
import { REJECT_REASONS, type RejectReason } from './types.js';
import { compareCodeUnits, type SourceSets } from './aggregate/provenance.js';
import { orderRejectRows, type RejectRows } from './rejects-order.js';
import { U32Column } from './engine/columns.js';

const REASON_INDEX = new Map<string, number>(REJECT_REASONS.map((r, i) => [r, i]));

/** `ipPrefix` of a text row (an IPv4 row's is 0–32). */
const TEXT_ROW = 255;

/** Rows held before exact duplicates are folded (and the bound applied): a few tens of MB at most. */
const COMPACT_AT = 1 << 18;

/**
 * Distinct rejected values a compile lists. A feed of millions of distinct junk tokens would otherwise
 * hold every one in memory and in the file; past this the first ones in canonical order are listed
 * and the rest counted, in one summary row per source and reason (see {@link RejectLog.summarise}).
 */
export const MAX_REJECTED_ROWS = 100_000;

/**
 * Every value not in `entries`, with its one reason and source. Numbers sit in typed columns (a few
 * bytes a row, read in sorted order when the document is written); a detail is an index into a
 * table of the handful of distinct detail strings.
 */
export class RejectLog implements RejectRows {
  /** The value's text; undefined for an IPv4 row (see `ipStart`). */
  private text: (string | undefined)[] = [];
  /** IPv4 rows: the network start (unsigned). */
  private ipStart = new U32Column();
  /** IPv4 rows: the prefix length (32: a single address, written without `/32`); TEXT_ROW for text. */
  private ipPrefix = new U32Column();
  private setCol = new U32Column();
  private reasonCol = new U32Column();
  private detailCol = new U32Column();
  /** The distinct details, by the index `detailCol` holds. */
  private readonly details: (string | undefined)[] = [];
  private readonly detailIds = new Map<string | undefined, number>();
  /** Per reason index: exact duplicate rows folded away (see `compact`), still counted. */
  private readonly folded: number[] = REJECT_REASONS.map(() => 0);
  /** Rows held before exact duplicates are folded. */
  private compactAt: number;
  /** Distinct rows kept; see {@link MAX_REJECTED_ROWS}. */
  private readonly maxRows: number;
  /** Rows past `maxRows` dropped, by `set * 32 + reason index`. */
  private readonly omitted = new Map<number, number>();
  /**
   * Once the bound has been applied: the greatest value still listed. Only the first `maxRows` values
   * in value order are listed, so a later text value after it is counted at once, never held.
   */
  private cutoff: string | undefined;

  /** `compactAt`: see {@link COMPACT_AT}; `maxRows`: see {@link MAX_REJECTED_ROWS} (tests set them low). */
  constructor(options: { compactAt?: number; maxRows?: number } = {}) {
    this.compactAt = options.compactAt ?? COMPACT_AT;
    this.maxRows = options.maxRows ?? MAX_REJECTED_ROWS;
  }

  /** Rejected values counted but not listed (past the bound). */
  get omittedCount(): number {
    let n = this.summarised;
    for (const c of this.omitted.values()) n += c;
    return n;
  }

  /** Omitted values already turned into summary rows by {@link summarise}. */
  private summarised = 0;

  /** The rows listed, in canonical order, once {@link summarise} has run. */
  private listed: number[] | undefined;

  /**
   * Ends the log: enforces the bound on distinct rows and adds, per source and reason with values
   * past it, one row `(N more)` saying how many were counted but not listed. Call once, after the
   * last value is recorded and before the document is written; counts are unchanged by the summary
   * rows. The rows are ordered once, here: {@link canonicalOrder} then answers from that order.
   */
  summarise(sets: SourceSets): void {
    const order = this.canonicalOrder(sets);
    // Past the bound, the first rows in canonical order are listed; the rest are counted per source
    // and reason (they stay in the columns, where `countByReason` and `total` still count them).
    for (let k = this.maxRows; k < order.length; k++) {
      const i = order[k] ?? 0;
      const key = this.setAt(i) * 32 + this.reasonIndexAt(i);
      this.omitted.set(key, (this.omitted.get(key) ?? 0) + 1);
    }
    const listed = order.length > this.maxRows ? order.slice(0, this.maxRows) : order;
    const rest = this.canonicalTieBreak(sets);
    const compare = (a: number, b: number): number =>
      compareCodeUnits(this.valueAt(a), this.valueAt(b)) || rest(a, b);
    for (const [key, n] of [...this.omitted].sort((a, b) => a[0] - b[0])) {
      const r = key % 32;
      const detail = `not listed: a compile lists the first ${this.maxRows} distinct rejected values`;
      const row = this.text.length;
      this.text.push(`(${n} more)`);
      this.ipStart.push(0);
      this.ipPrefix.push(TEXT_ROW);
      this.setCol.push((key - r) / 32);
      this.reasonCol.push(r);
      this.detailCol.push(this.detailId(detail));
      this.folded[r] = (this.folded[r] ?? 0) - 1;
      this.summarised += n;
      // Into the listed order by binary search: a few summary rows among up to `maxRows`.
      let lo = 0;
      let hi = listed.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (compare(listed[mid] ?? 0, row) < 0) lo = mid + 1;
        else hi = mid;
      }
      listed.splice(lo, 0, row);
    }
    this.omitted.clear();
    this.listed = listed;
  }

  /** Records one rejected value from source set `set` (a single source). */
  add(value: string, set: number, reason: RejectReason, detail?: string): void {
    // A feed repeating one bad line: fold it on arrival instead of holding a row per repeat.
    const last = this.text.length - 1;
    if (
      last >= 0 &&
      this.text[last] === value &&
      this.setAt(last) === set &&
      this.reasonIndexAt(last) === REASON_INDEX.get(reason) &&
      this.detailAt(last) === detail
    ) {
      const r = this.reasonIndexAt(last);
      this.folded[r] = (this.folded[r] ?? 0) + 1;
      return;
    }
    if (this.cutoff !== undefined && compareCodeUnits(value, this.cutoff) > 0) {
      const r = REASON_INDEX.get(reason) ?? 0;
      const key = set * 32 + r;
      this.omitted.set(key, (this.omitted.get(key) ?? 0) + 1);
      this.folded[r] = (this.folded[r] ?? 0) + 1;
      return;
    }
    this.text.push(value);
    this.ipStart.push(0);
    this.ipPrefix.push(TEXT_ROW);
    this.push(set, reason, detail);
  }

  /** Records a rejected IPv4 network `start/prefix` (host bits clear) without making its text. */
  addIPv4(start: number, prefix: number, set: number, reason: RejectReason, detail?: string): void {
    this.text.push(undefined);
    this.ipStart.push(start);
    this.ipPrefix.push(prefix);
    this.push(set, reason, detail);
  }

  private push(set: number, reason: RejectReason, detail: string | undefined): void {
    this.setCol.push(set);
    this.reasonCol.push(REASON_INDEX.get(reason) ?? 0);
    this.detailCol.push(this.detailId(detail));
    if (this.text.length >= this.compactAt) this.compact();
  }

  /** The index of `detail` in the table of details (added when new). */
  private detailId(detail: string | undefined): number {
    let id = this.detailIds.get(detail);
    if (id === undefined) {
      id = this.details.length;
      // A detail may be a slice of a whole chunk of the feed's text, which would stay alive with it.
      const own = detach(detail);
      this.details.push(own);
      this.detailIds.set(own, id);
    }
    return id;
  }

  /** Number of rows (rejected values, less the exact duplicates folded away). */
  get length(): number {
    return this.text.length;
  }

  /** Number of rejected values recorded, duplicates included. */
  get total(): number {
    return this.folded.reduce((a, b) => a + b, this.text.length);
  }

  /**
   * Drops exact duplicate rows (value, source set, reason and detail all equal): the document lists
   * each once anyway, and a feed that repeats its rejected values then costs their distinct count.
   * `countByReason` and `total` still count every row recorded.
   */
  private compact(): void {
    const keep = new Uint8Array(this.text.length);
    const distinct = orderRejectRows(
      this,
      (a, b) =>
        this.setAt(a) - this.setAt(b) ||
        this.reasonIndexAt(a) - this.reasonIndexAt(b) ||
        compareCodeUnits(this.detailAt(a) ?? '', this.detailAt(b) ?? ''),
    );
    // Past the bound, the first rows in value order are kept; the rest are counted per source and reason.
    if (distinct.length > this.maxRows) this.cutoff = this.valueAt(distinct[this.maxRows - 1] ?? 0);
    for (let k = 0; k < distinct.length; k++) {
      const i = distinct[k] ?? 0;
      if (k < this.maxRows) keep[i] = 1;
      else {
        const key = this.setAt(i) * 32 + this.reasonIndexAt(i);
        this.omitted.set(key, (this.omitted.get(key) ?? 0) + 1);
      }
    }
    // The kept rows move down in place, in their order; a kept value may be a slice of a whole chunk
    // of the feed's text, which would stay alive with it: it keeps a copy of its own.
    const columns = [this.ipStart, this.ipPrefix, this.setCol, this.reasonCol, this.detailCol];
    let n = 0;
    for (let i = 0; i < keep.length; i++) {
      if (keep[i] === 0) {
        const r = this.reasonIndexAt(i);
        this.folded[r] = (this.folded[r] ?? 0) + 1;
        continue;
      }
      this.text[n] = detach(this.text[i]);
      for (const c of columns) c.data[n] = c.data[i] ?? 0;
      n++;
    }
    this.text.length = n;
    for (const c of columns) c.truncate(n);
    // Mostly distinct rows: wait until the log has doubled again.
    this.compactAt = Math.max(this.compactAt, 2 * this.text.length);
  }

  /** The text of rejected value `i`. */
  valueAt(i: number): string {
    const t = this.text[i];
    if (t !== undefined) return t;
    const prefix = this.ipv4PrefixAt(i);
    const address = formatIPv4(this.ipStart.data[i] ?? 0);
    return prefix === 32 ? address : `${address}/${prefix}`;
  }

  /** The network start of IPv4 row `i`, or -1 for a text row; its prefix is {@link ipv4PrefixAt}. */
  ipv4StartAt(i: number): number {
    return this.ipPrefix.data[i] === TEXT_ROW ? -1 : (this.ipStart.data[i] ?? -1);
  }

  /** The prefix length of IPv4 row `i`. */
  ipv4PrefixAt(i: number): number {
    return this.ipPrefix.data[i] ?? 32;
  }

  /** The source set of rejected value `i`. */
  setAt(i: number): number {
    return this.setCol.data[i] ?? 0;
  }

  /** The reason of rejected value `i`, as its index in REJECT_REASONS. */
  reasonIndexAt(i: number): number {
    return this.reasonCol.data[i] ?? 0;
  }

  /** The detail of rejected value `i`. */
  detailAt(i: number): string | undefined {
    return this.details[this.detailCol.data[i] ?? 0];
  }

  /** The reason of rejected value `i`. */
  reasonAt(i: number): RejectReason {
    return REJECT_REASONS[this.reasonIndexAt(i)] ?? 'invalid';
  }

  /** Counts by reason (every reason present, zero when none). */
  countByReason(): Record<RejectReason, number> {
    const out = Object.fromEntries(REJECT_REASONS.map((r, i) => [r, this.folded[i] ?? 0])) as Record<
      RejectReason,
      number
    >;
    const reasons = this.reasonCol.data;
    for (let i = 0; i < this.reasonCol.length; i++) {
      const name = REJECT_REASONS[reasons[i] ?? 0];
      if (name) out[name]++;
    }
    return out;
  }

  /**
   * Indices in canonical order (value, source, reason, detail; code units) with exact duplicates
   * removed; after {@link summarise}, the rows it listed (its bound applied, summary rows included).
   */
  canonicalOrder(sets: SourceSets): number[] {
    return this.listed ?? orderRejectRows(this, this.canonicalTieBreak(sets));
  }

  /** Orders two rows of one value by source name, reason and detail (0: an exact duplicate). */
  private canonicalTieBreak(sets: SourceSets): (a: number, b: number) => number {
    return (a, b) =>
      compareCodeUnits(sets.sourceName(this.setAt(a)), sets.sourceName(this.setAt(b))) ||
      compareCodeUnits(this.reasonAt(a), this.reasonAt(b)) ||
      compareCodeUnits(this.detailAt(a) ?? '', this.detailAt(b) ?? '');
  }

  /** The text of text row `i`; undefined for an IPv4 row. */
  textAt(i: number): string | undefined {
    return this.text[i];
  }
}

/** A flat copy of `s` that references no other string (V8 keeps substrings as views of their parent). */
function detach(s: string | undefined): string | undefined {
  return s === undefined || s.length < 13 ? s : Buffer.from(s, 'utf8').toString('utf8');
}
