/** Shared helpers of the JSON feed parsers (MISP, ThreatFox, STIX). */
import type { z } from 'zod';
import { FeedError } from '../../errors.js';
import type { FeedNotice, FormatId, ParsedFeed, RawRecord } from '../types.js';

/** Parses JSON text; a syntax error becomes a one-line FeedError naming the format. */
export function parseJson(text: string, format: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
  } catch (err) {
    const detail = err instanceof Error ? err.message.split('\n')[0] : 'syntax error';
    throw new FeedError(`${format}: malformed JSON (${detail ?? 'syntax error'})`, undefined, { cause: err });
  }
}

/** Validates `data` against `schema`; a mismatch becomes a one-line FeedError with the first issue's path. */
export function validate<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  throw new FeedError(`${what}: unexpected JSON shape${path}: ${issue?.message ?? 'invalid'}`);
}

/** Collects records and notices for a JSON parser. */
export class FeedBuilder {
  /** Records found so far. */
  readonly records: RawRecord[] = [];
  /** Notices so far. */
  readonly notices: FeedNotice[] = [];

  /** Adds a record unless its value is empty after trimming (an empty value is no entry). */
  add(record: RawRecord): void {
    const value = record.value.trim();
    if (value !== '') this.records.push({ ...record, value });
  }

  /** Adds a notice. */
  notice(level: FeedNotice['level'], message: string): void {
    this.notices.push({ level, message });
  }

  /** The finished feed. */
  build(format: FormatId): ParsedFeed {
    return { format, records: this.records, notices: this.notices };
  }
}
