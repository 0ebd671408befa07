/**
 * What differs between the SFOS releases the simulator plays (sophos-facts.md §10). Where no public
 * source says what a release answers, the value is an ASSUMPTION, marked as such, and can be overridden
 * with a simulator switch so the adapter is tested against both answers.
 */

/** The releases played. */
export const SFOS_RELEASES = ['19.5', '20.0', '21.0', '21.5', '22.0'] as const;
/** One played release. */
export type SfosRelease = (typeof SFOS_RELEASES)[number];

/** Per-release behaviour. */
export interface ReleaseProfile {
  /** `<Response APIVersion>`: 1905.1 (SDK tests), 2000.2 (SDK PR #65), 2100.1 (C# fixture), 2200.1 (JW tests). */
  apiVersion: string;
  /** `IS_WIFI6="0"` on the root: seen on 20.0 (SDK PR #65); assumed on every later release. */
  wifi6Attribute: boolean;
  /** Zero-record text: 19.5 "Number of records Zero." (SDK tests); 22.0 "No. of records Zero." (JW, real answer). */
  zeroRecords: string;
  /** API allow-list model: IP list up to 21.5 (D-API185), IP host objects `apiconfig*` on 22.0 (AV22). */
  allowList: 'ip-list' | 'ip-hosts';
  /** FirewallRule records carry `Section` (in the 2025 help and JW for 22.0; 21.5 per D-MD). */
  ruleSection: boolean;
}

/** The profiles. */
export const RELEASES: Record<SfosRelease, ReleaseProfile> = {
  '19.5': {
    apiVersion: '1905.1',
    wifi6Attribute: false,
    zeroRecords: 'Number of records Zero.',
    allowList: 'ip-list',
    ruleSection: false,
  },
  '20.0': {
    apiVersion: '2000.2',
    wifi6Attribute: true,
    // ASSUMPTION (sophos-facts.md §14.9): 20.0 wording not captured; kept as on 19.5.
    zeroRecords: 'Number of records Zero.',
    allowList: 'ip-list',
    ruleSection: false,
  },
  '21.0': {
    apiVersion: '2100.1',
    wifi6Attribute: true,
    // ASSUMPTION (§14.9): 21.0 wording not captured; kept as on 19.5.
    zeroRecords: 'Number of records Zero.',
    allowList: 'ip-list',
    ruleSection: false,
  },
  '21.5': {
    // ASSUMPTION (§14.9): no 21.5 answer seen; the numbering scheme of the others gives 2150.1.
    apiVersion: '2150.1',
    wifi6Attribute: true,
    // ASSUMPTION (§14.9): 21.5 wording not captured; the 22.0 wording is assumed.
    zeroRecords: 'No. of records Zero.',
    allowList: 'ip-list',
    ruleSection: true,
  },
  '22.0': {
    apiVersion: '2200.1',
    wifi6Attribute: true,
    zeroRecords: 'No. of records Zero.',
    allowList: 'ip-hosts',
    ruleSection: true,
  },
};

/** Device texts (SDK live functional tests, JW measured; sophos-facts.md §4). */
export const TEXT = {
  ok: 'Configuration applied successfully.',
  sameName: 'Operation failed. Entity having same name already exists.',
  validation: 'Configuration parameters validation failed.',
  couldNot: 'Operation could not be performed on Entity.',
  inUse: 'Deleting entity referred by another entity',
  inUse510: 'Operation failed. Deleting entity referred by another entity.',
  partialDelete: "Deleted some configurations. Couldn't delete all.",
  tooMany: 'More than 1024 objects have been selected simultaneously.',
  notExist: 'Record does not exist.',
  notEditable: 'Trying to update default entities which are not editable.',
  badFile: 'Input request file is Invalid',
  badModule: 'Input request module is Invalid',
  notAllowed: 'API operations are not allowed from the requester IP address',
  // The 532 text was never captured (SDK comment "API access not enabled"); this wording is an ASSUMPTION.
  apiOff: 'API access is not enabled',
  authOk: 'Authentication Successful',
  authFail: 'Authentication Failure',
} as const;
