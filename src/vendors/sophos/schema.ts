/**
 * zod of every SFOS API answer the adapter reads, over the tree `xml.ts` parses (texts stay strings;
 * repeated tags are arrays). Shapes from sophos-facts.md §3 (envelope, Login, statuses) and §7 (entities).
 * Records are loose: SFOS adds fields per release (`Section` on 21.5+, heartbeat fields…) and an update
 * must resend every field it read, so unknown fields are kept, never stripped.
 */
import { z } from 'zod';

/** A text element as parsed (`<X>t</X>` → `'t'`, `<X/>` → `''`). */
const textValue = z.string();

/** `<Status code="NNN">text</Status>` or code-less `<Status>text</Status>` (zero records, §3.5). */
export const statusSchema = z.union([
  textValue.transform((t) => ({ code: undefined as number | undefined, text: t })),
  z
    .looseObject({ '#text': textValue.optional(), '@_code': z.string().regex(/^\d+$/).optional() })
    .transform((s) => ({
      code: s['@_code'] === undefined ? undefined : Number(s['@_code']),
      text: s['#text'] ?? '',
    })),
]);
/** A parsed status. */
export type ApiStatus = z.output<typeof statusSchema>;

/** `<Login><status>…</status></Login>` (lower-case `status`, §3.2). */
const loginSchema = z.looseObject({ status: textValue });

/** The `<Response>` root: version attributes, Login, a top-level Status (532/534), entity elements. */
export const responseSchema = z.looseObject({
  '@_APIVersion': z.string().optional(),
  Login: loginSchema.optional(),
  Status: z.array(statusSchema).optional(),
});

/** The parsed document: exactly one `Response` root. */
export const documentSchema = z.looseObject({ Response: responseSchema });

/** One entity element of an answer: a record (has `Name`) or a status holder. */
export const entityElementSchema = z.looseObject({
  '@_transactionid': z.string().optional(),
  Name: z.array(textValue).optional(),
  Status: z.array(statusSchema).optional(),
});

/** `<HostList><Host>…</Host></HostList>`-style member list (empty list element → `''`). */
const memberList = (item: string) =>
  z.union([z.literal(''), z.looseObject({ [item]: z.array(textValue).optional() })]).optional();

/** An IPHost record (§7 IPHost). */
export const ipHostSchema = z.looseObject({
  Name: z.array(textValue).min(1),
  IPFamily: textValue.optional(),
  HostType: textValue,
  IPAddress: textValue.optional(),
  Subnet: textValue.optional(),
  StartIPAddress: textValue.optional(),
  EndIPAddress: textValue.optional(),
  ListOfIPAddresses: textValue.optional(),
  Description: textValue.optional(),
  HostGroupList: memberList('HostGroup'),
});
/** A parsed IPHost. */
export type IpHostRecord = z.output<typeof ipHostSchema>;

/** An IPHostGroup record: no `HostList` when empty (§3.7). */
export const ipHostGroupSchema = z.looseObject({
  Name: z.array(textValue).min(1),
  IPFamily: textValue.optional(),
  Description: textValue.optional(),
  HostList: memberList('Host'),
});

/** An FQDNHost record. */
export const fqdnHostSchema = z.looseObject({
  Name: z.array(textValue).min(1),
  FQDN: textValue,
  Description: textValue.optional(),
  FQDNHostGroupList: memberList('FQDNHostGroup'),
});

/** An FQDNHostGroup record: no `FQDNHostList` when empty. */
export const fqdnHostGroupSchema = z.looseObject({
  Name: z.array(textValue).min(1),
  Description: textValue.optional(),
  FQDNHostList: memberList('FQDNHost'),
});

const zoneList = memberList('Zone');
const networkList = memberList('Network');

/** A FirewallRule record (§7 FirewallRule); `Status` is the data field Enable|Disable (§3.6). */
export const firewallRuleSchema = z.looseObject({
  Name: z.array(textValue).min(1),
  Description: textValue.optional(),
  IPFamily: textValue.optional(),
  Status: z.array(textValue).optional(),
  Position: textValue.optional(),
  PolicyType: textValue.optional(),
  NetworkPolicy: z
    .looseObject({
      Action: textValue.optional(),
      LogTraffic: textValue.optional(),
      SourceZones: zoneList,
      DestinationZones: zoneList,
      SourceNetworks: networkList,
      DestinationNetworks: networkList,
      Services: memberList('Service'),
    })
    .optional(),
});
/** A parsed FirewallRule. */
export type FirewallRuleRecord = z.output<typeof firewallRuleSchema>;

/** A FirewallRuleGroup record (rules in `SecurityPolicyList/SecurityPolicy`). */
export const firewallRuleGroupSchema = z.looseObject({
  Name: z.array(textValue).min(1),
  SecurityPolicyList: memberList('SecurityPolicy'),
});
