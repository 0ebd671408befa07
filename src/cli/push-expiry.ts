/**
 * The lifetime options of `iocwall push` (`--expires ISO`, `--ttl-days N`), checked before the input is
 * read: an expiry that is not in the future would record the push and then, in the same run, remove the
 * very indicators the operator meant to block (a year typo in an emergency), so it is refused outright.
 */
import { z } from 'zod';
import type { BlocklistEntry } from '../blocklist/types.js';
import { ConfigError } from '../errors.js';

/** A time with its zone (a bare local time would expire at a different moment on each host), or a date (UTC). */
const expiresSchema = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);

/** Whole days: a fraction of a day is almost always a typo, and hours are what `--expires` is for. */
const ttlDaysSchema = z.string().regex(/^[1-9][0-9]*$/);

/** The options `pushLifetime` reads. */
export interface LifetimeOptions {
  expires?: string;
  ttlDays?: string;
}

/**
 * Validates `--expires` / `--ttl-days` against the run's clock `now` and returns the expiry they set
 * (ms since the epoch), or null when neither is given. Throws `ConfigError` (exit 1) for a malformed value
 * or one that is not after `now`.
 */
export function pushLifetime(opts: LifetimeOptions, now: Date): number | null {
  let at: number | null = null;
  let given = '';
  if (opts.expires !== undefined) {
    if (!expiresSchema.safeParse(opts.expires).success || Number.isNaN(Date.parse(opts.expires)))
      throw new ConfigError(
        `--expires ${opts.expires} is not an ISO-8601 time with a zone (2026-05-01T12:00:00Z) or a date (2026-05-01)`,
      );
    at = Date.parse(opts.expires);
    given = `--expires ${opts.expires}`;
  }
  if (opts.ttlDays !== undefined) {
    if (!ttlDaysSchema.safeParse(opts.ttlDays).success)
      throw new ConfigError(`--ttl-days ${opts.ttlDays} is not a positive whole number of days`);
    at = now.getTime() + Number(opts.ttlDays) * 86_400_000;
    given = `--ttl-days ${opts.ttlDays}`;
  }
  if (at === null) return null;
  // Beyond what a Date can hold (about 275,000 years): no real expiry, and toISOString would throw.
  if (Number.isNaN(new Date(at).getTime())) throw new ConfigError(`${given} is too far in the future`);
  if (at <= now.getTime())
    throw new ConfigError(
      `${given} is not in the future (now is ${now.toISOString()}): the pushed indicators would be removed at once`,
    );
  return at;
}

/** The expiry a push gives an entry: the earlier of the entry's own (the feed's) and `lifetime`. */
export function pushExpiry(entry: BlocklistEntry, lifetime: number | null): string | null {
  const candidates: number[] = [];
  if (entry.expiresAt) candidates.push(Date.parse(entry.expiresAt));
  if (lifetime !== null) candidates.push(lifetime);
  return candidates.length > 0 ? new Date(Math.min(...candidates)).toISOString() : null;
}
