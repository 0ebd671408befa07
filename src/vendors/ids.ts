/**
 * The ids the vendor seam is keyed by: vendors, managed sets and managed rules. A module of their own so
 * that types.ts (the adapter seam) and lab-types.ts (the lab seam) can both use them.
 */

/** Vendor ids, as in the config file and the lab. */
export const VENDOR_IDS = ['opnsense', 'mikrotik', 'pfsense', 'sophos'] as const;
/** A vendor id. */
export type VendorId = (typeof VENDOR_IDS)[number];

/** Which kind of values a managed set holds. */
export type SetFamily = 'ipv4' | 'ipv6' | 'domain';

/** Stable logical ids of the sets and rules iocwall manages on a target. */
export type SetId = 'ipv4' | 'ipv6' | 'dns';
/** Logical ids of the managed rules (one egress rule per address family). */
export type RuleId = 'egress-ipv4' | 'egress-ipv6';
