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
 * A vendor is one folder exporting one `VendorModule` (below) plus one line in `vendors/index.ts`. The
 * lab's side of the module (`LabEntry`, the device handle, hand edits) is in lab-types.ts, the ids in
 * ids.ts; both are re-exported here, so `types.ts` stays the one import of the seam.
 */
import type { z } from 'zod';
import type { RuleId, SetFamily, SetId, VendorId } from './ids.js';
import type { LabEntry } from './lab-types.js';

export { VENDOR_IDS, type RuleId, type SetFamily, type SetId, type VendorId } from './ids.js';
export type {
  AdminHandEdits,
  FirmwareRange,
  LabDeviceHandle,
  LabEntry,
  LabStartOptions,
} from './lab-types.js';

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

/**
 * Builds an adapter for a target, synchronously: what a vendor's `adapter.ts` exports and what
 * `VendorModule.loadAdapter` resolves to.
 */
export type CreateAdapter = (connection: TargetConnection, marker: string) => FirewallAdapter;

/**
 * Builds an adapter for a target, as the engine gets it from the registry: asynchronous, because the
 * vendor's adapter module (its client, HTTP or XML libraries) is loaded on the first target that needs it.
 */
export type AdapterFactory = (connection: TargetConnection, marker: string) => Promise<FirewallAdapter>;

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
  /**
   * Loads the adapter module and returns its factory: `() => import('./adapter.js').then(…)`. Dynamic, so
   * loading the registry (every config check, every `compile --config`) loads no adapter, client, HTTP or
   * XML library; only a run that connects to a target of this vendor does. The module itself imports
   * nothing of its adapter statically (option schemas live in `options.ts`/`schema.ts`).
   */
  loadAdapter: () => Promise<CreateAdapter>;
  lab: LabEntry;
}
