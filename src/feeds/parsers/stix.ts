/**
 * STIX 2.0 and 2.1 bundles: indicators (`pattern`, OR-joined comparisons → several records;
 * `valid_until` → validUntil, `valid_from`/`created` → firstSeen; revoked indicators and non-STIX
 * pattern types are reported, not used), top-level SCOs (domain-name, ipv4-addr, ipv6-addr, url,
 * email-addr) and STIX 2.0 `observed-data` objects. 2.0 puts `spec_version` on the bundle, 2.1 on
 * each object.
 */
import { z } from 'zod';
import { FeedError } from '../../errors.js';
import type { ParsedFeed, RawRecord, ValueHint } from '../types.js';
import { FeedBuilder, parseJson, validate } from './json-util.js';
import { SkipCounter, toIsoTime } from './line-parser.js';
import { readPattern } from './stix-pattern.js';

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

class StixWalker {
  readonly out = new FeedBuilder();
  readonly skipped = new SkipCounter();

  indicator(obj: unknown, line: number): void {
    const parsed = indicatorSchema.safeParse(obj);
    if (!parsed.success) {
      this.skipped.add('indicators without a readable pattern', JSON.stringify(obj).slice(0, 120));
      return;
    }
    const ind = parsed.data;
    if (ind.revoked === true) return this.skipped.add('revoked indicators', ind.pattern);
    if (ind.pattern_type !== undefined && ind.pattern_type !== 'stix')
      return this.skipped.add(`indicators with pattern_type ${ind.pattern_type}`, ind.pattern);
    const base: Omit<RawRecord, 'value'> = { line };
    const validUntil = toIsoTime(ind.valid_until);
    if (validUntil !== undefined) base.validUntil = validUntil;
    // An expiry that cannot be read must not turn into "never expires": the values are rejected.
    else if (ind.valid_until !== undefined)
      base.problem = `STIX valid_until ${JSON.stringify(ind.valid_until.slice(0, 40))} is not a time`;
    const firstSeen = toIsoTime(ind.valid_from) ?? toIsoTime(ind.created);
    if (firstSeen !== undefined) base.firstSeen = firstSeen;
    const read = readPattern(ind.pattern);
    if ('error' in read) {
      // Unreadable: passed on whole and rejected visibly, never read in part.
      this.out.add({ ...base, value: ind.pattern, problem: `not a STIX pattern: ${read.error}` });
      return;
    }
    const comparisons = read.comparisons;
    for (const c of comparisons) {
      const hint = pathHint(c.objectType, c.property);
      if (hint === null) continue;
      if (c.negated || (c.operator !== '=' && c.operator !== 'IN')) {
        this.skipped.add(
          'pattern comparisons that are not equalities',
          `${c.objectType}:${c.property} ${c.operator}`,
        );
        continue;
      }
      for (const value of c.values) this.out.add(hint ? { ...base, value, hint } : { ...base, value });
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
  w.skipped.flush({ emit: () => undefined, notice: (n) => w.out.notices.push(n) }, ['revoked indicators']);
  if (w.out.records.length === 0) w.out.notice('warn', 'STIX bundle has no indicators');
  return w.out.build('stix');
}
