/**
 * What the guard refuses whatever the configuration says: the special-purpose address ranges and the
 * special-use domain names.
 */
/**
 * Special-purpose ranges refused regardless of configuration (IANA IPv4/IPv6 Special-Purpose
 * Address Registries, RFC 6890 and successors). A feed entry overlapping any of them is `guarded`.
 */
export const SPECIAL_PURPOSE_RANGES: readonly (readonly [string, string])[] = [
  ['0.0.0.0/8', '0.0.0.0/8 "this network" (RFC 791, RFC 5735)'],
  ['10.0.0.0/8', '10.0.0.0/8 private (RFC 1918)'],
  ['100.64.0.0/10', '100.64.0.0/10 shared address space / CGN (RFC 6598)'],
  ['127.0.0.0/8', '127.0.0.0/8 loopback (RFC 1122)'],
  ['169.254.0.0/16', '169.254.0.0/16 link-local (RFC 3927)'],
  ['172.16.0.0/12', '172.16.0.0/12 private (RFC 1918)'],
  ['192.0.0.0/24', '192.0.0.0/24 IETF protocol assignments (RFC 6890)'],
  ['192.0.2.0/24', '192.0.2.0/24 documentation TEST-NET-1 (RFC 5737)'],
  ['192.31.196.0/24', '192.31.196.0/24 AS112-v4 (RFC 7535)'],
  ['192.52.193.0/24', '192.52.193.0/24 AMT (RFC 7450)'],
  ['192.88.99.0/24', '192.88.99.0/24 deprecated 6to4 relay anycast (RFC 7526)'],
  ['192.168.0.0/16', '192.168.0.0/16 private (RFC 1918)'],
  ['192.175.48.0/24', '192.175.48.0/24 AS112 direct delegation (RFC 7534)'],
  ['198.18.0.0/15', '198.18.0.0/15 benchmarking (RFC 2544)'],
  ['198.51.100.0/24', '198.51.100.0/24 documentation TEST-NET-2 (RFC 5737)'],
  ['203.0.113.0/24', '203.0.113.0/24 documentation TEST-NET-3 (RFC 5737)'],
  ['224.0.0.0/4', '224.0.0.0/4 multicast (RFC 5771)'],
  ['240.0.0.0/4', '240.0.0.0/4 reserved, incl. 255.255.255.255 broadcast (RFC 1112, RFC 919)'],
  ['::/128', '::/128 unspecified (RFC 4291)'],
  ['::1/128', '::1/128 loopback (RFC 4291)'],
  ['::ffff:0:0/96', '::ffff:0:0/96 IPv4-mapped (RFC 4291)'],
  ['64:ff9b::/96', '64:ff9b::/96 NAT64 well-known prefix (RFC 6052)'],
  ['64:ff9b:1::/48', '64:ff9b:1::/48 local-use NAT64 (RFC 8215)'],
  ['100::/64', '100::/64 discard-only (RFC 6666)'],
  ['2001::/23', '2001::/23 IETF protocol assignments, incl. Teredo (RFC 2928)'],
  ['2001:db8::/32', '2001:db8::/32 documentation (RFC 3849)'],
  ['3fff::/20', '3fff::/20 documentation (RFC 9637)'],
  ['5f00::/16', '5f00::/16 SRv6 SIDs (RFC 9602)'],
  ['fc00::/7', 'fc00::/7 unique local (RFC 4193)'],
  ['fe80::/10', 'fe80::/10 link-local (RFC 4291)'],
  ['fec0::/10', 'fec0::/10 deprecated site-local (RFC 3879)'],
  ['ff00::/8', 'ff00::/8 multicast (RFC 4291)'],
];

/** Special-use domain names refused as `guarded` with all their subdomains (RFC 6761, RFC 8375). */
export const SPECIAL_USE_NAMES: ReadonlySet<string> = new Set([
  'arpa',
  'home.arpa',
  'example.com',
  'example.net',
  'example.org',
]);
