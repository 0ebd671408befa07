/**
 * Menu specs of the simulated router: firewall address lists (v4/v6, with range → CIDR, `timeout` →
 * dynamic and FQDN entries spawning dynamic children), filter/raw rules and `/ip/dns/static`.
 */
import { createHash } from 'node:crypto';
import type { RouterOsRelease } from '../releases.js';
import { boolValue, SimTrap, type MenuSpec, type SimContext, type Table } from './state.js';
import { durationSeconds, formatDuration, parsePrefix, rangeToCidr } from '../values.js';

const HOSTNAME_RE = /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*\.?$/i;

function common(attrs: Record<string, string>, row: Record<string, string>): void {
  row.disabled = boolValue('disabled', attrs.disabled ?? 'no');
  if (attrs.comment !== undefined && attrs.comment !== '') row.comment = attrs.comment;
}

/**
 * A deterministic stand-in for DNS resolution of FQDN address-list entries (the lab has no network):
 * one address per name, in the benchmarking ranges 198.18.0.0/15 and 2001:db8::/32.
 */
export function fakeResolve(name: string, family: 4 | 6): string {
  const h = createHash('sha256').update(name.toLowerCase()).digest();
  return family === 4
    ? `198.${18 + ((h[0] ?? 0) & 1)}.${h[1] ?? 0}.${h[2] ?? 1}`
    : `2001:db8:${(h.readUInt16BE(3) || 1).toString(16)}::${(h.readUInt16BE(5) || 1).toString(16)}/128`;
}

/**
 * `/ip/firewall/address-list` (family 4) or `/ipv6/firewall/address-list` (family 6). With
 * `allowDuplicates` the same list+address may be added twice, as old or imported configurations hold.
 */
export function addressListSpec(
  family: 4 | 6,
  limit: () => number | undefined,
  allowDuplicates = false,
): MenuSpec {
  const build = (attrs: Record<string, string>, ctx: SimContext): Record<string, string> => {
    const list = attrs.list;
    if (list === undefined || list === '') throw new SimTrap('missing =list=', 1);
    const raw = attrs.address;
    if (raw === undefined || raw === '') throw new SimTrap('missing =address=', 1);
    let address: string;
    const p = parsePrefix(raw);
    if (p !== undefined && p.family === family) {
      // RouterOS shows IPv4 hosts bare and IPv6 hosts as /128.
      address = family === 4 && p.bits === 32 ? p.address : `${p.address}/${p.bits}`;
    } else if (family === 4 && raw.includes('-') && rangeToCidr(raw) !== undefined) {
      address = rangeToCidr(raw) ?? raw;
    } else if (p === undefined && HOSTNAME_RE.test(raw) && !/^[\d.]+$/.test(raw)) {
      address = raw;
    } else {
      throw new SimTrap('invalid value for argument address', 1);
    }
    const row: Record<string, string> = {
      list,
      address,
      'creation-time': attrs['creation-time'] ?? ctx.creationTime(),
    };
    if (attrs.timeout !== undefined && attrs.timeout !== '') {
      const s = durationSeconds(attrs.timeout);
      if (s === undefined) throw new SimTrap('invalid value for argument timeout', 1);
      row.timeout = formatDuration(s);
    }
    row.dynamic = attrs.dynamic ?? (row.timeout === undefined ? 'false' : 'true');
    common(attrs, row);
    return row;
  };
  return {
    fields: new Set(['list', 'address', 'timeout']),
    ordered: false,
    create: build,
    update: (row, ctx) => build(row, ctx),
    key: (row) => (allowDuplicates ? undefined : `${row.list ?? ''}\n${row.address ?? ''}`),
    limit,
    afterAdd: (table: Table, id: string, ctx: SimContext) => {
      const parent = table.get(id);
      if (parent?.address === undefined || parsePrefix(parent.address) !== undefined) return;
      const child = fakeResolve(parent.address, family);
      const row = {
        list: parent.list ?? '',
        address: child,
        'creation-time': ctx.creationTime(),
        dynamic: 'true',
        disabled: 'false',
        comment: parent.address,
      };
      try {
        table.children.set(id, [table.insert(row)]);
      } catch {
        // the resolved address is already in the list: no child, as on the device
      }
    },
  };
}

const FILTER_ACTIONS = [
  'accept',
  'drop',
  'reject',
  'tarpit',
  'jump',
  'return',
  'log',
  'passthrough',
  'fasttrack-connection',
  'add-src-to-address-list',
  'add-dst-to-address-list',
];
const RAW_ACTIONS = [
  'accept',
  'drop',
  'jump',
  'return',
  'log',
  'passthrough',
  'notrack',
  'add-src-to-address-list',
  'add-dst-to-address-list',
];
/** IPv4 `reject-with` values (manual `ip/firewall/filter`). */
const REJECT_WITH_V4 = [
  'icmp-network-unreachable',
  'icmp-host-unreachable',
  'icmp-protocol-unreachable',
  'icmp-port-unreachable',
  'icmp-net-prohibited',
  'icmp-host-prohibited',
  'icmp-admin-prohibited',
  'tcp-reset',
];
/** IPv6 `reject-with` values, which differ from IPv4's (manual `ipv6/firewall/filter`). */
const REJECT_WITH_V6 = [
  'icmp-no-route',
  'icmp-admin-prohibited',
  'icmp-not-neighbour',
  'icmp-address-unreachable',
  'icmp-port-unreachable',
  'icmp-err-src-routing-header',
  'icmp-headers-too-long',
  'tcp-reset',
];
const RULE_FIELDS = [
  'ipsec-policy',
  'chain',
  'action',
  'dst-address-list',
  'src-address-list',
  'reject-with',
  'connection-state',
  'connection-nat-state',
  'src-address',
  'dst-address',
  'in-interface',
  'in-interface-list',
  'out-interface',
  'out-interface-list',
  'protocol',
  'dst-port',
  'log',
  'log-prefix',
  'jump-target',
  'hw-offload',
];

/** `/ip(v6)/firewall/filter` (`raw` false) or `/ip(v6)/firewall/raw` (`raw` true) of one family. */
export function ruleSpec(raw: boolean, family: 4 | 6 = 4): MenuSpec {
  const actions = raw ? RAW_ACTIONS : FILTER_ACTIONS;
  const rejectWith = family === 4 ? REJECT_WITH_V4 : REJECT_WITH_V6;
  const build = (attrs: Record<string, string>): Record<string, string> => {
    const chain = attrs.chain;
    if (chain === undefined || chain === '') throw new SimTrap('missing =chain=', 1);
    const action = attrs.action ?? 'accept';
    if (!actions.includes(action)) throw new SimTrap('input does not match any value of action', 1);
    const rw = attrs['reject-with'];
    if (rw !== undefined && !rejectWith.includes(rw))
      throw new SimTrap('input does not match any value of reject-with', 1);
    const row: Record<string, string> = { chain, action };
    for (const f of RULE_FIELDS) {
      const v = attrs[f];
      if (v !== undefined && v !== '' && !(f in row)) row[f] = f === 'log' ? boolValue(f, v) : v;
    }
    if (action === 'reject' && row['reject-with'] === undefined)
      row['reject-with'] = family === 4 ? 'icmp-network-unreachable' : 'icmp-no-route';
    row.dynamic = 'false';
    common(attrs, row);
    return row;
  };
  return {
    fields: new Set(RULE_FIELDS),
    ordered: true,
    create: build,
    update: build,
    // An identical rule (everything but the disabled flag) is refused like a duplicate list entry.
    key: (row) => JSON.stringify(Object.entries(row).filter(([k]) => k !== 'disabled')),
  };
}

/**
 * Static entry types of every release played (6.47+): wiki Manual:IP/DNS (16 Aug 2022 revision, after the
 * "RouterOS v6.47 changes – DoH and static entry update") lists `A, AAAA, CNAME, FWD, MX, NS, NXDOMAIN,
 * SRV, TXT`; the v7 manual (`ip/dns` "Static") the same.
 */
const DNS_TYPES = ['A', 'AAAA', 'CNAME', 'FWD', 'MX', 'NS', 'NXDOMAIN', 'SRV', 'TXT'];

/**
 * `/ip/dns/static`: `name` or `regexp`, `type`, `match-subdomain` (7.5+, else `unknown parameter`),
 * `ttl` read back normalised.
 */
export function dnsStaticSpec(release: RouterOsRelease): MenuSpec {
  const matchSubdomain = release.matchSubdomain;
  const build = (attrs: Record<string, string>): Record<string, string> => {
    const name = attrs.name;
    const regexp = attrs.regexp;
    if ((name === undefined || name === '') === (regexp === undefined || regexp === '')) {
      throw new SimTrap('failure: exactly one of name or regexp must be set', 1);
    }
    const type = attrs.type ?? 'A';
    if (!DNS_TYPES.includes(type)) throw new SimTrap('input does not match any value of type', 1);
    const row: Record<string, string> =
      name !== undefined && name !== '' ? { name: name.toLowerCase() } : { regexp: regexp ?? '' };
    row.type = type;
    if (type === 'A' || type === 'AAAA') {
      const p = attrs.address === undefined ? undefined : parsePrefix(attrs.address);
      if (p?.family !== (type === 'A' ? 4 : 6) || attrs.address?.includes('/') === true) {
        throw new SimTrap('invalid value for argument address', 1);
      }
      row.address = p.address;
    }
    for (const f of ['cname', 'forward-to', 'text', 'address-list'] as const) {
      const v = attrs[f];
      if (v !== undefined && v !== '') row[f] = v;
    }
    const ttl = durationSeconds(attrs.ttl ?? '1d');
    if (ttl === undefined) throw new SimTrap('invalid value for argument ttl', 1);
    row.ttl = formatDuration(ttl);
    if (matchSubdomain)
      row['match-subdomain'] = boolValue('match-subdomain', attrs['match-subdomain'] ?? 'no');
    row.dynamic = 'false';
    common(attrs, row);
    return row;
  };
  const fields = ['name', 'regexp', 'type', 'address', 'cname', 'forward-to', 'text', 'address-list', 'ttl'];
  return {
    fields: new Set(matchSubdomain ? [...fields, 'match-subdomain'] : fields),
    ordered: true,
    create: build,
    update: build,
  };
}
