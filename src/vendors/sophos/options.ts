/**
 * What a Sophos target takes in the config: its options and credentials. Apart from the adapter so the
 * vendor module (config checks, JSON Schema) can name them without loading the adapter, its client and
 * the XML libraries.
 */
import { z } from 'zod';

const zoneName = z.string().regex(/^[A-Za-z0-9_ -]{1,60}$/);

/** Vendor options accepted in the target config. */
export const sophosOptionsSchema = z.strictObject({
  /** Zones the block rules apply to traffic from. */
  sourceZones: z.array(zoneName).min(1).default(['LAN']),
  /** Zones of the blocked destinations. */
  destinationZones: z.array(zoneName).min(1).default(['WAN']),
  /** IPv4 addresses per IP list shard (0: one IP host per address). 1,000 is the limit three tools use. */
  ipListSize: z.number().int().min(0).max(1000).default(1000),
  /** Most entries per managed set (device limits are not published, §14.6). */
  maxEntries: z.number().int().min(1).default(50_000),
  /** Set id → device name, to report same-named foreign objects before the first apply. */
  names: z
    .strictObject({ ipv4: z.string().optional(), ipv6: z.string().optional(), dns: z.string().optional() })
    .default({}),
});

/** Credentials: the API administrator's user name and password. */
export const sophosCredentialsSchema = z.object({
  username: z.string().min(1),
  password: z.string().min(1),
});
