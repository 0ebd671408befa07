/**
 * The adapter seam: the only types a vendor adapter shares with the engine.
 *
 * Lifecycle of one target in a run (the engine drives it; an adapter never decides what to change):
 *  1. `read()`   — observe what iocwall manages on the device (marked objects), name collisions with
 *                  unmarked objects, and drift signals (rule enabled/position, pending unapplied changes,
 *                  configuration vs running state). Never writes.
 *  2. the planner (pure) compares `DesiredState` with the `ObservedState` and produces `Change`s.
 *  3. `apply(changes, desired)` — performs exactly those changes in the vendor's own idiom (whole set
 *                  content in one call where the API allows; pipelined commands where it does not), then
 *                  applies/reloads so configuration and running state agree.
 *  4. `read()` again — the engine verifies the result (read-back).
 *
 * Ownership: every object an adapter creates carries the marker `iocwall:<instanceId>` in its
 * description/comment, tested with the one rule in `ownership.ts` (`hasMarker`). Unmarked objects are
 * reported in `ObservedState.foreign` when they hold one of our names, and are otherwise never read as
 * ours, modified or deleted.
 *
 * Order: the planner orders the changes (sets created before the rules that reference them, rules deleted
 * before the sets they reference). An adapter runs them in the order given and never re-orders them; it
 * may batch consecutive changes into fewer device calls when that keeps the order's effect.
 *
 * A vendor is one folder exporting one `VendorModule` (below) plus one line in `vendors/index.ts`.
 */
import type { z } from 'zod';

/** Vendor ids, as in the config file and the lab. */
export const VENDOR_IDS = ['opnsense', 'mikrotik', 'pfsense', 'sophos'] as const;
/** A vendor id. */
export type VendorId = (typeof VENDOR_IDS)[number];

/** Which kind of values a managed set holds. */
export type SetFamily = 'ipv4' | 'ipv6' | 'domain';

/** Stable logical ids of the sets and rules iocwall manages on a target. */
export type SetId = 'ipv4' | 'ipv6' | 'dns';
/** Logical ids of the managed rules (one egress rule per address family). */
export type RuleId = 'egress-ipv4' | 'egress-ipv6';

/** What a device can express; the planner refuses what it cannot hold before any write. */
export interface Capabilities {
  ipv6: boolean;
  cidr: boolean;
  /** DNS blocking of a name together with all its subdomains. */
  dnsSubdomainBlock: boolean;
  /** Most entries one managed set may hold on this device (Infinity when unbounded). */
  maxEntriesPerSet: number;
  /** Per-set limits where a set differs from `maxEntriesPerSet` (pfrest < 2.5.4 caps aliases, not its DNS text). */
  maxEntriesBySet?: Partial<Record<SetId, number>>;
  /** Why the limit exists and what lifts it; shown with a capacity refusal. */
  limitReason?: string;
  /**
   * Sets exist only through their entries (RouterOS address lists, DNS static entries): an empty set
   * cannot be observed, so an absent set is the same as an empty one.
   */
  implicitSets?: boolean;
}

/** A set of values iocwall wants on the device (an alias, an address list, a DNS block list). */
export interface DesiredSet {
  id: SetId;
  family: SetFamily;
  /** Device object name (already prefixed and valid for the vendor). */
  name: string;
  /** Canonical, sorted, deduplicated values (addresses/CIDRs, or domains blocked with subdomains). */
  entries: string[];
}

/** An egress block rule referencing one managed set. */
export interface DesiredRule {
  id: RuleId;
  /** Device-visible name/description (carries the marker where the vendor has no separate field). */
  name: string;
  setId: SetId;
  family: 'ipv4' | 'ipv6';
  action: 'drop' | 'reject';
  /** Place above the allow rules (see each adapter for its meaning). */
  placement: 'top';
}

/** Everything iocwall wants on one target. */
export interface DesiredState {
  target: string;
  vendor: VendorId;
  /** `iocwall:<instanceId>` — what marks an object as ours. */
  marker: string;
  sets: DesiredSet[];
  rules: DesiredRule[];
}

/** A managed set as found on the device. */
export interface ObservedSet {
  id: SetId;
  name: string;
  /** Vendor handle (uuid, `.id` list, …) the adapter needs for later calls; opaque to the engine. */
  handle?: string;
  /** Entries in the saved configuration, canonical form, sorted, deduplicated. */
  entries: string[];
  /** Entries in the running state (pf table, …) when the vendor distinguishes it; undefined otherwise. */
  runtimeEntries?: string[];
  /** Values present more than once on the device (tolerated on read, reported). */
  duplicates?: string[];
}

/** A managed rule as found on the device. */
export interface ObservedRule {
  id: RuleId;
  name: string;
  handle?: string;
  enabled: boolean;
  action: 'drop' | 'reject' | 'other';
  /** The set name the rule references. */
  references: string;
  /** False when the rule is no longer above the allow rules it must precede, or not in the shape iocwall made it. */
  positionOk: boolean;
  /** What exactly is wrong when `positionOk` is false (shown in the drift finding). */
  positionProblem?: string;
}

/** An object holding one of our names without our marker. */
export interface ForeignObject {
  kind: 'set' | 'rule';
  name: string;
  detail: string;
}

/** What `read()` reports. */
export interface ObservedState {
  /** Device software version as reported (e.g. "26.1.9", "7.19"). */
  version: string;
  capabilities: Capabilities;
  sets: ObservedSet[];
  rules: ObservedRule[];
  foreign: ForeignObject[];
  /** Configuration saved but not applied to the running state (dirty subsystem, pending reconfigure). */
  pendingApply: boolean;
}

/** One change the planner asks an adapter to make. */
export type Change =
  | {
      kind: 'set';
      op: 'create' | 'update' | 'delete';
      setId: SetId;
      name: string;
      family: SetFamily;
      /** Values to add (create: all of them). */
      add: string[];
      /** Values to remove. */
      remove: string[];
      /** The full desired content after the change (empty on delete). */
      entries: string[];
    }
  | {
      kind: 'rule';
      op: 'create' | 'update' | 'move' | 'delete';
      ruleId: RuleId;
      name: string;
      /** The rule as it must be after the change (for delete, as it was planned). */
      rule: DesiredRule;
      /** Which properties drifted (update/move). */
      reasons: string[];
    }
  | {
      /** Apply saved configuration to the running state (reconfigure / reload) with no other change. */
      kind: 'apply';
      reason: string;
    };

/** What an adapter reports after `apply`. */
export interface ApplyResult {
  /** Device calls made (for logs and benchmarks). */
  calls: number;
  warnings: string[];
}

/** Connection settings every adapter receives, secrets already resolved. */
export interface TargetConnection {
  name: string;
  vendor: VendorId;
  endpoint: string;
  credentials: Record<string, string>;
  tls: { caFile?: string; ca?: string; fingerprint?: string; insecure?: boolean };
  /** Per-request timeout in milliseconds. */
  timeoutMs: number;
  /** A read-only transport refuses every mutating call (audit, plan). */
  readOnly: boolean;
  /** Vendor-specific options from the config (free-form, validated by the adapter). */
  options: Record<string, unknown>;
  /**
   * The device names of the managed sets, from the target's policy. `read()` needs them to report an
   * unmarked object that holds one of our names before iocwall ever wrote to the device.
   */
  objectNames?: Record<SetId, string>;
}

/** The one adapter interface. One instance per target and run. */
export interface FirewallAdapter {
  readonly vendor: VendorId;
  /** Observe the device. Never writes, whatever the transport mode. */
  read(): Promise<ObservedState>;
  /** Make the given changes, then apply/reload. Throws `VendorError` on failure. */
  apply(changes: readonly Change[], desired: DesiredState): Promise<ApplyResult>;
  /** Release connections (sockets, agents). */
  close(): Promise<void>;
}

/** Builds an adapter for a target. */
export type AdapterFactory = (connection: TargetConnection, marker: string) => FirewallAdapter;

/**
 * What a vendor can express whatever the release (octoDNS's `SUPPORTS`). What depends on the device
 * (table room, a release without IPv6) is reported by `read()` in `ObservedState.capabilities`.
 */
export interface StaticCapabilities {
  ipv6: boolean;
  cidr: boolean;
  dnsSubdomainBlock: boolean;
}

/** One credential field in the vendor's own terms (every value is a secret reference in the config). */
export interface CredentialField {
  name: string;
  required: boolean;
  description: string;
}

/** One range of releases a simulator plays with one behaviour (`iocwall lab --list-firmware`). */
export interface FirmwareRange {
  /** The releases, as a user writes them: `25.7.0–25.7.7`, `7.18+`, `2.8.1+pfrest-2.10.0`. */
  releases: string;
  /** A release in the range that `--firmware` accepts, used by the conformance suite. */
  example: string;
  /** What differs in this range (one line). */
  behaviour: string;
}

/** An administrator's hand edits through the device's own API, for drift tests and the demo. */
export interface AdminHandEdits {
  /** Removes one value from a managed set (missing-entry drift). */
  removeEntry(set: SetId, setName: string, value: string): Promise<void>;
  /** Adds one value to a managed set (extra-entry drift). */
  addEntry(set: SetId, setName: string, value: string): Promise<void>;
  /** Disables a managed rule (rule-disabled drift). `ruleName` is `DesiredRule.name`. */
  disableRule(rule: RuleId, ruleName: string): Promise<void>;
  /** Deletes a managed rule (rule-missing drift). */
  deleteRule(rule: RuleId, ruleName: string): Promise<void>;
  /** Puts an allow rule that matches the same traffic before a managed rule (rule-order drift). */
  allowAbove(rule: RuleId, ruleName: string): Promise<void>;
  /** Creates an unmarked object holding one of our set names (foreign-object, exit 3). */
  createForeignSet(set: SetId, setName: string): Promise<void>;
  /**
   * Adds a value to a managed set in the saved configuration without applying it (not-applied drift),
   * where the vendor keeps configuration and running state apart. Absent where it does not.
   */
  saveWithoutApply?(set: SetId, setName: string, value: string): Promise<void>;
}

/** A simulated device the lab started. */
export interface LabDeviceHandle {
  /** The exact release it plays (normalised). */
  firmware: string;
  endpoint: string;
  /** The device's resolver on loopback UDP, `127.0.0.1:PORT`. */
  dns: string;
  /** In the vendor's own terms; carries only the privileges the vendor's docs page lists as needed. */
  credentials: Record<string, string>;
  /** sha256 fingerprint of its TLS certificate (hex, colon-separated), for pinning. */
  fingerprint?: string;
  /**
   * How the device stops a listed name: `resolver` answers NXDOMAIN for it (the default); `egress`
   * resolves every name and its rules drop traffic to the addresses the name resolved to (Sophos FQDN
   * hosts, CONTRACT.md `lab`).
   */
  nameBlocking?: 'resolver' | 'egress';
  /** For `egress` devices: whether the device's rules drop LAN traffic to this address now. */
  dropsTrafficTo?(address: string): boolean;
  /** Hand edits through the API with the device's administrator account (not iocwall's). */
  admin: AdminHandEdits;
  /**
   * Fault knob (chaos runs, tests): answer this many more requests/commands, then drop the connection
   * of the next one before handling it (one-shot). Armed before an apply, it cuts the apply mid-way.
   */
  dropConnectionAfter(requests: number): void;
  /** Write requests the device has received since it started (a read-only run must send none). */
  writeCount(): number;
  /** The vendor's simulator object, for that vendor's own tests (opaque to everything else). */
  simulator?: unknown;
  /** Upgrades the running device to a later release, running that release's migrations. */
  upgrade?(firmware: string): Promise<void>;
  stop(): Promise<void>;
}

/** How the lab starts one vendor's simulator. */
export interface LabEntry {
  /** The release a lab starts when `--firmware` names none. */
  defaultFirmware: string;
  /** The ranges the simulator plays, in release order. */
  firmware: readonly FirmwareRange[];
  /** Normalises a release string, or throws `ConfigError` naming the ranges when it is not played. */
  parseFirmware(release: string): string;
  start(options: LabStartOptions): Promise<LabDeviceHandle>;
}

/** Options of `LabEntry.start`. */
export interface LabStartOptions {
  firmware: string;
  /** A fresh random secret, registered for redaction. */
  secret: () => string;
  /** Extra latency per request/command (benchmarks, demos); the release's own costs still apply. */
  latencyMs?: number;
}

/** Everything iocwall knows about one vendor. A vendor is its folder plus one line in `index.ts`. */
export interface VendorModule {
  id: VendorId;
  /** Human name: `OPNsense`, `MikroTik RouterOS`. */
  displayName: string;
  /** The API it speaks (README vendor table). */
  api: string;
  /** Endpoint URL schemes the adapter accepts, with an example for error messages. */
  endpoint: { schemes: readonly ('https' | 'http' | 'tcp' | 'tls')[]; example: string };
  credentials: readonly CredentialField[];
  /**
   * When a vendor takes its credentials in one of several forms (pfSense: a user and password, or an API
   * key): each form lists its fields, and a target gives exactly one form in full and no field of another
   * (two kinds at once would leave it unclear which one authenticates). Absent: each field's `required`.
   */
  credentialForms?: readonly (readonly string[])[];
  /** zod schema of `targets[].options` for this vendor (strict, with defaults). */
  options: z.ZodType<Record<string, unknown>>;
  capabilities: StaticCapabilities;
  createAdapter: AdapterFactory;
  lab: LabEntry;
}
