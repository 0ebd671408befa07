/**
 * The alias model of the OPNsense simulator: validation (`Alias.xml`, `AliasNameField`,
 * `AliasContentField`) and the two read shapes (`search_item` rows, `get_item` maps).
 */
import { isIP } from 'node:net';
import { INTERFACES, type SimRecord, type SimState } from './state.js';
import { isCidr, isFqdn, isRange } from './net.js';
import { Validations, csv, optionMap } from './http.js';

/** `type` options and their display text (`Alias.xml`). */
export const ALIAS_TYPES: Record<string, string> = {
  host: 'Host(s)',
  network: 'Network(s)',
  port: 'Port(s)',
  url: 'URL (IPs)',
  urltable: 'URL Table (IPs)',
  urljson: 'URL Table in JSON format (IPs)',
  geoip: 'GeoIP',
  networkgroup: 'Network group',
  mac: 'MAC address',
  asn: 'BGP ASN',
  dynipv6host: 'Dynamic IPv6 Host',
  authgroup: 'OpenVPN group',
  internal: 'Internal (automatic)',
  external: 'External (advanced)',
};

/** `AliasNameField` pattern: a letter or two leading characters, then up to 29 more → at most 31. */
const NAME_PATTERN = /^([a-zA-Z]|(([_a-zA-Z][a-zA-Z0-9]|[a-zA-Z][_a-zA-Z0-9])[_a-zA-Z0-9]{0,29}))$/;

/** pf keywords and service/protocol names that cannot name an alias (a representative subset). */
const RESERVED_NAMES = new Set(
  (
    'any all block pass match table port in out on from to inet inet6 quick log keep state label proto self ' +
    'flags tag tagged route-to reply-to scrub nat rdr binat antispoof urpf-failed no-route ' +
    'http https ssh tcp udp icmp icmp6 ipv6-icmp dns domain ftp smtp ntp snmp telnet imap pop3 ldap ' +
    'gre esp ah ip ipv6 carp pfsync ospf igmp'
  ).split(' '),
);

/** Is `name` an existing alias (content may reference other aliases)? */
export function aliasByName(state: SimState, name: string): [string, SimRecord] | undefined {
  for (const entry of state.aliases) if (entry[1].name === name) return entry;
  return undefined;
}

/** Per-type content checks; returns the OPNsense message for the first bad entry. */
function contentError(state: SimState, type: string, entry: string): string | undefined {
  const plain = entry.startsWith('!') ? entry.slice(1) : entry;
  const isAlias = aliasByName(state, plain) !== undefined;
  switch (type) {
    case 'host':
      return isIP(plain) !== 0 || isRange(plain) || isFqdn(plain) || isAlias
        ? undefined
        : `Entry "${entry}" is not a valid hostname, IP address or range.`;
    case 'network':
      return isIP(plain) !== 0 || isCidr(plain) || isRange(plain) || isAlias
        ? undefined
        : `Entry "${entry}" is not a network.`;
    case 'port':
      return /^\d{1,5}(:\d{1,5})?$/.test(entry) || isAlias
        ? undefined
        : `Entry "${entry}" is not a valid port number.`;
    default:
      return undefined;
  }
}

/**
 * Validates an alias record as the model does on save; `uuid` is the record's own id (for uniqueness).
 * Keys are `alias.<field>`.
 */
export function validateAlias(state: SimState, uuid: string, r: SimRecord): Validations {
  const v = new Validations();
  const name = r.name ?? '';
  if (name === '') v.add('alias.name', 'A value is required.');
  else {
    if (!NAME_PATTERN.test(name)) {
      v.add(
        'alias.name',
        'The name must be less than 32 characters long and may only consist of the following characters: a-z, A-Z, 0-9, _',
      );
    }
    if (RESERVED_NAMES.has(name.toLowerCase())) {
      v.add('alias.name', 'Reserved protocol or service names can not be used.');
    }
    const other = aliasByName(state, name);
    if (other !== undefined && other[0] !== uuid)
      v.add('alias.name', 'An alias with this name already exists.');
  }
  const type = r.type ?? '';
  if (!Object.hasOwn(ALIAS_TYPES, type)) v.add('alias.type', 'Option not in list.');
  for (const entry of (r.content ?? '').split('\n').filter((e) => e.trim() !== '')) {
    const err = contentError(state, type, entry.trim());
    if (err !== undefined) v.add('alias.content', err);
  }
  const description = r.description ?? '';
  if (description.length > 255 || /[\r\n]/.test(description)) {
    v.add('alias.description', 'Description should be a string between 1 and 255 characters.');
  }
  for (const [field, allowed] of [
    ['enabled', ['0', '1']],
    ['counters', ['', '0', '1']],
  ] as const) {
    if (!(allowed as readonly string[]).includes(r[field] ?? ''))
      v.add(`alias.${field}`, 'Option not in list.');
  }
  if (csv(r.proto).some((p) => p !== 'IPv4' && p !== 'IPv6')) v.add('alias.proto', 'Option not in list.');
  const expire = r.expire ?? '';
  if (expire !== '' && (!/^\d+$/.test(expire) || Number(expire) < 60 || Number(expire) > 999_999_999)) {
    v.add('alias.expire', 'Value should be between 60 and 999999999.');
  }
  if (csv(r.categories).length > 0) v.add('alias.categories', 'Related category not found.');
  if (r.interface !== '' && r.interface !== undefined && !Object.hasOwn(INTERFACES, r.interface)) {
    v.add('alias.interface', 'Option not in list.');
  }
  if (type === 'dynipv6host' && (r.interface ?? '') === '') {
    v.add('alias.interface', 'IPv6 Dynamic Host require an interface to track.');
  }
  return v;
}

/** Content entries of a record (trimmed, non-empty). */
export function contentEntries(r: SimRecord): string[] {
  return (r.content ?? '')
    .split('\n')
    .map((e) => e.trim())
    .filter((e) => e !== '');
}

/** A `search_item` row: raw values, `content` newline-separated, `%field` where display text differs. */
export function searchRow(state: SimState, uuid: string, r: SimRecord): Record<string, unknown> {
  const row: Record<string, unknown> = {
    uuid,
    enabled: r.enabled,
    name: r.name,
    type: r.type,
    proto: r.proto,
    interface: r.interface,
    counters: r.counters,
    updatefreq: r.updatefreq,
    content: contentEntries(r).join('\n'),
    description: r.description,
    categories: r.categories,
    categories_uuid: csv(r.categories),
    current_items: String(state.tables.get(r.name ?? '')?.length ?? 0),
    last_updated: '',
    in_block_p: '0',
    in_pass_p: '0',
  };
  const display = ALIAS_TYPES[r.type ?? ''];
  if (display !== undefined && display !== r.type) row['%type'] = display;
  if (r.interface !== undefined && r.interface !== '')
    row['%interface'] = INTERFACES[r.interface] ?? r.interface;
  return row;
}

/**
 * A `get_item` body. Option fields are maps; `content` holds this alias's entries (`selected:1`) and every
 * other alias name (`selected:0`), the quirk a reader must filter.
 */
export function getItemBody(state: SimState, uuid: string, r: SimRecord): Record<string, unknown> {
  const content: Record<string, { value: string; selected: number; description: string }> = {};
  for (const [otherUuid, other] of state.aliases) {
    if (otherUuid !== uuid && other.name !== undefined) {
      content[other.name] = { value: other.name, selected: 0, description: other.description ?? '' };
    }
  }
  for (const e of contentEntries(r)) content[e] = { value: e, selected: 1, description: '' };
  return {
    enabled: r.enabled,
    name: r.name,
    type: optionMap(ALIAS_TYPES, [r.type ?? '']),
    path_expression: r.path_expression,
    proto: optionMap({ IPv4: 'IPv4', IPv6: 'IPv6' }, csv(r.proto)),
    interface: optionMap({ '': 'None', ...INTERFACES }, [r.interface ?? '']),
    counters: r.counters,
    updatefreq: r.updatefreq,
    content,
    password: r.password,
    username: r.username,
    authtype: optionMap({ '': 'None', Basic: 'Basic', Bearer: 'Bearer', Header: 'Header' }, [
      r.authtype ?? '',
    ]),
    expire: r.expire,
    categories: {},
    description: r.description,
  };
}
