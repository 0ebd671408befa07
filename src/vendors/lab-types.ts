/**
 * The lab seam: how `iocwall lab`, the demo and the conformance suite start a vendor's simulator and
 * drive it (releases it plays, the device handle, an administrator's hand edits). Re-exported by types.ts,
 * where `VendorModule.lab` names it.
 */
import type { RuleId, SetId } from './ids.js';

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
  /**
   * In the vendor's own terms, as the lab prints them (CONTRACT.md `lab`); they carry only the
   * privileges the vendor's docs page lists as needed.
   */
  credentials: Record<string, string>;
  /**
   * The one credential form a config should use (one of the module's `credentialForms`), when the
   * printed credentials hold more than one (pfSense: user and password, and the API key made for
   * iocwall). `--write-config` and the conformance kit use it; default: {@link credentials}.
   */
  configCredentials?: Record<string, string>;
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
