/**
 * The OPNsense releases the simulator plays and what differs between their patch levels. Pure data (no
 * simulator code): the lab entry reads it when a config loads, the simulator when it starts.
 *
 * Every difference is read from opnsense/core at its release tags (`git show <tag>:<path>`); the sources
 * are cited where each behaviour is modelled (simulator/*.ts) and collected in docs/vendors/opnsense.md.
 */
import { ConfigError } from '../../errors.js';
import type { FirmwareRange } from '../types.js';

/** Release ranges the simulator plays, in release order. */
export const OPNSENSE_FIRMWARE: readonly FirmwareRange[] = [
  {
    releases: '25.7.0–25.7.7',
    example: '25.7.5',
    behaviour:
      'single DNSBL object; search_rule without interface lists floating rules only; savepoint rollback',
  },
  {
    releases: '25.7.8–25.7.11',
    example: '25.7.11',
    behaviour:
      'DNSBL policies (the single-object set is ignored but answers saved); search_rule without interface lists floating rules only',
  },
  {
    releases: '26.1.0',
    example: '26.1.0',
    behaviour: 'DNSBL policies; search_rule without interface lists floating rules only',
  },
  {
    releases: '26.1.1–26.1.9',
    example: '26.1.9',
    behaviour: 'search_rule without interface lists every rule; legacy rows only with show_all',
  },
  {
    releases: '26.1.10+',
    example: '26.1.11',
    behaviour: 'search_rule lists legacy and automatic rows always',
  },
  {
    releases: '26.7',
    example: '26.7.2',
    behaviour: 'no savepoint/rollback endpoints; filter apply skips the alias refresh',
  },
];

/** What a release does, as the simulator and the docs need it. */
export interface OpnsenseRelease {
  /** The release exactly as given (`25.7.5`, `26.1`, `26.1.9_2`). */
  version: string;
  /** API line: request parsing and error bodies differ per line (vendor-opnsense.md §1–§2). */
  line: '25.7' | '26.1' | '26.7';
  /** `major*10000 + minor*100 + patch`, for comparisons. */
  number: number;
  /** DNSBL policies (`dnsbl.blocklist[]`, `*_dnsbl` endpoints): from 25.7.8 (commit 8938a491f5). */
  dnsblPolicies: boolean;
  /** `search_rule` without `interface` returns every rule: from 26.1.1; before, floating rules only. */
  searchListsAll: boolean;
  /** `search_rule` returns legacy/automatic rows without `show_all`: from 26.1.10 (commit bcaee51bf6). */
  legacyRowsAlways: boolean;
  /** `firewall/filter/savepoint|cancelRollback|revert` exist: up to 26.1 (removed in 26.7). */
  savepoints: boolean;
  /** `filter/apply` runs `filter reload skip_alias` (no detached alias refresh): 26.7. */
  applySkipsAlias: boolean;
}

/** Releases accepted: `25.7`, `25.7.5`, optionally with a hotfix suffix `_2`. */
const RELEASE = /^(\d{2})\.(1|7)(?:\.(\d{1,2}))?(?:_\d+)?$/;

/**
 * Parses and checks a release. The version stays as given (the device reports exactly it).
 * @throws ConfigError when the simulator does not play that release.
 */
export function opnsenseRelease(given: string): OpnsenseRelease {
  const version = given.trim();
  const m = RELEASE.exec(version);
  const number = m ? Number(m[1]) * 10000 + Number(m[2]) * 100 + Number(m[3] ?? 0) : 0;
  if (!m || number < 250700 || number >= 260800) {
    throw new ConfigError(
      `opnsense firmware ${given} is not played by the simulator (plays ${OPNSENSE_FIRMWARE.map((r) => r.releases).join(', ')})`,
    );
  }
  const line = number < 260100 ? '25.7' : number < 260700 ? '26.1' : '26.7';
  return {
    version,
    line,
    number,
    dnsblPolicies: number >= 250708,
    searchListsAll: number >= 260101,
    legacyRowsAlways: number >= 260110,
    savepoints: line !== '26.7',
    applySkipsAlias: line === '26.7',
  };
}
