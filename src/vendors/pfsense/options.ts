/**
 * What a pfSense target takes in the config: its options and credentials. Apart from the adapter so the
 * vendor module (config checks, JSON Schema) can name them without loading the adapter and its client.
 */
import { z } from 'zod';

/** Vendor options accepted in the target config (strict, with defaults). */
export const pfsenseOptionsSchema = z.strictObject({
  /** Interface ids (`lan`, `opt1`; as in `GET /api/v2/interfaces`) whose inbound traffic is blocked. */
  interfaces: z
    .array(z.string().regex(/^[a-z][a-z0-9_]*$/))
    .min(1)
    .default(['lan']),
});

/** Credentials: a pfSense user for Basic auth, or an API key; never both (see `credentialForms`). */
export const pfsenseCredentialsSchema = z.union([
  z.strictObject({ apiKey: z.string().min(1) }),
  z.strictObject({ username: z.string().min(1), password: z.string().min(1) }),
]);
