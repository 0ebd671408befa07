/**
 * The canonical blocklist model (`iocwall.blocklist/v1`, CONTRACT.md `compile`): the reject reasons
 * and the types, inferred from the zod schemas in schema.ts (which validate blocklist files at the
 * boundary). Type-only imports: the compile path never loads zod for these.
 */
import type { z } from 'zod';
import type {
  blocklistEntrySchema,
  blocklistSchema,
  domainEntrySchema,
  ipEntrySchema,
  rejectedValueSchema,
} from './schema.js';

/** Why an input value is not in `entries`. Exactly the codes of CONTRACT.md. */
export const REJECT_REASONS = [
  'invalid',
  'not-network',
  'expired',
  'guarded',
  'allowlisted',
  'warninglisted',
  'public-suffix',
] as const;
/** One reject reason. */
export type RejectReason = (typeof REJECT_REASONS)[number];

/** A domain entry. */
export type DomainEntry = z.infer<typeof domainEntrySchema>;
/** An address or network entry. */
export type IpEntry = z.infer<typeof ipEntrySchema>;
/** Any blocklist entry. */
export type BlocklistEntry = z.infer<typeof blocklistEntrySchema>;
/** A rejected input value. */
export type RejectedValue = z.infer<typeof rejectedValueSchema>;
/** The canonical blocklist. */
export type Blocklist = z.infer<typeof blocklistSchema>;
