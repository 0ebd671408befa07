/**
 * The `iocwall.yaml` schema. The JSON Schema for editors (`schema/iocwall.schema.json`) is generated
 * from it by `iocwall config schema`.
 */
import { isIP } from 'node:net';
import IPCIDR from 'ip-cidr';
import { z } from 'zod';
import { sourceNameSchema, sourceSchema } from '../feeds/source-schema.js';
import { vendorModule } from '../vendors/index.js';
import { VENDOR_IDS, type VendorModule } from '../vendors/types.js';
import { SECRET_REF } from './secrets.js';

/** zod schema of a secret reference; an inline value fails with a message that says what to do. */
export const secretRefSchema = z
  .string()
  .regex(SECRET_REF, { error: 'inline secrets are refused: use env:NAME or file:PATH' });

/** IOC sets shipped inside iocwall (`iocs/`), compiled with no network. */
export const BUILTIN_SETS = ['3cx', 'unc4736-related'] as const;

/** A source that is one of the IOC sets shipped with iocwall. */
export const builtinSourceSchema = z
  .object({
    name: sourceNameSchema,
    builtin: z.enum(BUILTIN_SETS, {
      error: (issue) =>
        `unknown builtin set ${JSON.stringify(issue.input)} (known: ${BUILTIN_SETS.join(', ')})`,
    }),
    ttlDays: z.number().positive().optional(),
  })
  .strict();

/**
 * A source: a URL, a file, or a shipped set. When a source fits neither, zod reports the option it guesses
 * was meant, and may guess wrong: the loader reports each source against the schema its `builtin` key
 * (or its absence) names instead (`config/source-issues.ts`).
 */
export const anySourceSchema = z.union([builtinSourceSchema, sourceSchema]);

/**
 * An address or network in the config, checked strictly (ip-cidr and node:net reject the octal and
 * short forms that inet_aton-style parsers would silently reinterpret).
 */
const cidrOrIp = z
  .string()
  .min(2)
  .max(49)
  .refine((v) => isIP(v) !== 0 || IPCIDR.isValidCIDR(v), {
    error: 'expected an IP address or CIDR (no leading zeros or short forms)',
  });

/** Never-block settings. */
export const guardSchema = z
  .object({
    /** A network wider than this prefix is refused. */
    minPrefixV4: z.number().int().min(0).max(32).default(8),
    minPrefixV6: z.number().int().min(0).max(128).default(32),
    /** Use the MISP warninglists shipped in `iocs/warninglists/`. */
    warninglists: z.union([z.literal('builtin'), z.literal(false)]).default('builtin'),
    /** A single address inside a CDN/platform range: refuse it, or keep it with a warning. */
    sharedHostPolicy: z.enum(['refuse', 'warn']).default('refuse'),
  })
  .strict();

/** Safety thresholds (octoDNS-style). */
export const thresholdsSchema = z
  .object({
    /** Refuse to remove more than this share of a target's managed entries… */
    maxRemovePercent: z.number().min(0).max(100).default(30),
    /** …when it holds at least this many. */
    minEntries: z.number().int().min(0).default(10),
  })
  .strict();

/** What iocwall enforces on one target. */
export const policySchema = z
  .object({
    dns: z.boolean().default(true),
    egress: z.boolean().default(true),
    ipv6: z.boolean().default(true),
    action: z.enum(['drop', 'reject']).default('drop'),
    placement: z.literal('top').default('top'),
    /** Name prefix of every object iocwall creates (letters, digits, `_`; vendors add their suffixes). */
    prefix: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_]{0,15}$/)
      .default('iocwall'),
    thresholds: thresholdsSchema.default({ maxRemovePercent: 30, minEntries: 10 }),
  })
  .strict();

/** TLS verification of a target. Verification is on unless `insecure: true`. */
export const tlsSchema = z
  .object({
    caFile: z.string().optional(),
    /** sha256 fingerprint of the device certificate (self-signed firewall certificates). */
    fingerprint: z
      .string()
      .regex(/^(sha256:)?([0-9A-Fa-f]{2}:?){32}$/, { error: 'expected a sha256 fingerprint (64 hex digits)' })
      .optional(),
    insecure: z.boolean().default(false),
  })
  .strict();

/**
 * For a vendor whose credentials come in forms (`VendorModule.credentialForms`): why the fields a target
 * gives match no form exactly (none given, half a form, or a mix of two), or null when they do. Fields the
 * vendor does not know are reported on their own.
 */
function credentialFormIssue(module: VendorModule, given: readonly string[]): string | null {
  const forms = module.credentialForms;
  if (forms === undefined) return null;
  const known = given.filter((g) => module.credentials.some((c) => c.name === g));
  const exact = forms.some((f) => f.length === known.length && f.every((n) => known.includes(n)));
  if (exact) return null;
  const kinds = forms.map((f) => f.join(' and ')).join(', or ');
  return known.length === 0
    ? `${module.id} needs credentials ${kinds}`
    : `${module.id} takes credentials ${kinds}: one kind, in full (got ${known.join(', ')})`;
}

/** One firewall. */
export const targetSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/),
    /** The customer this firewall belongs to. */
    tenant: z.string().min(1).max(64).default('default'),
    vendor: z.enum(VENDOR_IDS),
    endpoint: z
      .string()
      .regex(/^(https?|tcp|tls):\/\/[^\s/]+(\/.*)?$/, {
        error: 'expected https://host[:port], tcp://host:port or tls://host:port',
      })
      // A password in the URL would land in plan files, logs and reports in clear text.
      .refine((e) => !/^[a-z]+:\/\/[^/]*@/i.test(e), {
        error:
          'an endpoint must not carry credentials (user:password@): put them under credentials as env: or file: references',
      }),
    /** Credentials in the vendor's own terms; every value a secret reference. */
    credentials: z.record(z.string(), secretRefSchema),
    tls: tlsSchema.default({ insecure: false }),
    timeoutMs: z.number().int().positive().default(15000),
    policy: policySchema.optional(),
    /** Vendor-specific options (each vendor module's schema; see the JSON Schema or docs/vendors/). */
    options: z.record(z.string(), z.unknown()).default({}),
  })
  .strict()
  .superRefine((t, ctx) => {
    // Every vendor-specific check comes from the vendor's module: no vendor is named here.
    const module = vendorModule(t.vendor);
    if (!module) return; // refused with a clear message when a command builds its adapter
    const scheme = t.endpoint.slice(0, t.endpoint.indexOf(':')) as 'https' | 'http' | 'tcp' | 'tls';
    if (!module.endpoint.schemes.includes(scheme)) {
      ctx.addIssue({
        code: 'custom',
        path: ['endpoint'],
        message: `${t.vendor} endpoints are ${module.endpoint.schemes.map((x) => `${x}://`).join(' or ')} (e.g. ${module.endpoint.example})`,
      });
    } else if (scheme === 'http' && !t.tls.insecure) {
      // Basic auth over plain HTTP hands the API secret to anyone on the path.
      ctx.addIssue({
        code: 'custom',
        path: ['endpoint'],
        message:
          'http:// sends the API credentials in clear text: use https:// (or accept the risk with tls.insecure: true)',
      });
    }
    const known = new Set(module.credentials.map((c) => c.name));
    const formIssue = credentialFormIssue(module, Object.keys(t.credentials));
    if (formIssue !== null) ctx.addIssue({ code: 'custom', path: ['credentials'], message: formIssue });
    for (const field of module.credentials) {
      if (field.required && t.credentials[field.name] === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['credentials', field.name],
          message: `${t.vendor} needs credentials.${field.name} (${field.description})`,
        });
    }
    for (const key of Object.keys(t.credentials)) {
      if (!known.has(key))
        ctx.addIssue({
          code: 'custom',
          path: ['credentials', key],
          message: `${t.vendor} takes no credential ${key} (it takes ${[...known].join(', ')})`,
        });
    }
    const options = module.options.safeParse(t.options);
    if (!options.success) {
      for (const issue of options.error.issues)
        ctx.addIssue({
          code: 'custom',
          path: ['options', ...issue.path.map(String)],
          message: issue.message,
        });
    }
  });

/** The whole `iocwall.yaml`. */
export const configSchema = z
  .object({
    /** Written into every ownership marker (`iocwall:<instanceId>`). */
    instanceId: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,31}$/)
      .default('default'),
    /** Journal, feed cache, retention, pushed indicators, locks. Relative to the config file. */
    stateDir: z.string().default('.iocwall-state'),
    sources: z.array(anySourceSchema).default([]),
    allowlist: z
      .object({ domains: z.array(z.string()).default([]), ips: z.array(cidrOrIp).default([]) })
      .strict()
      .default({ domains: [], ips: [] }),
    /** Networks that must never be blocked (management nets, customer LANs, own public ranges). */
    protectedNetworks: z.array(cidrOrIp).default([]),
    guard: guardSchema.default({
      minPrefixV4: 8,
      minPrefixV6: 32,
      warninglists: 'builtin',
      sharedHostPolicy: 'refuse',
    }),
    /** An indicator stays this many days after it leaves its feed, so a flapping feed does not flap firewalls. */
    retentionDays: z.number().min(0).default(7),
    /** Policy every target inherits unless it sets its own. */
    defaults: z
      .object({ policy: policySchema.default(policySchema.parse({})) })
      .strict()
      .default({ policy: policySchema.parse({}) }),
    targets: z.array(targetSchema).default([]),
    /** Targets contacted at once. */
    concurrency: z.number().int().min(1).max(64).default(4),
  })
  .strict();

/** A validated `iocwall.yaml`. */
export type Config = z.infer<typeof configSchema>;
/** One validated target. */
export type TargetConfig = z.infer<typeof targetSchema>;
/** A validated policy. */
export type Policy = z.infer<typeof policySchema>;
/** A validated source (URL, file or shipped set). */
export type AnySource = z.infer<typeof anySourceSchema>;
