/**
 * What an OPNsense target takes in the config: its options and credentials. Apart from the adapter so the
 * vendor module (config checks, JSON Schema) can name them without loading the adapter and its client.
 */
import { z } from 'zod';

/** Vendor options accepted in the target config. */
export const opnsenseOptionsSchema = z
  .object({
    interface: z
      .string()
      .regex(/^[a-z][a-z0-9_]*$/)
      .default('lan'),
    names: z
      .object({ ipv4: z.string().optional(), ipv6: z.string().optional(), dns: z.string().optional() })
      .default({}),
  })
  .strict();

/** Credentials: the API key and secret of an OPNsense user. */
export const opnsenseCredentialsSchema = z.object({ key: z.string().min(1), secret: z.string().min(1) });
