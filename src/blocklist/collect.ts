/**
 * The fused per-record stage of `compile`: classify → guard → expiry → compact storage, one record at a
 * time, so a million-line feed never becomes a million objects per stage. Every record ends either in
 * the aggregator or in the reject log, with exactly one reason.
 *
 * MISP attributes with `to_ids=false` (when the source keeps `mispToIdsOnly`, the default) are rejected
 * as `not-network` with detail `to_ids=false`: the publisher marked them as context, not as something to
 * detect or block on (ioc-sources §7.6).
 */
import type { RawRecord } from '../feeds/types.js';
import { classify } from '../indicators/classify.js';
import {
  canonicalIPv4Text,
  classifyIPv4Packed,
  classifyIPv4PackedBytes,
  IPV4_PACK,
  isCanonicalDomainFast,
  NameScan,
  scanCanonicalDomain,
} from '../indicators/fast-path.js';
import { ipv4BlockSize } from '../indicators/ip.js';
import type { NetworkIndicator } from '../indicators/types.js';
import { Aggregator } from './aggregate/aggregate.js';
import { parseCidr4Into } from './engine/cidr.js';
import { parseCidr6 } from './engine/cidr6.js';
import { expiryDetail, recordExpiry, timeMs, type ExpiryInput } from './lifetime/expiry.js';
import type { Guard } from './guard/guard.js';
import type { CarvedPart } from './guard/types.js';
import type { SourceSets } from './aggregate/provenance.js';
import { RejectLog } from './rejects.js';
import type { RetainedValue, RetentionStore } from './lifetime/retention.js';
import type { RejectReason } from './types.js';

/** One source as the collector sees it. */
export interface SourceTrack {
  name: string;
  /** Set id of `{name}` in the compile's `SourceSets`. */
  set: number;
  ttlDays?: number | undefined;
  /** Reject MISP `to_ids=false` records (default true). */
  toIdsOnly?: boolean;
  /** Retention state of configured sources; absent for `--input` files. */
  retention?: RetentionStore | undefined;
}

/** What happened to one indicator (or one unclassifiable raw value), for `check`. */
export interface Outcome {
  source: string;
  raw: string;
  line: number;
  /** The canonical indicator, when the raw value classified. */
  indicator?: NetworkIndicator;
  /** `accepted`, `retained` (kept after leaving its feed) or the reject reason. */
  status: 'accepted' | 'retained' | RejectReason;
  detail?: string;
}

/** Options of a collector. */
export interface CollectorOptions {
  sets: SourceSets;
  guard: Guard;
  nowMs: number;
  /** Persist first sightings (compile with a config); otherwise state is only read. */
  updateState: boolean;
  /** Called for every outcome (explain); absent on the hot path. */
  observe?: (o: Outcome) => void;
}

const scratch = [0, 0];

/** Collects records of every source into one aggregator and one reject log. */
export class Collector {
  readonly aggregator: Aggregator;
  readonly rejects = new RejectLog();
  /**
   * Protected parts carved out of accepted networks (guard/carve.ts), canonical text: the aggregator
   * subtracts them from every entry, like allowlisted networks.
   */
  readonly carved = new Set<string>();
  /** Accepted single addresses inside CDN ranges (`sharedHostPolicy: warn`), per source. */
  readonly sharedHosts = new Map<string, { count: number; example: string }>();

  /** Dots and suffix hashes of the last host name scanned from bytes (reused: no allocation per name). */
  private readonly scan = new NameScan();

  /** True when nobody observes outcomes, so canonical values need no indicator objects. */
  private readonly fast: boolean;

  constructor(private readonly o: CollectorOptions) {
    this.aggregator = new Aggregator(o.sets);
    this.fast = o.observe === undefined;
  }

  /** Processes one raw record of `src`. */
  record(rec: RawRecord, src: SourceTrack): void {
    if (rec.problem !== undefined) {
      this.reject(rec.value, src, 'invalid', rec.problem, rec);
      return;
    }
    if (rec.toIds === false && src.toIdsOnly !== false) {
      this.reject(rec.value, src, 'not-network', 'to_ids=false', rec);
      return;
    }
    if (rec.revoked === true) {
      this.reject(rec.value, src, 'expired', 'revoked by its publisher', rec);
      return;
    }
    // Not an indicator yet (STIX valid_from in the future): `expired` is the reason of every value
    // outside its validity period, before it as after it. Only the collector knows the run's clock.
    if (rec.validFrom !== undefined && timeMs(rec.validFrom) > this.o.nowMs) {
      this.reject(rec.value, src, 'expired', `not valid until ${rec.validFrom}`, rec);
      return;
    }
    // A record without clocks, retention or a hint that changes classification: try the
    // allocation-free path first (same verdicts, see fastRecord).
    if (
      this.fast &&
      rec.validUntil === undefined &&
      rec.firstSeen === undefined &&
      rec.hint !== 'hash' &&
      rec.hint !== 'email' &&
      src.ttlDays === undefined &&
      src.retention === undefined &&
      this.fastRecord(rec.value, src)
    ) {
      return;
    }
    this.general(rec, src);
  }

  /** `record({ value, line }, src)` for a plain-list value, without the caller building the record. */
  recordValue(value: string, line: number, src: SourceTrack): void {
    if (this.fast && src.ttlDays === undefined && src.retention === undefined && this.fastRecord(value, src))
      return;
    this.general({ value, line }, src);
  }

  /**
   * The plain-list fast path (feeds/plain-bytes.ts): takes the line `b[start, end)` when it is a
   * canonical IPv4 value or host name — classified, guarded and stored from the bytes — and returns
   * true; false leaves the line to the reader's text path (then `recordValue`).
   */
  recordToken(b: Buffer, start: number, end: number, src: SourceTrack): boolean {
    if (!this.fast || src.ttlDays !== undefined || src.retention !== undefined) return false;
    const packed = classifyIPv4PackedBytes(b, start, end);
    if (packed >= 0) {
      this.storeIPv4(packed, src, b, start, end);
      return true;
    }
    const scan = this.scan;
    if (!scanCanonicalDomain(b, start, end, scan)) return false;
    const verdict = this.o.guard.checkDomainScanned(b, start, end, scan);
    if (verdict === null) this.aggregator.addDomainBytes(b, start, end, src.set, scan.hash);
    else this.rejects.add(b.toString('latin1', start, end), src.set, verdict.reason, verdict.detail);
    return true;
  }

  /** Guards and stores a packed IPv4 value (fast-path.ts) whose text is `value` or `b[start, end)`. */
  private storeIPv4(packed: number, src: SourceTrack, b: Buffer | string, start = 0, end = 0): void {
    // IPV4_PACK is a power of two: floor and subtract, not a floating-point remainder.
    const first = Math.floor(packed / IPV4_PACK);
    const prefix = packed - first * IPV4_PACK;
    const last = first + ipv4BlockSize(prefix) - 1;
    const guard = this.o.guard;
    const verdict = guard.checkIPv4(first, last, prefix);
    if (verdict !== null) {
      if (verdict.carve !== undefined) this.carveOut(verdict.carve, src);
      else {
        // The text is `start/prefix` in canonical form (canonicalIPv4Text): kept as numbers.
        this.rejects.addIPv4(first, prefix, src.set, verdict.reason, verdict.detail);
        return;
      }
    }
    if (guard.sharedHostIPv4(first, last, prefix) !== null) {
      const raw = typeof b === 'string' ? b : b.toString('latin1', start, end);
      this.noteSharedHost(src, canonicalIPv4Text(raw, first, prefix));
    }
    this.aggregator.addV4(first, last, src.set, Infinity, Infinity);
  }

  /** The general path of `record`: full classification, then `accept` per indicator. */
  private general(rec: RawRecord, src: SourceTrack): void {
    const c = classify(rec.value, rec.hint);
    if (!c.ok) {
      this.reject(rec.value, src, c.reason, c.detail, rec);
      return;
    }
    const validUntil = timeMs(rec.validUntil);
    const feedFirst = timeMs(rec.firstSeen);
    for (const ind of c.indicators) this.accept(ind, rec, src, validUntil, feedFirst, undefined);
  }

  /**
   * The hot path for an already-canonical IPv4 value or host name: the same strict classification
   * (fast-path.ts accepts only what `classify` would return unchanged), the full guard through its
   * numeric / suffix-table entry points, and the same storage — without a Classification, an
   * indicator object or a re-parse. Returns false when the value needs the general path.
   */
  private fastRecord(value: string, src: SourceTrack): boolean {
    const packed = classifyIPv4Packed(value);
    if (packed >= 0) {
      this.storeIPv4(packed, src, value);
      return true;
    }
    if (!isCanonicalDomainFast(value)) return false;
    const verdict = this.o.guard.checkDomainName(value);
    if (verdict !== null) this.rejects.add(value, src.set, verdict.reason, verdict.detail);
    else this.aggregator.addDomain(value, src.set, Infinity, Infinity, true);
    return true;
  }

  /** Re-admits a value that left its feed but is inside its retention period. */
  retained(rv: RetainedValue, src: SourceTrack): void {
    const rec: RawRecord = { value: rv.value, line: 0 };
    const c = classify(rv.value);
    if (!c.ok) {
      this.reject(rv.value, src, c.reason, `retained value: ${c.detail}`, rec);
      return;
    }
    for (const ind of c.indicators) this.accept(ind, rec, src, Infinity, rv.firstSeen, rv.retainUntil);
  }

  private accept(
    ind: NetworkIndicator,
    rec: RawRecord,
    src: SourceTrack,
    validUntil: number,
    feedFirst: number,
    retainUntil: number | undefined,
  ): void {
    const verdict = this.o.guard.check(ind);
    let carved: string | undefined;
    if (verdict?.carve !== undefined) {
      this.carveOut(verdict.carve, src);
      carved = `carved out: ${verdict.carve.map((p) => `${p.value} (${p.reason}: ${p.detail})`).join(', ')}`;
    } else if (verdict !== null) {
      const detail = retainUntil === undefined ? verdict.detail : `retained value: ${verdict.detail}`;
      this.reject(ind.value, src, verdict.reason, detail, rec, ind);
      return;
    }
    if (ind.type === 'ip' && this.o.guard.sharedHost(ind) !== null) this.noteSharedHost(src, ind.value);
    const nowMs = this.o.nowMs;
    let firstSeen = feedFirst;
    const store = src.retention;
    if (store !== undefined && retainUntil === undefined) {
      // Seen in memory in read-only runs too (the store is saved only when `updateState`): a value in
      // its feed today is then not replayed as retained, and `plan`/`audit` compile the very entries,
      // expiry and digest that `sync` and `compile` do.
      firstSeen = store.see(src.name, ind.value, nowMs, feedFirst);
    }
    let expiresAt = Infinity;
    // Plain lists have no clocks at all: skip the expiry object on the hot path.
    if (validUntil !== Infinity || src.ttlDays !== undefined || retainUntil !== undefined) {
      const x: ExpiryInput = { validUntil, firstSeen, ttlDays: src.ttlDays, nowMs };
      if (retainUntil !== undefined) x.retainUntil = retainUntil;
      expiresAt = recordExpiry(x);
      if (expiresAt <= nowMs) {
        this.reject(ind.value, src, 'expired', expiryDetail(x, expiresAt), rec, ind);
        return;
      }
    }
    const agg = this.aggregator;
    if (ind.type === 'domain') agg.addDomain(ind.value, src.set, expiresAt, firstSeen);
    else if (ind.family === 4) {
      if (parseCidr4Into(ind.value, scratch))
        agg.addV4(scratch[0] ?? 0, scratch[1] ?? 0, src.set, expiresAt, firstSeen);
      else this.reject(ind.value, src, 'invalid', 'not a canonical IPv4 value', rec, ind);
    } else {
      const iv = parseCidr6(ind.value);
      if (iv) agg.addV6(iv.start, iv.end, src.set, expiresAt, firstSeen);
      else this.reject(ind.value, src, 'invalid', 'not a canonical IPv6 value', rec, ind);
    }
    this.o.observe?.({
      source: src.name,
      raw: rec.value,
      line: rec.line,
      indicator: ind,
      status: retainUntil === undefined ? 'accepted' : 'retained',
      ...(carved === undefined ? {} : { detail: carved }),
    });
  }

  /** Rejects the protected parts of an accepted network and keeps them as holes for the aggregator. */
  private carveOut(parts: readonly CarvedPart[], src: SourceTrack): void {
    for (const part of parts) {
      // An IPv4 part is kept as numbers, like every other rejected address on this path (the reject
      // log then orders it by number, not by comparing its text with every address's).
      const packed = classifyIPv4Packed(part.value);
      const prefix = packed % IPV4_PACK;
      const first = (packed - prefix) / IPV4_PACK;
      if (packed >= 0 && canonicalIPv4Text(part.value, first, prefix) === part.value)
        this.rejects.addIPv4(first, prefix, src.set, part.reason, part.detail);
      else this.rejects.add(part.value, src.set, part.reason, part.detail);
      this.carved.add(part.value);
    }
  }

  private reject(
    value: string,
    src: SourceTrack,
    reason: RejectReason,
    detail: string,
    rec: RawRecord,
    ind?: NetworkIndicator,
  ): void {
    this.rejects.add(value, src.set, reason, detail);
    if (this.o.observe) {
      const o: Outcome = { source: src.name, raw: rec.value, line: rec.line, status: reason, detail };
      if (ind) o.indicator = ind;
      this.o.observe(o);
    }
  }

  private noteSharedHost(src: SourceTrack, value: string): void {
    const s = this.sharedHosts.get(src.name);
    if (s) s.count++;
    else this.sharedHosts.set(src.name, { count: 1, example: value });
  }
}
