/**
 * The reject reasons of the canonical blocklist (CONTRACT.md `compile`). Its own module so the zod
 * schemas (schema.ts) and the types inferred from them (types.ts) can both use the list without
 * importing each other.
 */
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
