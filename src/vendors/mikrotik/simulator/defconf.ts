/**
 * The default configuration a factory-fresh SOHO router applies (`/system default-configuration print`),
 * per release. The IPv4 forward chain is the defconf script of RouterOS 6.4x and 7.x: IPsec accepts,
 * the `fasttrack-connection` rule (with `hw-offload=yes` on 7), then `accept established,related,
 * untracked` — the fasttrack rule sits above the accept rule (MikroTik manual "Building Advanced
 * Firewall" / "Connection tracking" FastTrack section: "fasttrack-connection is usually followed by an
 * identical action=accept rule"; the defconf text is quoted in many public exports, e.g. the terraform
 * routeros provider examples). RouterOS shows the FastTrack counters as a dynamic first rule
 * ("special dummy rule to show fasttrack counters").
 */
import type { RouterOsRelease } from '../releases.js';
import type { Table } from './state.js';

type Rule = Record<string, string>;

const INPUT_V4: Rule[] = [
  {
    chain: 'input',
    action: 'accept',
    'connection-state': 'established,related,untracked',
    comment: 'defconf: accept established,related,untracked',
  },
  { chain: 'input', action: 'drop', 'connection-state': 'invalid', comment: 'defconf: drop invalid' },
  { chain: 'input', action: 'accept', protocol: 'icmp', comment: 'defconf: accept ICMP' },
  {
    chain: 'input',
    action: 'accept',
    'dst-address': '127.0.0.1',
    comment: 'defconf: accept to local loopback (for CAPsMAN)',
  },
  {
    chain: 'input',
    action: 'drop',
    'in-interface-list': '!LAN',
    comment: 'defconf: drop all not coming from LAN',
  },
];

function forwardV4(release: RouterOsRelease): Rule[] {
  return [
    {
      chain: 'forward',
      action: 'accept',
      'ipsec-policy': 'in,ipsec',
      comment: 'defconf: accept in ipsec policy',
    },
    {
      chain: 'forward',
      action: 'accept',
      'ipsec-policy': 'out,ipsec',
      comment: 'defconf: accept out ipsec policy',
    },
    {
      chain: 'forward',
      action: 'fasttrack-connection',
      'connection-state': 'established,related',
      ...(release.v7 ? { 'hw-offload': 'true' } : {}),
      comment: 'defconf: fasttrack',
    },
    {
      chain: 'forward',
      action: 'accept',
      'connection-state': 'established,related,untracked',
      comment: 'defconf: accept established,related, untracked',
    },
    { chain: 'forward', action: 'drop', 'connection-state': 'invalid', comment: 'defconf: drop invalid' },
    {
      chain: 'forward',
      action: 'drop',
      'connection-state': 'new',
      'connection-nat-state': '!dstnat',
      'in-interface-list': 'WAN',
      comment: 'defconf: drop all from WAN not DSTNATed',
    },
  ];
}

/** The IPv6 defconf: no FastTrack for IPv6 (FastTrack is an IPv4 handler, manual "Connection tracking"). */
const FILTER_V6: Rule[] = [
  {
    chain: 'input',
    action: 'accept',
    'connection-state': 'established,related,untracked',
    comment: 'defconf: accept established,related,untracked',
  },
  {
    chain: 'forward',
    action: 'accept',
    'connection-state': 'established,related,untracked',
    comment: 'defconf: accept established,related,untracked',
  },
  { chain: 'forward', action: 'drop', 'connection-state': 'invalid', comment: 'defconf: drop invalid' },
  {
    chain: 'forward',
    action: 'drop',
    'in-interface-list': '!LAN',
    comment: 'defconf: drop everything else not coming from LAN',
  },
];

/** Seeds the default configuration of `release` into the router's tables. */
export function seedDefconf(tables: ReadonlyMap<string, Table>, release: RouterOsRelease): void {
  const add = (menu: string, rows: readonly Rule[]): void => {
    for (const r of rows) tables.get(menu)?.add(r);
  };
  const filter = tables.get('/ip/firewall/filter');
  // The dynamic counter rule RouterOS shows while a fasttrack rule exists (never ours, never an anchor).
  filter?.insert({
    chain: 'forward',
    action: 'passthrough',
    comment: 'special dummy rule to show fasttrack counters',
    dynamic: 'true',
    disabled: 'false',
  });
  add('/ip/firewall/filter', [...INPUT_V4, ...forwardV4(release)]);
  if (release.ipv6) add('/ipv6/firewall/filter', FILTER_V6);
  add('/ip/dns/static', [{ name: 'router.lan', address: '192.168.88.1', comment: 'defconf' }]);
}
