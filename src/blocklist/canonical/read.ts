/**
 * Reading a canonical blocklist file back: JSON, the `iocwall.blocklist/v1` schema (zod), and the
 * digest of its entries. Kept apart from canonical.ts so that writing a blocklist (compile) never
 * loads zod.
 */
import { readFileSync } from 'node:fs';
import { formatIssues } from '../../config/load.js';
import { FeedError } from '../../errors.js';
import { BLOCKLIST_SCHEMA, computeDigest } from './canonical.js';
import { blocklistSchema } from '../schema.js';
import type { Blocklist } from '../types.js';

/** Reads and validates a blocklist file; FeedError with a one-line reason when it is not one (or tampered). */
export function readBlocklist(path: string): Blocklist {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new FeedError(`cannot read blocklist ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new FeedError(`blocklist ${path} is not JSON`);
  }
  const parsed = blocklistSchema.safeParse(raw);
  if (!parsed.success)
    throw new FeedError(
      `blocklist ${path} is not an ${BLOCKLIST_SCHEMA} file: ${formatIssues(parsed.error)}`,
    );
  const digest = computeDigest(parsed.data.entries);
  if (digest !== parsed.data.digest) {
    throw new FeedError(
      `blocklist ${path}: digest mismatch (file says ${parsed.data.digest}, entries give ${digest})`,
    );
  }
  return parsed.data;
}
