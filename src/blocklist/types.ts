/**
 * The canonical blocklist model (`iocwall.blocklist/v1`, CONTRACT.md `compile`): the reject reasons
 * (reasons.ts) and the types, inferred from the zod schemas in schema.ts (which validate blocklist files at the
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

export { REJECT_REASONS, type RejectReason } from './reasons.js';

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
