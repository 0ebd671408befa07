/**
 * Alias validation as pfrest does it (pfrest/pfSense-pkg-RESTAPI `Models/FirewallAlias.inc`,
 * `Validators/FilterNameValidator.inc`, `Core/Field.inc` at v2.4.3, v2.5.4, v2.10.0) on top of pfSense's
 * `is_validaliasname` (pfsense/pfsense RELENG_2_7_2 `src/etc/inc/util.inc`). pfsense-facts.md §6.
 */
import ipaddr from 'ipaddr.js';
import { ApiError, validation } from './envelope.js';
import type { SimAlias, SimState } from './state.js';

/**
 * A sample of `get_pf_reserved()` (pfSense `pfsense-utils.inc`): pf keywords and reserved tables; the
 * upper-cased interface names are added per device. Matched case-sensitively by pfrest.
 */
const PF_RESERVED = new Set([
  'all', 'pass', 'block', 'out', 'queue', 'max', 'min', 'pptp', 'pppoe', 'L2TP', 'OpenVPN', 'IPsec',
  'bogons', 'bogonsv6', 'sshguard', 'virusprot', 'snort2c', 'tonatsubnets', 'negate_networks',
]); // prettier-ignore
/** Names `getprotobyname`/`getservbyname` know (a sample of /etc/protocols and /etc/services). */
const PROTOCOL_OR_SERVICE = new Set([
  'ip', 'icmp', 'tcp', 'udp', 'gre', 'esp', 'ah', 'ipv6', 'carp', 'pfsync', 'http', 'https', 'ssh',
  'domain', 'ntp', 'smtp', 'ftp', 'telnet', 'snmp', 'syslog', 'imap', 'pop3', 'ldap', 'port',
]); // prettier-ignore

/** Most entries a `many` field holds before v2.5.4 (`Core/Field.inc` many_maximum default 128). */
export const OLD_MANY_MAXIMUM = 128;

/** Validates the alias name (create only: the name is not editable). */
export function validateAliasName(state: SimState, name: unknown, existing: SimAlias[]): string {
  if (typeof name !== 'string' || name === '')
    throw validation('FIELD_IS_REQUIRED', 'Field `name` is required.');
  if (name.length > 31)
    throw validation(
      'LENGTH_VALIDATOR_MAXIMUM_CONSTRAINT',
      `Field \`name\` exceeds the maximum length of 31.`,
    );
  if (existing.some((a) => a.name === name))
    throw validation(
      'FIELD_MUST_BE_UNIQUE',
      `Field \`name\` must be unique. Value \`${name}\` is already in use.`,
    );
  const ifaceNames = state.interfaces.flatMap((i) => [
    i.descr.toUpperCase(),
    `${i.descr.toUpperCase()}__NETWORK`,
  ]);
  if (PF_RESERVED.has(name) || ifaceNames.includes(name))
    throw validation('FILTER_NAME_VALIDATOR_RESERVED_NAME_USED', `Value \`${name}\` is a reserved name.`);
  if (name.startsWith('pkg_') || /^\d+$/.test(name) || state.interfaces.some((i) => i.id === name))
    throw validation('FILTER_NAME_VALIDATOR_RESERVED_NAME_USED', `Value \`${name}\` is a reserved name.`);
  // v2.10.0 checks the characters itself before pfSense's check.
  if (state.features.nameCharCheck && !/^[A-Za-z0-9_]+$/.test(name))
    throw validation(
      'FILTER_NAME_VALIDATOR_INVALID_CHARACTERS',
      `Value \`${name}\` contains invalid characters.`,
    );
  if (!/^[A-Za-z0-9_]+$/.test(name) || /^[\d_]+$/.test(name) || PROTOCOL_OR_SERVICE.has(name))
    throw validation('INVALID_FIREWALL_ALIAS_NAME', `Invalid firewall alias name \`${name}\`.`);
  return name;
}

/** A CIDR as pfSense `is_subnet` accepts it (address/len; a bare address is refused). */
function isSubnet(v: string): boolean {
  if (!v.includes('/')) return false;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(v);
  if (v4 !== null) return v4.slice(1, 5).every((o) => Number(o) <= 255) && Number(v4[5]) <= 32;
  try {
    ipaddr.IPv6.parseCIDR(v);
    return true;
  } catch {
    return false;
  }
}

/** pfSense `is_fqdn`: dotted labels with an alphabetic TLD. */
function isFqdn(v: string): boolean {
  return /^([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}\.?$/.test(v);
}

/** Validates a full alias (create, or the merged object of a PATCH). */
export function validateAlias(state: SimState, a: SimAlias, all: SimAlias[]): void {
  if (!['host', 'network', 'port'].includes(a.type))
    throw validation('FIELD_INVALID_CHOICE', `Field \`type\` must be one of [host, network, port].`);
  if (state.features.aliasCap128) {
    for (const field of ['address', 'detail'] as const) {
      if (a[field].length > OLD_MANY_MAXIMUM) {
        throw validation(
          'LENGTH_VALIDATOR_MAXIMUM_CONSTRAINT',
          `Field \`${field}\` exceeds the maximum array length of ${OLD_MANY_MAXIMUM}.`,
        );
      }
    }
  }
  if (a.descr.length > 1024)
    throw validation('LENGTH_VALIDATOR_MAXIMUM_CONSTRAINT', 'Field `descr` is too long.');
  const nonPort = new Set(all.filter((x) => x.type !== 'port' && x.name !== a.name).map((x) => x.name));
  for (const address of a.address) {
    if (a.type === 'network' && !isSubnet(address) && !isFqdn(address) && !nonPort.has(address))
      throw validation(
        'INVALID_NETWORK_ALIAS_ADDRESS',
        `Network alias 'address' value '${address}' is not a valid CIDR, FQDN, or alias.`,
      );
    if (a.type === 'host' && !ipaddr.isValid(address) && !isFqdn(address) && !nonPort.has(address))
      throw validation(
        'INVALID_HOST_ALIAS_ADDRESS',
        `Host alias 'address' value '${address}' is not a valid IP, FQDN, or alias.`,
      );
  }
  if (a.detail.length > a.address.length)
    throw validation(
      'TOO_MANY_ALIAS_DETAILS',
      "Aliases cannot contain more 'detail' items than 'address' items.",
    );
  for (const d of a.detail) {
    if (d.includes('||')) throw validation('INVALID_ALIAS_DETAIL', 'Alias details cannot contain `||`.');
    if (d.length > 1024)
      throw validation('LENGTH_VALIDATOR_MAXIMUM_CONSTRAINT', 'Field `detail` is too long.');
  }
  // The model pads missing details with "Entry added <date>", but the framework then overwrites the padded
  // array with the original entries (inferred, pfsense-facts.md §6): stored details may stay shorter.
}

/** An array of strings from a request field, or a 400 as `Core/Field.inc` answers. */
export function stringArray(field: string, v: unknown): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
    throw validation('FIELD_INVALID_TYPE', `Field \`${field}\` must be of type \`array\`.`);
  return v as string[];
}

/** A string from a request field. */
export function stringField(field: string, v: unknown, dflt: string): string {
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'string')
    throw validation('FIELD_INVALID_TYPE', `Field \`${field}\` must be of type \`string\`.`);
  return v;
}

/** An alias as the API represents it. */
export function aliasOut(a: SimAlias, id: number): Record<string, unknown> {
  return { id, name: a.name, type: a.type, descr: a.descr, address: [...a.address], detail: [...a.detail] };
}

/** The object with `id`, or 404 `MODEL_OBJECT_NOT_FOUND`; 400 `MODEL_REQUIRES_ID` without one. */
export function byId<T>(list: T[], id: unknown): { item: T; index: number } {
  if (id === undefined || id === null || id === '')
    throw validation('MODEL_REQUIRES_ID', "Field 'id' is required.");
  const index = typeof id === 'number' ? id : Number.NaN;
  const item = Number.isInteger(index) ? list[index] : undefined;
  if (item === undefined)
    throw new ApiError(
      404,
      'MODEL_OBJECT_NOT_FOUND',
      `Object with ID \`${JSON.stringify(id)}\` does not exist.`,
    );
  return { item, index };
}
