/**
 * zod schemas of the canonical blocklist file (`iocwall.blocklist/v1`): what `readBlocklist` and the
 * pushed-entries store validate at the boundary. The types in types.ts are inferred from these.
 */
import { z } from 'zod';
import { REJECT_REASONS } from './reasons.js';

/** A domain entry: the name and every name below it are blocked. */
export const domainEntrySchema = z.object({
  type: z.literal('domain'),
  /** Lowercase ASCII (IDN as punycode), no trailing dot. */
  value: z.string().min(1).max(253),
  /** Block the name and every name below it. */
  subdomains: z.boolean(),
  sources: z.array(z.string()).min(1),
  firstSeen: z.string().optional(),
  expiresAt: z.string().nullable(),
});

/** An address or network entry. */
export const ipEntrySchema = z.object({
  type: z.literal('ip'),
  /** A plain address for one host, CIDR for a network; IPv6 in RFC 5952 form. */
  value: z.string().min(2).max(49),
  sources: z.array(z.string()).min(1),
  firstSeen: z.string().optional(),
  expiresAt: z.string().nullable(),
});

/** Any blocklist entry. */
export const blocklistEntrySchema = z.discriminatedUnion('type', [domainEntrySchema, ipEntrySchema]);

/** An input value that is not in `entries`, with its one reason and its source. */
export const rejectedValueSchema = z.object({
  value: z.string(),
  source: z.string(),
  reason: z.enum(REJECT_REASONS),
  detail: z.string().optional(),
});

/** The whole canonical blocklist file. */
export const blocklistSchema = z.object({
  schema: z.literal('iocwall.blocklist/v1'),
  generatedAt: z.string(),
  digest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  entries: z.array(blocklistEntrySchema),
  rejected: z.array(rejectedValueSchema),
});
