/**
 * In-memory device state of the OPNsense simulator. Configuration (config.xml) and running state (pf
 * tables, the loaded DNSBL) are kept apart, because that gap is what drift detection is about.
 */
import { randomUUID } from 'node:crypto';

/** OPNsense release lines the simulator can behave as (vendor-opnsense.md §8). */
export type SimVersion = '25.7' | '26.1' | '26.7';

/** Full version strings reported by `core/firmware/info` per line. */
export const PRODUCT_VERSIONS: Record<SimVersion, string> = {
  '25.7': '25.7.11',
  '26.1': '26.1.9',
  '26.7': '26.7.2',
};

/** Default pf `table-entries` limit (1,000,000 up to 25.7, at least that from 26.1). */
export const DEFAULT_TABLE_ENTRIES = 1_000_000;

/** Built-in aliases (opnsense/core static_aliases/core.json): always present, names reserved. */
export const STATIC_ALIASES: readonly { name: string; description: string; expire: string }[] = [
  { name: 'bogons', description: 'bogon networks (internal)', expire: '' },
  { name: 'bogonsv6', description: 'bogon networks IPv6 (internal)', expire: '' },
  { name: 'virusprot', description: 'overload table for rate limiting (internal)', expire: '3600' },
  { name: 'sshlockout', description: 'abuse lockout table (internal)', expire: '3600' },
];

/** Interfaces of the simulated device (identifier → description). */
export const INTERFACES: Record<string, string> = { lan: 'LAN', wan: 'WAN', opt1: 'DMZ' };

/** A record is a flat map of string fields, as the model stores it. */
export type SimRecord = Record<string, string>;

/** A rule from the legacy GUI or generated automatically (read-only through this API). */
export interface LegacyRule {
  uuid: string;
  description: string;
  action: string;
  interface: string;
  ipprotocol: string;
  is_automatic: boolean;
}

/** A pending rollback started by `apply/{rev}` (the `filter_<rev>.lock` timer). */
export interface RollbackTimer {
  revision: string;
  deadline: number;
}

/** Everything the simulated device holds. */
export interface SimState {
  version: SimVersion;
  clock: () => number;
  /** pf `table-entries`. */
  tableEntriesLimit: number;
  /** Alias configuration by uuid. */
  aliases: Map<string, SimRecord>;
  /** pf tables by alias name (the running state). */
  tables: Map<string, string[]>;
  /** Automation filter rules by uuid (configuration). */
  rules: Map<string, SimRecord>;
  /** Automation rules as last loaded into pf (`filter/apply`, alias `reconfigure`, rollback). */
  runningRules: SimRecord[];
  legacyRules: LegacyRule[];
  /** 26.1+: DNSBL policies by uuid. */
  dnsbl: Map<string, SimRecord>;
  /** ≤25.7: the single `unbound.dnsbl` object. */
  dnsblSingle: SimRecord;
  /** DNSBL as loaded by the last `service/dnsbl` (policies; ≤25.7 one pseudo policy). */
  dnsblRunning: SimRecord[];
  /** Savepoints: revision → filter rule configuration at that time. */
  savepoints: Map<string, Map<string, SimRecord>>;
  rollback: RollbackTimer | undefined;
}

/** Builds the initial state: built-in aliases, a few legacy/automatic rules, empty DNSBL. */
export function createState(version: SimVersion, clock: () => number, tableEntriesLimit: number): SimState {
  const aliases = new Map<string, SimRecord>();
  const tables = new Map<string, string[]>();
  for (const s of STATIC_ALIASES) {
    aliases.set(randomUUID(), {
      ...aliasDefaults(),
      name: s.name,
      type: 'external',
      description: s.description,
      expire: s.expire,
    });
    tables.set(s.name, []);
  }
  const legacy = (
    description: string,
    action: string,
    iface: string,
    proto: string,
    auto: boolean,
  ): LegacyRule => ({
    uuid: randomUUID(),
    description,
    action,
    interface: iface,
    ipprotocol: proto,
    is_automatic: auto,
  });
  return {
    version,
    clock,
    tableEntriesLimit,
    aliases,
    tables,
    rules: new Map(),
    runningRules: [],
    legacyRules: [
      legacy('Default deny / state violation rule', 'block', '', 'inet46', true),
      legacy('Anti-Lockout Rule', 'pass', 'lan', 'inet46', true),
      legacy('Default allow LAN to any rule', 'pass', 'lan', 'inet', false),
      legacy('Default allow LAN IPv6 to any rule', 'pass', 'lan', 'inet6', false),
    ],
    dnsbl: new Map(),
    dnsblSingle: dnsblSingleDefaults(),
    dnsblRunning: [],
    savepoints: new Map(),
    rollback: undefined,
  };
}

/** Alias field names (`Alias.xml`), in model order. */
export const ALIAS_FIELDS = [
  'enabled',
  'name',
  'type',
  'path_expression',
  'proto',
  'interface',
  'counters',
  'updatefreq',
  'content',
  'password',
  'username',
  'authtype',
  'expire',
  'categories',
  'description',
] as const;

/** A new alias record with the model defaults (`type` defaults to `alert`, which is not an option). */
export function aliasDefaults(): SimRecord {
  const r: SimRecord = Object.fromEntries(ALIAS_FIELDS.map((f) => [f, '']));
  r.enabled = '1';
  r.type = 'alert';
  r.counters = '0';
  return r;
}

/** ≤25.7 `unbound.dnsbl` defaults (`Unbound-25.7.xml`: disabled). */
export function dnsblSingleDefaults(): SimRecord {
  return {
    enabled: '0',
    safesearch: '0',
    type: '',
    lists: '',
    whitelists: '',
    blocklists: '',
    wildcards: '',
    address: '',
    nxdomain: '0',
  };
}

/** Copies a record map (savepoints, running snapshots). */
export function cloneRecords(records: Map<string, SimRecord>): Map<string, SimRecord> {
  return new Map([...records].map(([k, v]) => [k, { ...v }]));
}

/**
 * Fires an expired rollback timer: restores the filter rules of its savepoint and reloads the filter.
 * Called before every request, so an injected clock decides when the 60 s have passed.
 */
export function tickRollback(state: SimState): void {
  const timer = state.rollback;
  if (timer === undefined || state.clock() < timer.deadline) return;
  state.rollback = undefined;
  const saved = state.savepoints.get(timer.revision);
  if (saved === undefined) return;
  state.rules = cloneRecords(saved);
  loadFilter(state);
}

/** `filter reload`: the configured automation rules become the running ruleset. */
export function loadFilter(state: SimState): void {
  state.runningRules = [...state.rules.entries()].map(([uuid, r]) => ({ ...r, uuid }));
}
