/**
 * IOC sets shipped with iocwall (`iocs/3cx/3cx-c2.json`, schema `iocwall.ioc-set/v1`): curated
 * indicators with provenance per entry, read as a source format (`iocwall-set`) so the default
 * configuration compiles with no network. The shape is documented in iocs/3cx/README.md.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { FeedError } from '../../errors.js';
import type { RawRecord } from '../../feeds/types.js';
import { classify } from '../../indicators/classify.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}(?:T[\d:.]+(?:Z|[+-]\d{2}:\d{2}))?$/, 'an ISO-8601 date');

/** How sure the publishers are; `low` entries are single-publisher or stale-prone (IPs). */
export const CONFIDENCE_LEVELS = ['low', 'medium', 'high'] as const;
/** A confidence level. */
export type Confidence = (typeof CONFIDENCE_LEVELS)[number];

/** One blockable indicator with its provenance. */
export const iocSetIndicatorSchema = z.strictObject({
  value: z.string().min(1).max(300),
  type: z.enum(['domain', 'ip']),
  confidence: z.enum(CONFIDENCE_LEVELS),
  /** Publishers listing the value itself. */
  publishers: z.array(z.string().min(1)).min(1),
  /** Publishers listing it only as the host of a URL. */
  urlOnlyPublishers: z.array(z.string().min(1)).optional(),
  firstPublished: isoDate.optional(),
  /** When the block should lapse; null = until withdrawn. */
  expiresAt: isoDate.nullable().optional(),
  references: z.array(z.string().min(1)).default([]),
  note: z.string().optional(),
});

/** A value that must never be blocked, with the reason (becomes the allowlist). */
const reasonedValueSchema = z.strictObject({ value: z.string().min(1), reason: z.string().min(1) });

/** The whole file. */
export const iocSetSchema = z.strictObject({
  schema: z.literal('iocwall.ioc-set/v1'),
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'a lowercase source name'),
  description: z.string().optional(),
  published: isoDate.nullable().optional(),
  references: z.array(z.string()).default([]),
  indicators: z.array(iocSetIndicatorSchema),
  doNotBlock: z.array(reasonedValueSchema).default([]),
  /** URL indicators for web filters/proxies only: never turned into DNS or IP blocks. */
  webFilterOnly: z
    .array(
      z.strictObject({ value: z.string(), publishers: z.array(z.string()), note: z.string().optional() }),
    )
    .default([]),
  /**
   * Values publishers listed that are data errors, kept with the reason for the record. Every compile
   * rejects them with `rejectAs`, whichever feed brings them (see data-errors.ts).
   */
  rejected: z.array(reasonedValueSchema.extend({ rejectAs: z.enum(['invalid', 'not-network']) })).default([]),
});

/** A parsed IOC set file. */
export type IocSet = z.infer<typeof iocSetSchema>;

/** What the compile stage needs from an IOC set. */
export interface IocSetSource {
  /** One record per indicator (line = 1-based index in `indicators`). */
  records: RawRecord[];
  /** The `doNotBlock` values: exact names (and their subdomains) and addresses for the guard's allowlist. */
  allowlist: string[];
  /** The set's `name`, used as the source name of its entries. */
  sourceName: string;
}

/** Options for {@link readIocSet}. */
export interface ReadIocSetOptions {
  /** Leave out indicators below this confidence (default `low`: everything). */
  minConfidence?: Confidence;
}

/** Reads and validates an IOC set file; FeedError when it cannot be read or fails the schema. */
export function readIocSet(path: string, options: ReadIocSetOptions = {}): IocSetSource {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new FeedError(
      `cannot read IOC set ${path}: ${err instanceof Error ? err.message : String(err)}`,
      path,
      {
        cause: err,
      },
    );
  }
  return iocSetToSource(json, path, options);
}

/** Validates already-parsed IOC set JSON (`origin` names it in errors). */
export function iocSetToSource(json: unknown, origin: string, options: ReadIocSetOptions = {}): IocSetSource {
  const parsed = iocSetSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined ? '' : ` at ${issue.path.join('.') || '(root)'}: ${issue.message}`;
    throw new FeedError(`IOC set ${origin} does not match iocwall.ioc-set/v1${where}`, origin);
  }
  const set = parsed.data;
  const min = CONFIDENCE_LEVELS.indexOf(options.minConfidence ?? 'low');
  const records: RawRecord[] = [];
  set.indicators.forEach((ind, i) => {
    if (CONFIDENCE_LEVELS.indexOf(ind.confidence) < min) return;
    const rec: RawRecord = { value: ind.value, line: i + 1, hint: ind.type };
    if (ind.firstPublished !== undefined) rec.firstSeen = ind.firstPublished;
    if (ind.expiresAt != null) rec.validUntil = ind.expiresAt;
    records.push(rec);
  });
  return { records, allowlist: set.doNotBlock.map((d) => d.value), sourceName: set.name };
}

/**
 * Splits allowlist values (addresses, networks, names) into the guard's `{ domains, ips }`, in
 * canonical form. A value that is neither is a FeedError naming it.
 */
export function splitAllowlist(values: readonly string[]): { domains: string[]; ips: string[] } {
  const domains: string[] = [];
  const ips: string[] = [];
  for (const value of values) {
    const c = classify(value);
    if (!c.ok) throw new FeedError(`allowlist value "${value}" is not an address or name (${c.detail})`);
    for (const ind of c.indicators) (ind.type === 'ip' ? ips : domains).push(ind.value);
  }
  return { domains, ips };
}
