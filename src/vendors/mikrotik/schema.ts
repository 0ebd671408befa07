/**
 * zod schemas of the RouterOS rows the adapter reads (all values are strings on the wire), the menus it
 * uses, and the adapter's vendor options.
 */
import { z } from 'zod';
import { ConfigError, VendorError } from '../../errors.js';

const id = z.string().regex(/^\*[0-9A-Fa-f]+$/);
const bool = z.enum(['true', 'false', 'yes', 'no']).transform((v) => v === 'true' || v === 'yes');

/** An `/ip(v6)/firewall/address-list` row as printed with our `.proplist`. */
export const AddressRowSchema = z.object({
  '.id': id,
  list: z.string(),
  address: z.string(),
  comment: z.string().optional(),
  dynamic: bool.optional(),
  disabled: bool.optional(),
});
/** An address-list row after parsing (booleans as booleans). */
export type AddressRow = z.infer<typeof AddressRowSchema>;

/** A firewall filter/raw row as printed with our `.proplist`. */
export const RuleRowSchema = z.object({
  '.id': id,
  chain: z.string(),
  action: z.string().default('accept'),
  comment: z.string().optional(),
  disabled: bool.optional(),
  dynamic: bool.optional(),
  'dst-address-list': z.string().optional(),
  'reject-with': z.string().optional(),
});
/** A filter/raw rule row after parsing. */
export type RuleRow = z.infer<typeof RuleRowSchema>;

/** An `/ip/dns/static` row as printed with our `.proplist`. */
export const DnsRowSchema = z.object({
  '.id': id,
  name: z.string().optional(),
  regexp: z.string().optional(),
  type: z.string().default('A'),
  address: z.string().optional(),
  'match-subdomain': bool.optional(),
  comment: z.string().optional(),
  disabled: bool.optional(),
  dynamic: bool.optional(),
});
/** A DNS static row after parsing. */
export type DnsRow = z.infer<typeof DnsRowSchema>;

/** `.proplist` for each schema (only what we use: the device computes less). */
export const PROPLIST = {
  address: '.id,list,address,comment,dynamic,disabled',
  rule: '.id,chain,action,comment,disabled,dynamic,dst-address-list,reject-with',
  dns: '.id,name,regexp,type,address,match-subdomain,comment,disabled,dynamic',
} as const;

/** Menus per family. */
export const MENUS = {
  list: { ipv4: '/ip/firewall/address-list', ipv6: '/ipv6/firewall/address-list' },
  filter: { ipv4: '/ip/firewall/filter', ipv6: '/ipv6/firewall/filter' },
  raw: { ipv4: '/ip/firewall/raw', ipv6: '/ipv6/firewall/raw' },
  dns: '/ip/dns/static',
} as const;

/**
 * Parses device rows with a schema.
 * @throws VendorError (not transient) naming the menu and the first bad field.
 */
export function parseRows<T>(schema: z.ZodType<T>, rows: unknown[], menu: string, target: string): T[] {
  return rows.map((row) => {
    const r = schema.safeParse(row);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw new VendorError(
        `unexpected row from ${menu}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`,
        {
          vendor: 'mikrotik',
          target,
          operation: `${menu}/print`,
          transient: false,
        },
      );
    }
    return r.data;
  });
}

/** `connection.options` of a MikroTik target. */
export const MikrotikOptionsSchema = z
  .object({
    /** Also block router-originated traffic (`chain=output`). */
    outputChain: z.boolean().default(false),
    /** Also drop in `/ip(v6)/firewall/raw` prerouting (before connection tracking). */
    raw: z.boolean().default(false),
    /** Capacity reported to the planner (RouterOS has no documented limit; RAM bound). */
    maxEntriesPerSet: z.number().int().positive().default(200_000),
    /**
     * Longest silence (ms) tolerated while the router scans a menu for a `print` (~1.9 s per 23k rows on
     * real hardware; a 200k list with concurrent reads takes well over the 15 s request timeout).
     */
    scanTimeoutMs: z.number().int().positive().default(120_000),
    /** Commands in flight on the connection during bulk changes. */
    window: z.number().int().min(1).max(4096).default(256),
    /** Name reported for the DNS set (RouterOS static entries have no list name; marked by comment). */
    dnsSetName: z.string().min(1).optional(),
  })
  .strict();
/** Validated options of a MikroTik target, defaults filled in. */
export type MikrotikOptions = z.infer<typeof MikrotikOptionsSchema>;

/**
 * Validates `connection.options`.
 * @throws ConfigError
 */
export function parseOptions(options: Record<string, unknown>, target: string): MikrotikOptions {
  const r = MikrotikOptionsSchema.safeParse(options);
  if (!r.success) {
    throw new ConfigError(
      `target ${target}: bad mikrotik options: ${r.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
    );
  }
  return r.data;
}
