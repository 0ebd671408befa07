/**
 * The simulated pfSense's state: `config.xml` (what the API reads and writes), the running state (pf tables
 * and ruleset, Unbound with the options it was started with), the dirty subsystems between them, and the
 * latency knobs. Sources: pfsense-facts.md §6–§9; pfSense `filter.inc`, `unbound.inc` (RELENG_2_7_2).
 */
import type { PfrestFeatures } from '../releases.js';

/** `aliases/alias[]` (address space-joined and detail `||`-joined in config.xml; arrays here). */
export interface SimAlias {
  name: string;
  type: 'host' | 'network' | 'port';
  descr: string;
  address: string[];
  detail: string[];
}

/** `filter/rule[]`: floating, interface-group and interface rules in one array. */
export interface SimRule {
  type: 'pass' | 'block' | 'reject';
  /** Interface ids (`lan`, `opt1`, `any`); represented per `represent_interfaces_as` on the API. */
  interface: string[];
  ipprotocol: 'inet' | 'inet6' | 'inet46';
  protocol: string | null;
  source: string;
  destination: string;
  descr: string;
  disabled: boolean;
  log: boolean;
  floating: boolean;
  quick: boolean;
  direction: 'any' | 'in' | 'out';
  tracker: number;
  created_time: number;
  created_by: string;
  updated_time: number;
  updated_by: string;
}

/** `unbound` settings the simulator models. */
export interface SimUnbound {
  enable: boolean;
  forwarding: boolean;
  /** Plain text (base64 in config.xml); no validation by pfrest (`Models/DNSResolverSettings.inc`). */
  custom_options: string;
  /** Domain overrides (`forward-zone:` clauses in unbound.conf). */
  domainOverrides: { domain: string; ip: string }[];
}

/** Everything config.xml holds that the simulator models. */
export interface SimConfig {
  aliases: SimAlias[];
  rules: SimRule[];
  unbound: SimUnbound;
  /** `system/maximumtableentries` (upgrade_config.inc sets 400000 when empty). */
  maximumTableEntries: number;
}

/** A network interface (`/api/v2/interfaces`). */
export interface SimInterface {
  id: string;
  if: string;
  descr: string;
  enable: boolean;
  /** The interface subnet (`LAN` as an address means it, filter.inc). */
  subnet: string;
  subnet6: string;
}

/** What pf is running (rules.debug as loaded). */
export interface RunningFilter {
  /** Alias tables, entries expanded (nested aliases resolved). */
  tables: Map<string, string[]>;
  /** Loaded rules in evaluation order: floating, then interface-group, then interface rules. */
  rules: SimRule[];
}

/** Unbound as a process. */
export interface RunningUnbound {
  running: boolean;
  /** The custom options it was started with (what the resolver answers from). */
  customOptions: string;
  /** Why it did not start (unbound's own error text), when not running. */
  error?: string;
}

/** Per-request costs (ms) of a real box (pfsense-facts.md §2, §8, §9; see README "Latency"). */
export interface SimLatency {
  /** Every request (PHP-FPM start, config.xml parse). */
  requestMs: number;
  /** Each `write_config()` (config.xml write, backup revision). */
  configWriteMs: number;
  /** A synchronous filter reload, plus `perTableEntryUs` per table entry loaded. */
  filterReloadMs: number;
  perTableEntryUs: number;
  /** `services_unbound_configure()`: SIGTERM, wait, regenerate, start. */
  unboundRestartMs: number;
}

/** A pfrest user (pfSense local user database). */
export interface SimUser {
  password: string;
  /** `page-all` or endpoint privileges `api-v2-…-<method>`. */
  privileges: Set<string>;
}

/** The device. */
export interface SimState {
  pfsense: string;
  pfrest: string;
  features: PfrestFeatures;
  config: SimConfig;
  interfaces: SimInterface[];
  /** `/var/run/<name>.dirty` flags: aliases, filter, natconf, shaper, unbound. */
  dirty: Set<string>;
  filter: RunningFilter;
  unbound: RunningUnbound;
  /** Notices filed by failed reloads ("There were error(s) loading the rules"). */
  notices: string[];
  /** `represent_interfaces_as` (`Models/RESTAPISettings.inc`, default `descr`). */
  representInterfacesAs: 'descr' | 'id' | 'if';
  /** `auth_methods` (default `["BasicAuth"]`). */
  authMethods: Set<'BasicAuth' | 'KeyAuth'>;
  users: Map<string, SimUser>;
  /** sha256 of key → username (keys are stored hashed, `Models/RESTAPIKey.inc`). */
  apiKeys: Map<string, string>;
  latency: SimLatency;
  /** Clock in seconds (trackers, created_time). */
  now: () => number;
  /** Called after Unbound started or stopped (the server opens or closes the resolver port). */
  onUnboundChange?: () => void;
}

/** A factory-fresh LAN: the default allow rules pfSense's setup writes (IPv4 and IPv6). */
export function defaultRules(now: number): SimRule[] {
  const base = {
    type: 'pass' as const,
    interface: ['lan'],
    protocol: null,
    source: 'lan',
    destination: 'any',
    disabled: false,
    log: false,
    floating: false,
    quick: false,
    direction: 'any' as const,
    created_time: now,
    created_by: 'admin@setup',
    updated_time: now,
    updated_by: 'admin@setup',
  };
  return [
    { ...base, ipprotocol: 'inet', descr: 'Default allow LAN to any rule', tracker: now - 2 },
    { ...base, ipprotocol: 'inet6', descr: 'Default allow LAN IPv6 to any rule', tracker: now - 1 },
  ];
}

/** WAN, LAN and one optional interface, as a small office box has them. */
export function defaultInterfaces(): SimInterface[] {
  return [
    {
      id: 'wan',
      if: 'igb0',
      descr: 'WAN',
      enable: true,
      subnet: '203.0.113.2/24',
      subnet6: '2001:db8:ffff::2/64',
    },
    { id: 'lan', if: 'igb1', descr: 'LAN', enable: true, subnet: '192.168.1.1/24', subnet6: 'fd00:1::1/64' },
    {
      id: 'opt1',
      if: 'igb2',
      descr: 'GUEST',
      enable: true,
      subnet: '192.168.2.1/24',
      subnet6: 'fd00:2::1/64',
    },
  ];
}

/** No latency at all (tests). */
export const NO_LATENCY: SimLatency = {
  requestMs: 0,
  configWriteMs: 0,
  filterReloadMs: 0,
  perTableEntryUs: 0,
  unboundRestartMs: 0,
};

/**
 * A real box's costs, for the benchmark and demos. pfsense-facts.md gives the mechanisms, not timings
 * (open question 3): each request boots PHP-FPM and parses config.xml; each save runs `write_config()`
 * (config.xml, a backup revision, the HA sync check); a synchronous filter reload regenerates rules.debug
 * and loads every table into pf; an Unbound apply stops it (up to 30 s), regenerates and starts it. The
 * figures are estimates of a small appliance, not measurements.
 */
export const APPLIANCE_LATENCY: SimLatency = {
  requestMs: 40,
  configWriteMs: 300,
  filterReloadMs: 2000,
  perTableEntryUs: 20,
  unboundRestartMs: 3000,
};

/** Deep copy of the configuration: each request works on the config it loaded at its start. */
export function cloneConfig(c: SimConfig): SimConfig {
  return structuredClone(c);
}
