/**
 * zod schemas of every OPNsense API answer the adapter reads (vendor-opnsense.md). Devices add fields
 * between releases, so objects are loose and fields the adapter can live without fall back with `.catch()`.
 */
import { z } from 'zod';

/** A value OPNsense sends as a string but may send as a number. */
const str = z.union([z.string(), z.number(), z.boolean()]).transform(String);
/** A lenient string: missing or odd values become ''. */
const text = str.catch('');

/** `{"result":"failed","validations":{"alias.name":"…"|["…","…"]}}` and friends. */
export const resultSchema = z.looseObject({
  result: z.string().optional(),
  uuid: z.string().optional(),
  validations: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
});
/** A CRUD/action answer. */
export type ResultBody = z.infer<typeof resultSchema>;

/** `{"status":"ok"|"OK\n\n"|"done"|…}` answers of actions. */
export const statusSchema = z.looseObject({ status: text, status_msg: z.string().optional() });

/** Error bodies: 401/403 `{status,message}`, 404/500 `{errorMessage,errorTitle?,errorLevel?}`. */
export const errorBodySchema = z
  .looseObject({
    message: z.string().optional(),
    errorMessage: z.string().optional(),
    errorTitle: z.string().optional(),
  })
  .catch({});

/** Grid answers: `{"total","rowCount","current","rows":[…]}`. */
function grid<T extends z.ZodType>(row: T) {
  return z.looseObject({ total: z.coerce.number().catch(0), rows: z.array(row) });
}

/** One `firewall/alias/search_item` row. `content` is newline-separated. */
export const aliasRowSchema = z.looseObject({
  uuid: z.string(),
  name: z.string(),
  type: text,
  enabled: str.catch('1'),
  content: text,
  description: text,
});
/** One alias as `search_item` reports it. */
export type AliasRow = z.infer<typeof aliasRowSchema>;
/** `firewall/alias/search_item`. */
export const aliasSearchSchema = grid(aliasRowSchema);

/** `firewall/alias_util/list/{alias}`: the live pf table. */
export const aliasUtilListSchema = grid(z.looseObject({ ip: str }));

/** `firewall/alias/get_table_size`. */
export const tableSizeSchema = z.looseObject({
  size: z.coerce.number().int().positive(),
  used: z.coerce.number().int().nonnegative().catch(0),
  details: z.record(z.string(), z.looseObject({ count: z.coerce.number().catch(0) })).catch({}),
});
/** The `get_table_size` answer. */
export type TableSize = z.infer<typeof tableSizeSchema>;

/** One `firewall/filter/search_rule` row; legacy and automatic rows carry `legacy: true`. */
export const ruleRowSchema = z.looseObject({
  uuid: text,
  enabled: str.catch('1'),
  sequence: text,
  action: text,
  quick: str.catch('1'),
  interface: text,
  interfacenot: str.catch('0'),
  direction: str.catch('in'),
  ipprotocol: str.catch('inet'),
  destination_net: text,
  description: text,
  legacy: z.boolean().catch(false).optional(),
});
/** One filter rule as `search_rule` reports it. */
export type RuleRow = z.infer<typeof ruleRowSchema>;
/** `firewall/filter/search_rule`. */
export const ruleSearchSchema = grid(ruleRowSchema);

/** One 26.1+ `unbound/settings/search_dnsbl` row; list fields are CSV strings. */
export const dnsblRowSchema = z.looseObject({
  uuid: z.string(),
  enabled: str.catch('1'),
  wildcards: text,
  blocklists: text,
  description: text,
});
/** One DNSBL policy as `search_dnsbl` reports it. */
export type DnsblRow = z.infer<typeof dnsblRowSchema>;
/** `unbound/settings/search_dnsbl`. */
export const dnsblSearchSchema = grid(dnsblRowSchema);

/**
 * A list field as `get` actions return it: `{item:{value,selected}}` (or, leniently, a CSV string).
 * Yields the selected items.
 */
export const listFieldSchema = z
  .union([
    z.string().transform((s) => s.split(',').filter((x) => x !== '')),
    z.record(z.string(), z.looseObject({ selected: z.coerce.number().catch(1) })).transform((m) =>
      Object.entries(m)
        .filter(([, v]) => v.selected === 1)
        .map(([k]) => k),
    ),
    z.array(z.unknown()).transform(() => [] as string[]),
  ])
  .catch([]);

/**
 * `unbound/settings/get`, as far as the DNSBL model goes: from 25.7.8 `dnsbl` holds only `blocklist`
 * (the policies), up to 25.7.7 the single object's fields (Unbound.xml at 25.7.7 and 25.7.8).
 */
export const unboundDnsblSchema = z.looseObject({
  unbound: z.looseObject({ dnsbl: z.looseObject({ blocklist: z.unknown().optional() }) }),
});

/**
 * ≤25.7.7 `unbound/settings/get`: the single `unbound.dnsbl` object. `wildcards` and `enabled` are
 * required: a shape without them is not the single object, and reading it as "empty, disabled" is how
 * the adapter once took a 25.7.8 box for one where nothing was blocked.
 */
export const unboundSettingsSchema = z.looseObject({
  unbound: z.looseObject({
    dnsbl: z.looseObject({
      enabled: str,
      wildcards: z
        .union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())])
        .transform((v) => listFieldSchema.parse(v)),
      type: listFieldSchema,
      lists: listFieldSchema,
      blocklists: listFieldSchema,
    }),
  }),
});
