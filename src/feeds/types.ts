/**
 * What a feed parser produces: raw records, before any normalisation or guard.
 * Parsers never drop a value silently: anything that looks like an entry becomes a record
 * (the normaliser decides whether it is `invalid` or `not-network`).
 */

/** Every feed format `compile --format` accepts (besides `auto`). */
export const FORMAT_IDS = [
  'plain',
  'csv',
  'hosts',
  'adblock',
  'rpz',
  'spamhaus',
  'spamhaus-json',
  'firehol',
  'misp',
  'stix',
] as const;
/** A feed format id. */
export type FormatId = (typeof FORMAT_IDS)[number];

/** A label the feed itself gives a value (feeds' labels can lie: the normaliser re-classifies). */
export type ValueHint = 'ip' | 'domain' | 'url' | 'hash' | 'email' | 'other';

/** One value found in a feed. */
export interface RawRecord {
  /** The value as found (may be defanged, a URL, `ip:port`, …), surrounding whitespace trimmed. */
  value: string;
  /** 1-based line number (or record index for JSON formats), for error messages. */
  line: number;
  hint?: ValueHint;
  /** ISO-8601 time after which the value must no longer be blocked (STIX `valid_until`, MISP, OTX). */
  validUntil?: string;
  /**
   * ISO-8601 time before which the value must not be blocked yet (STIX `valid_from`, a pattern's
   * `START`): the publisher says it is not an indicator until then. Compared with the run's clock.
   */
  validFrom?: string;
  /**
   * Withdrawn by its publisher (a STIX indicator with `revoked: true`): rejected as `expired`, never
   * blocked, and listed like every other value that is not.
   */
  revoked?: boolean;
  /** ISO-8601 time the publisher first saw/published it. */
  firstSeen?: string;
  /**
   * Why the feed's own record is unusable (a `valid_until` that is not a time, a pattern that does not
   * parse): the value is rejected as `invalid` with this detail instead of being classified.
   */
  problem?: string;
  /** MISP `to_ids` flag; records with `false` are skipped by default (reported as rejected `not-network`? no: see parser). */
  toIds?: boolean;
}

/** Something a parser noticed about the feed as a whole (metadata records, entry-count footers, …). */
export interface FeedNotice {
  level: 'info' | 'warn';
  message: string;
}

/** The result of parsing one feed. */
export interface ParsedFeed {
  format: FormatId;
  records: RawRecord[];
  notices: FeedNotice[];
}
