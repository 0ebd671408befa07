/**
 * RouterOS releases as iocwall knows them: which features a release has, for the simulator (which plays
 * it) and for the adapter (which must not ask a release for what it lacks). Every fact names its source.
 */
import { ConfigError } from '../../errors.js';
import type { FirmwareRange } from '../types.js';

/** What one RouterOS release does that iocwall depends on. */
export interface RouterOsRelease {
  /** The release as given, without the package suffix (`6.49.15`, `7.4`, `7.18`). */
  version: string;
  major: number;
  minor: number;
  /**
   * `/ipv6` menus exist. On RouterOS 6 IPv6 is the separate `ipv6` package, which may be disabled
   * (wiki "Manual:IPv6 Overview": "Package requirement: ipv6"; ansible/ansible #64958 shows a 6.42.11
   * router with `X ipv6`). RouterOS 7 has IPv6 in the main package.
   */
  ipv6: boolean;
  /**
   * A zero-row `print` answers `!empty` before `!done` (7.18 changelog "console - put !empty sentence
   * when API query returns nothing"; pear2/Net_RouterOS PR #80).
   */
  emptyReply: boolean;
  /**
   * `/ip/dns/static` has `match-subdomain` (7.5 changelog: "dns - added "match-subdomain" option for
   * static entries"); earlier releases trap `unknown parameter match-subdomain`.
   */
  matchSubdomain: boolean;
  /**
   * `regexp` static entries match case-sensitively (wiki Manual:IP/DNS, 6.47 revision: "regexp entries
   * are case sensitive"). Kept for 7.x too: no changelog line says the matcher changed.
   */
  regexpCaseSensitive: true;
  /** RouterOS 7 (date formats, `hw-offload`, …). */
  v7: boolean;
}

/** Release ranges the simulator plays, in release order (`iocwall lab --list-firmware`). */
export const MIKROTIK_FIRMWARE: readonly FirmwareRange[] = [
  {
    releases: '6.47–6.49',
    example: '6.49',
    behaviour:
      'ipv6 package installed; DNS static has type=NXDOMAIN but no match-subdomain, regexp entries match case-sensitively; bare !done for empty prints',
  },
  {
    releases: '6.47–6.49+no-ipv6',
    example: '6.49+no-ipv6',
    behaviour: 'as 6.47–6.49 without the ipv6 package: every /ipv6 menu traps "no such command or directory"',
  },
  {
    releases: '7.0–7.4',
    example: '7.4',
    behaviour: 'IPv6 built in; DNS static without match-subdomain (regexp form); bare !done',
  },
  {
    releases: '7.5–7.17',
    example: '7.5',
    behaviour: 'DNS static type=NXDOMAIN with match-subdomain; bare !done for empty prints',
  },
  {
    releases: '7.18+',
    example: '7.18',
    behaviour: '!empty then !done for empty prints; NXDOMAIN with match-subdomain',
  },
];

const RELEASE_RE = /^(\d+)\.(\d+)(?:\.(\d+))?(?:(?:beta|rc)\d+)?(\+no-ipv6)?$/;

/**
 * Parses a release as a user writes it (`6.49`, `6.48.6`, `6.49+no-ipv6`, `7.4`, `7.18.2`, `7.1rc1`).
 * @throws ConfigError naming the ranges played when the release is not one of them.
 */
export function parseRelease(text: string): RouterOsRelease & { firmware: string } {
  const t = text.trim();
  const m = RELEASE_RE.exec(t);
  const major = Number(m?.[1]);
  const minor = Number(m?.[2]);
  const noIpv6 = m?.[4] !== undefined;
  const played =
    m !== null &&
    ((major === 6 && minor >= 47 && minor <= 49) || (major === 7 && !noIpv6) || (major > 7 && !noIpv6));
  if (!played) {
    throw new ConfigError(
      `mikrotik firmware ${text} is not played by the simulator (plays ${MIKROTIK_FIRMWARE.map((f) => f.releases).join(', ')}; "+no-ipv6" only on RouterOS 6, where IPv6 is a separate package)`,
    );
  }
  const version = t.replace(/\+no-ipv6$/, '');
  return {
    firmware: t,
    ...releaseFeatures(version, !noIpv6),
  };
}

/** Features of a release from its version number (the adapter's fallback when it cannot probe). */
export function releaseFeatures(version: string, ipv6 = true): RouterOsRelease {
  const m = /^(\d+)\.(\d+)/.exec(version.trim());
  const major = Number(m?.[1] ?? 0);
  const minor = Number(m?.[2] ?? 0);
  const atLeast = (a: number, b: number): boolean => major > a || (major === a && minor >= b);
  return {
    version: version.trim(),
    major,
    minor,
    ipv6: major >= 7 ? true : ipv6,
    emptyReply: atLeast(7, 18),
    matchSubdomain: atLeast(7, 5),
    regexpCaseSensitive: true,
    v7: major >= 7,
  };
}
