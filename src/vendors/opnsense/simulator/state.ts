/**
 * In-memory device state of the OPNsense simulator. Configuration (config.xml) and running state (pf
 * tables, the loaded DNSBL) are kept apart, because that gap is what drift detection is about.
 */
import { randomUUID } from 'node:crypto';
import type { OpnsenseRelease } from '../firmware.js';

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

/** Interface groups (Firewall › Groups): name → members and group sequence (priority within groups). */
export const INTERFACE_GROUPS: Record<string, { members: string[]; sequence: number }> = {
  inside: { members: ['lan', 'opt1'], sequence: 0 },
};

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
  /** Destination (an address, `any`, or an alias name: counts as a use of that alias). */
  destination?: string;
}

/**
 * A rollback timer started by `apply/{rev}`. `rollback_timer.php` runs detached
 * (`configdpRun(..., true)`, FilterBaseController.php `applyAction`, 25.7.5 and 26.1.9) and only creates
 * its lock `/tmp/filter_<rev>.lock` once PHP has started (`armAt`); `rollback_cancel.php` deletes the lock
 * only if it exists, so a cancel before `armAt` stops nothing (opnsense/core 26.1.9
 * src/opnsense/scripts/filter/rollback_{timer,cancel}.php).
 */
export interface RollbackTimer {
  revision: string;
  /** When the lock file exists (the script has started). */
  armAt: number;
  /** When the script gives up waiting (60 × 1 s after arming) and reverts. */
  deadline: number;
}

/** Time costs of the simulated box (0 = instantaneous); every knob scales with the work, as on a real box. */
export interface SimCosts {
  /** Delay before the rollback script's lock exists (PHP start-up of `rollback_timer.php`). */
  armDelayMs: number;
  /** Extra time an alias save takes per content entry (#9408, #9456: big network aliases save slowly). */
  saveMsPerEntry: number;
  /** Time a (detached or synchronous) alias refresh holds its lock: base plus per table entry. */
  refreshBaseMs: number;
  refreshMsPerEntry: number;
  /** `alias_util/list` of a table bigger than this exhausts PHP's memory (#10854): HTTP 500. */
  listMaxEntries: number;
}

/** Defaults: small but non-zero, so ordering effects show up in every lab run. */
export const DEFAULT_COSTS: SimCosts = {
  armDelayMs: 150,
  saveMsPerEntry: 0,
  refreshBaseMs: 150,
  refreshMsPerEntry: 0,
  listMaxEntries: 2_000_000,
};

/** A reference to an alias somewhere in config.xml that no automation API shows (NAT, plugins). */
export interface ConfigReference {
  /** Where, as `Alias::whereUsed()` names it, e.g. `nat.rule`. */
  section: string;
  /** The text holding the alias name. */
  text: string;
}

/** Everything the simulated device holds. */
export interface SimState {
  release: OpnsenseRelease;
  clock: () => number;
  costs: SimCosts;
  /** Extra delay the current request's answer waits (work proportional to its size). */
  pendingCostMs: number;
  /** The detached `filter refresh_aliases` holding `/tmp/filter_update_tables.lock` until `until`. */
  refresh: { until: number } | undefined;
  /** Messages the box only logs (System › Log Files › General): detached refresh errors. */
  systemLog: string[];
  /** Alias references outside the automation rules (legacy rules, NAT, plugins). */
  configReferences: ConfigReference[];
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
export function createState(
  release: OpnsenseRelease,
  clock: () => number,
  tableEntriesLimit: number,
  costs: SimCosts,
): SimState {
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
    release,
    clock,
    costs,
    pendingCostMs: 0,
    refresh: undefined,
    systemLog: [],
    configReferences: [],
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
 * Fires an expired rollback timer: restores the filter rules of its savepoint and reloads the filter
 * (`rollback_timer.php`: `Filter::rollback($revision)` then `configdRun('filter reload')`). Called before
 * every request, so an injected clock decides when time has passed.
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
