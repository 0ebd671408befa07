/**
 * pfSense CE + pfrest (pfSense-pkg-RESTAPI) releases: which pfrest builds exist for which pfSense base,
 * and the behaviour differences between them that the adapter and the simulator care about.
 *
 * Build matrix: pfrest/pfSense-pkg-RESTAPI `.github/workflows/release.yml` at each tag (pfsense-facts.md §1):
 * CE 2.7.2 ↔ v2.0.0–v2.4.3, CE 2.8.0 ↔ v2.5.0–v2.7.7, CE 2.8.1 ↔ v2.6.0–v2.10.0. The simulator plays
 * v2.3.0 and later (the oldest line with the endpoints and fields the adapter uses unchanged).
 */
import { ConfigError } from '../../errors.js';
import type { FirmwareRange } from '../types.js';

/** pfrest tags the simulator plays (pfrest/pfSense-pkg-RESTAPI `git tag`, v2.3.0 … v2.10.0). */
const PFREST_TAGS = [
  '2.3.0', '2.3.1', '2.3.2', '2.3.3', '2.3.4', '2.3.5', '2.3.6', '2.4.0', '2.4.1', '2.4.2', '2.4.3',
  '2.5.0', '2.5.1', '2.5.2', '2.5.3', '2.5.4', '2.6.0', '2.6.1', '2.6.2', '2.6.3', '2.6.4', '2.6.5',
  '2.6.6', '2.6.7', '2.6.8', '2.6.9', '2.7.0', '2.7.1', '2.7.2', '2.7.3', '2.7.4', '2.7.5', '2.7.6',
  '2.7.7', '2.8.0', '2.8.1', '2.8.2', '2.8.3', '2.8.4', '2.9.0', '2.10.0',
] as const; // prettier-ignore

/** pfSense CE base → the pfrest tags built for it (inclusive bounds, release.yml per tag). */
const BASES: Record<string, { from: string; to: string }> = {
  '2.7.2': { from: '2.3.0', to: '2.4.3' },
  '2.8.0': { from: '2.5.0', to: '2.7.7' },
  '2.8.1': { from: '2.6.0', to: '2.10.0' },
};

/** The ranges the simulator plays, in release order (`iocwall lab --list-firmware`). */
export const PFSENSE_FIRMWARE: readonly FirmwareRange[] = [
  {
    releases: '2.7.2+pfrest-2.3.0–2.4.3',
    example: '2.7.2+pfrest-2.4.3',
    behaviour:
      'aliases hold at most 128 entries (larger sets are refused in the plan); no live-table endpoint; no `any` interface',
  },
  {
    releases: '2.8.0+pfrest-2.5.0–2.5.3',
    example: '2.8.0+pfrest-2.5.3',
    behaviour: 'still the 128-entry alias cap; no live-table endpoint',
  },
  {
    releases: '2.8.0+pfrest-2.5.4',
    example: '2.8.0+pfrest-2.5.4',
    behaviour: 'alias entries unlimited; no live-table endpoint',
  },
  {
    releases: '2.8.0/2.8.1+pfrest-2.6.0–2.7.7',
    example: '2.8.1+pfrest-2.7.7',
    behaviour:
      '`/diagnostics/table` shows the live pf tables (compared with the configuration); `__in` from 2.7.0',
  },
  {
    releases: '2.8.1+pfrest-2.8.0–2.10.0',
    example: '2.8.1+pfrest-2.10.0',
    behaviour: '`dry_run`, table `name`; 2.10.0 checks alias name characters itself',
  },
];

/** A parsed release: the pfSense base and the pfrest package version. */
export interface PfsenseRelease {
  pfsense: string;
  pfrest: string;
}

/** Numeric comparison of dotted versions (`2.10.0` > `2.9.0`). */
export function compareVersions(a: string, b: string): number {
  const x = a.split('.').map((n) => Number.parseInt(n, 10) || 0);
  const y = b.split('.').map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Whether pfrest `version` is at least `min`. */
export function pfrestAtLeast(version: string, min: string): boolean {
  return compareVersions(version, min) >= 0;
}

/**
 * Parses `2.8.1+pfrest-2.10.0` (also `2.8.1-RELEASE+pfrest-v2.10.0`, and a bare `2.8.1`, which means the
 * newest pfrest built for it) into its parts.
 * @throws ConfigError naming the ranges when the pair was never built or is not played.
 */
export function parsePfsenseFirmware(release: string): PfsenseRelease {
  const m = /^(\d+\.\d+\.\d+)(?:-RELEASE)?(?:\+pfrest-v?(\d+\.\d+\.\d+))?$/i.exec(release.trim());
  const base = m?.[1] === undefined ? undefined : BASES[m[1]];
  if (m?.[1] === undefined || base === undefined) throw unknownRelease(release);
  const pfrest = m[2] ?? base.to;
  const known = (PFREST_TAGS as readonly string[]).includes(pfrest);
  if (!known || compareVersions(pfrest, base.from) < 0 || compareVersions(pfrest, base.to) > 0) {
    throw unknownRelease(release);
  }
  return { pfsense: m[1], pfrest };
}

/** The normalised release string, `<pfsense>+pfrest-<pfrest>`. */
export function formatRelease(r: PfsenseRelease): string {
  return `${r.pfsense}+pfrest-${r.pfrest}`;
}

function unknownRelease(release: string): ConfigError {
  return new ConfigError(
    `pfsense firmware ${JSON.stringify(release)} is not played by the simulator; releases: ` +
      PFSENSE_FIRMWARE.map((f) => f.releases).join('; ') +
      ' (pfrest builds exist only for these pairs)',
  );
}

/** Behaviour switches of one pfrest release (pfsense-facts.md "Simulator must", per version). */
export interface PfrestFeatures {
  /** `address`/`detail` many_maximum 128 (v2.3.0–v2.5.3; Models/FirewallAlias.inc, Core/Field.inc). */
  aliasCap128: boolean;
  /** `/diagnostics/table(s)` exists (v2.6.0+). */
  tables: boolean;
  /** Table objects carry `name` (v2.8.0+). */
  tableName: boolean;
  /** `__in` query filter (v2.7.0+). */
  inFilter: boolean;
  /** `any` interface on rules (v2.7.2+, issue #840). */
  anyInterface: boolean;
  /** `dry_run` / `Prefer: dry-run` (v2.8.0+). */
  dryRun: boolean;
  /** FilterNameValidator character check (v2.10.0). */
  nameCharCheck: boolean;
}

/** The switches for a pfrest version. */
export function featuresOf(pfrest: string): PfrestFeatures {
  return {
    aliasCap128: !pfrestAtLeast(pfrest, '2.5.4'),
    tables: pfrestAtLeast(pfrest, '2.6.0'),
    tableName: pfrestAtLeast(pfrest, '2.8.0'),
    inFilter: pfrestAtLeast(pfrest, '2.7.0'),
    anyInterface: pfrestAtLeast(pfrest, '2.7.2'),
    dryRun: pfrestAtLeast(pfrest, '2.8.0'),
    nameCharCheck: pfrestAtLeast(pfrest, '2.10.0'),
  };
}
