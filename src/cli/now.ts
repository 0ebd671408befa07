/**
 * `--now ISO-8601`: the clock used for expiry, so runs are reproducible.
 */
import { ConfigError } from '../errors.js';

/** Parses `--now`, or returns the current time. */
export function parseNow(value: string | undefined): Date {
  if (value === undefined) return new Date();
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new ConfigError(`--now ${value} is not an ISO-8601 time`);
  return new Date(ms);
}
