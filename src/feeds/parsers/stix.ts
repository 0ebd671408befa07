/**
 * STIX 2.0 and 2.1 bundles: indicators, top-level SCOs (domain-name, ipv4-addr, ipv6-addr, url,
 * email-addr) and STIX 2.0 `observed-data` objects. 2.0 puts `spec_version` on the bundle, 2.1 on
 * each object.
 *
 * An indicator's pattern is read, not evaluated (stix-pattern.ts). What blocks, and why:
 * - `=`, `IN` and (for addresses) `ISSUBSET 'cidr'` name exact values or networks: each is blocked.
 * - AND, OR and FOLLOWEDBY (and WITHIN, REPEATS) join such comparisons: every one of them is an IOC
 *   in its own right for a blocklist (the common reading of IOC tools), so each value is blocked.
 *   Comparisons on ports and protocols (`network-traffic:dst_port`) only narrow another one: ignored,
 *   the address is blocked on every port.
 * - `!=`, `NOT …`, `LIKE`, `MATCHES` (a regex), `ISSUPERSET`, `<`, `>`, `<=`, `>=` never name the value
 *   to block: its operands are rejected as `invalid` with the operator in the detail, never blocked.
 * - `valid_until` and a `STOP` qualifier end the values' life (expiry); `valid_from` and `START` begin
 *   it: before then the collector rejects them as `expired` ("not valid until …"). A time that cannot be
 *   read makes the values `invalid`, never "always valid".
 * - An indicator that is not STIX (`pattern_type` snort, sigma, yara, …), has no pattern, or whose
 *   pattern names nothing to block is rejected whole (its pattern as the value). A revoked indicator
 *   (withdrawn by its publisher) gives each value it names as a record the collector rejects.
 */
import { z } from 'zod';
import { FeedError } from '../../errors.js';
import type { ParsedFeed, RawRecord, ValueHint } from '../types.js';
import { FeedBuilder, parseJson, validate } from './json-util.js';
import { toIsoTime } from './line-parser.js';
import { readPattern, type Comparison } from './stix-pattern.js';

const stixObject = z.looseObject({ type: z.string(), spec_version: z.string().optional() });
const bundleSchema = z.looseObject({
  type: z.literal('bundle'),
  spec_version: z.string().optional(),
  objects: z.array(stixObject).default([]),
});
const indicatorSchema = z.looseObject({
  pattern: z.string(),
  pattern_type: z.string().optional(),
  valid_from: z.string().optional(),
  valid_until: z.string().optional(),
  created: z.string().optional(),
  revoked: z.boolean().optional(),
});
const scoSchema = z.looseObject({
  type: z.string(),
  value: z.union([z.string(), z.number()]).transform(String),
});
const observedSchema = z.looseObject({
  first_observed: z.string().optional(),
  objects: z.record(z.string(), z.looseObject({ type: z.string() })).optional(),
});

/** SCO types whose `value` is an indicator, with the hint each gives. */
const SCO_HINTS: Record<string, ValueHint> = {
  'domain-name': 'domain',
  'ipv4-addr': 'ip',
  'ipv6-addr': 'ip',
  url: 'url',
  'email-addr': 'email',
};

/** Hint for a comparison path; null when the comparison only qualifies another (ports, protocols). */
function pathHint(objectType: string, property: string): ValueHint | undefined | null {
  if (property === 'value' && objectType in SCO_HINTS) return SCO_HINTS[objectType];
  if (property.startsWith('hashes')) return 'hash';
  if (objectType === 'network-traffic') {
    if (/^(dst|src)_ref\.value$/.test(property)) return undefined; // an IP or a name: let the normaliser say
    return null;
  }
  if (objectType === 'email-message' && /_ref\.value$/.test(property)) return 'email';
  return 'other';
}

/** Why the operands of `c` must not be blocked, or undefined when each names a value to block. */
function unsupported(c: Comparison, hint: ValueHint | undefined): string | undefined {
  const op = c.negated ? `NOT ${c.operator}` : c.operator;
  // ISSUBSET 'cidr' matches exactly the addresses of that network: blocking the network is the pattern.
  const exact =
    c.operator === '=' ||
    c.operator === 'IN' ||
    (c.operator === 'ISSUBSET' && (hint === 'ip' || hint === undefined));
  if (!c.negated && exact) return undefined;
  return `unsupported STIX comparison "${op}" (only =, IN, ISSUBSET and AND/OR/FOLLOWEDBY of them block)`;
}

/** A STIX time of `what`, as ISO-8601; `problem` set when it is there but not a time. */
function stixTime(
  text: string | undefined,
  what: string,
  base: Omit<RawRecord, 'value'>,
): string | undefined {
  const iso = toIsoTime(text);
  if (iso === undefined && text !== undefined)
    base.problem ??= `STIX ${what} ${JSON.stringify(text.slice(0, 40))} is not a time`;
  return iso;
}

/** The indicator's lifetime narrowed by the START/STOP windows of one comparison. */
function withWindows(c: Comparison, base: Omit<RawRecord, 'value'>): Omit<RawRecord, 'value'> {
  if (c.windows.length === 0) return base;
  const out = { ...base };
  for (const w of c.windows) {
    const start = stixTime(w.start, 'START qualifier', out);
    const stop = stixTime(w.stop, 'STOP qualifier', out);
    // ISO-8601 UTC strings of one format compare as times.
    if (start !== undefined && (out.validFrom === undefined || start > out.validFrom)) out.validFrom = start;
    if (stop !== undefined && (out.validUntil === undefined || stop < out.validUntil)) out.validUntil = stop;
  }
  return out;
}

class StixWalker {
  readonly out = new FeedBuilder();

  indicator(obj: unknown, line: number): void {
    const parsed = indicatorSchema.safeParse(obj);
    if (!parsed.success) {
      const id = (obj as { id?: unknown }).id;
      const value = typeof id === 'string' && id !== '' ? id : JSON.stringify(obj).slice(0, 120);
      this.out.add({ value, line, problem: 'STIX indicator without a readable pattern' });
      return;
    }
    const ind = parsed.data;
    if (ind.revoked === true) {
      // Withdrawn by its publisher: each value it names is a rejected row (the collector says why).
      const read = readPattern(ind.pattern);
      const values = 'error' in read ? [] : read.comparisons.flatMap((c) => c.values);
      for (const value of values.length > 0 ? values : [ind.pattern])
        this.out.add({ value, line, revoked: true });
      return;
    }
    if (ind.pattern_type !== undefined && ind.pattern_type !== 'stix') {
      // A Snort, Sigma or YARA rule is no STIX pattern: its text is never read for values.
      const problem = `pattern_type ${ind.pattern_type.slice(0, 40)} is not STIX`;
      this.out.add({ value: ind.pattern, line, problem });
      return;
    }
    const base: Omit<RawRecord, 'value'> = { line };
    const validUntil = stixTime(ind.valid_until, 'valid_until', base);
    if (validUntil !== undefined) base.validUntil = validUntil;
    // An unreadable valid_from must not turn into "valid already" any more than valid_until into "never".
    const validFrom = stixTime(ind.valid_from, 'valid_from', base);
    if (validFrom !== undefined) base.validFrom = validFrom;
    const firstSeen = validFrom ?? toIsoTime(ind.created);
    if (firstSeen !== undefined) base.firstSeen = firstSeen;
    const read = readPattern(ind.pattern);
    if ('error' in read) {
      // Unreadable: passed on whole and rejected visibly, never read in part.
      this.out.add({ ...base, value: ind.pattern, problem: `not a STIX pattern: ${read.error}` });
      return;
    }
    const before = this.out.records.length;
    for (const c of read.comparisons) {
      const hint = pathHint(c.objectType, c.property);
      if (hint === null) continue;
      const why = unsupported(c, hint);
      if (why !== undefined) {
        for (const value of c.values) this.out.add({ ...base, value, problem: why });
        continue;
      }
      const rec = withWindows(c, base);
      for (const value of c.values) this.out.add(hint ? { ...rec, value, hint } : { ...rec, value });
    }
    if (this.out.records.length === before) {
      const problem = 'the STIX pattern names no value to block (only EXISTS, ports or protocols)';
      this.out.add({ ...base, value: ind.pattern, problem: base.problem ?? problem });
    }
  }

  sco(obj: unknown, line: number, firstSeen?: string): void {
    const parsed = scoSchema.safeParse(obj);
    const hint = parsed.success ? SCO_HINTS[parsed.data.type] : undefined;
    if (!parsed.success || hint === undefined) return;
    const rec: RawRecord = { value: parsed.data.value, line, hint };
    if (firstSeen !== undefined) rec.firstSeen = firstSeen;
    this.out.add(rec);
  }

  object(obj: z.infer<typeof stixObject>, line: number): void {
    if (obj.type === 'indicator') this.indicator(obj, line);
    else if (obj.type in SCO_HINTS) this.sco(obj, line);
    else if (obj.type === 'observed-data') {
      const od = observedSchema.safeParse(obj);
      if (!od.success) return;
      const seen = toIsoTime(od.data.first_observed);
      for (const inner of Object.values(od.data.objects ?? {})) this.sco(inner, line, seen);
    }
  }
}

/** Parses a STIX 2.0/2.1 bundle (or a bare object list). Throws FeedError on malformed JSON or shape. */
export function parseStix(text: string): ParsedFeed {
  const data = parseJson(text, 'stix');
  let objects: z.infer<typeof stixObject>[];
  let version: string | undefined;
  if (Array.isArray(data)) {
    objects = validate(z.array(stixObject), data, 'STIX object list');
  } else if (typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'bundle') {
    const bundle = validate(bundleSchema, data, 'STIX bundle');
    objects = bundle.objects;
    version = bundle.spec_version;
  } else if (typeof data === 'object' && data !== null && 'type' in data) {
    objects = [validate(stixObject, data, 'STIX object')];
  } else {
    throw new FeedError('stix: unrecognised JSON shape (expected a bundle {"type":"bundle","objects":[…]})');
  }
  version ??= objects.find((o) => o.spec_version !== undefined)?.spec_version ?? '2.0';
  const w = new StixWalker();
  w.out.notice('info', `STIX ${version}`);
  objects.forEach((o, i) => w.object(o, i + 1));
  if (w.out.records.length === 0) w.out.notice('warn', 'STIX bundle has no indicators');
  return w.out.build('stix');
}
