/**
 * zod schemas of every pfrest (API v2) answer the pfSense adapter reads. Objects are loose: pfrest adds
 * fields between releases and the adapter must not break on them.
 * Fields: pfrest/pfSense-pkg-RESTAPI `Core/Response.inc`, `Models/*.inc` at v2.4.3 … v2.10.0.
 */
import { z } from 'zod';

/**
 * The envelope of every JSON answer, also on errors (`Core/Response.inc` to_representation): `code`,
 * lower-case `status`, upper-case `response_id`, `message` (quotes turned into backticks), `data`.
 */
export const envelopeSchema = z.looseObject({
  code: z.number(),
  status: z.string(),
  response_id: z.string(),
  message: z.string().catch(''),
  data: z.unknown(),
});
/** One envelope. */
export type Envelope = z.infer<typeof envelopeSchema>;

/** `/firewall/alias(es)` object (`Models/FirewallAlias.inc`). */
export const aliasSchema = z.looseObject({
  id: z.number().int(),
  name: z.string(),
  type: z.string(),
  descr: z.string().nullable().catch(''),
  address: z.array(z.string()).catch([]),
  detail: z.array(z.string()).catch([]),
});
/** One alias. */
export type Alias = z.infer<typeof aliasSchema>;

/** `/firewall/rule(s)` object (`Models/FirewallRule.inc`); `quick`/`direction` are null on non-floating rules. */
export const ruleSchema = z.looseObject({
  id: z.number().int(),
  type: z.string(),
  interface: z.array(z.string()).catch([]),
  ipprotocol: z.string(),
  protocol: z.string().nullable().catch(null),
  source: z.string(),
  destination: z.string(),
  descr: z.string().nullable().catch(''),
  disabled: z.boolean().catch(false),
  floating: z.boolean().catch(false),
  quick: z.boolean().nullable().catch(null),
  direction: z.string().nullable().catch(null),
  tracker: z.number().nullable().catch(null),
});
/** One rule. */
export type Rule = z.infer<typeof ruleSchema>;

/** `/firewall/apply` (`Models/FirewallApply.inc`). */
export const firewallApplySchema = z.looseObject({
  applied: z.boolean(),
  pending_subsystems: z.array(z.string()).catch([]),
});

/** `/services/dns_resolver/apply` (`Models/DNSResolverApply.inc`). */
export const dnsApplySchema = z.looseObject({ applied: z.boolean() });

/** `/services/dns_resolver/settings` (`Models/DNSResolverSettings.inc`); `custom_options` is plain text. */
export const dnsSettingsSchema = z.looseObject({
  enable: z.boolean().catch(true),
  forwarding: z.boolean().catch(false),
  custom_options: z.string().nullable().catch(null),
});
/** The resolver settings the adapter looks at. */
export type DnsSettings = z.infer<typeof dnsSettingsSchema>;

/** `/status/services` entries (`Models/Service.inc`). */
export const servicesSchema = z.array(
  z.looseObject({
    name: z.string(),
    enabled: z.boolean().catch(false),
    status: z.boolean().catch(false),
  }),
);

/** `/interfaces` entries (`Models/NetworkInterface.inc`): `id` is `wan`, `lan`, `optN`. */
export const interfacesSchema = z.array(
  z.looseObject({
    id: z.string(),
    if: z.string().catch(''),
    descr: z.string().nullable().catch(''),
    enable: z.boolean().catch(true),
  }),
);
/** One interface. */
export type Interface = z.infer<typeof interfacesSchema>[number];

/** `/system/version` (`Models/SystemVersion.inc`): `version` is e.g. `2.8.1-RELEASE`. */
export const systemVersionSchema = z.looseObject({ version: z.string() });

/** `/system/restapi/version` (`Models/RESTAPIVersion.inc`): `current_version` is `v2.10.0`. */
export const restapiVersionSchema = z.looseObject({ current_version: z.string() });

/** `/diagnostics/table` (v2.6.0+, `Models/Table.inc`): `id` is the table name, `entries` as pfctl prints them. */
export const tableSchema = z.looseObject({ id: z.string(), entries: z.array(z.string()).catch([]) });
