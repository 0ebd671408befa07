/**
 * What the adapter conformance suite needs of one vendor at one release: a lab device started from the
 * vendor's module (nothing vendor-specific is written here), the CLI run against it, the audit's
 * findings, and a raw adapter for the checks the CLI cannot reach (a read-only transport, hostile values).
 */
import { adapterFactoryFor, createVendorRegistry } from '../../../src/vendors/index.js';
import { ownershipMarker, objectNames } from '../../../src/vendors/ownership.js';
import type {
  Change,
  DesiredState,
  FirewallAdapter,
  RuleId,
  SetId,
  TargetConnection,
  VendorModule,
} from '../../../src/vendors/types.js';
import { labFixture, type CliRun, type LabFixture } from '../../integration/helpers.js';
import type { LabDevice } from '../../../src/lab/lab.js';

/** The 3CX indicators the suite blocks: C2 addresses and domains from the Volexity and Talos lists. */
export const IPS = ['23.254.211.230', '172.93.201.88', '104.156.149.6', '185.174.101.16', '45.76.1.1'];
/** C2 domains of the 3CX backdoor (Volexity iocs.csv). */
export const DOMAINS = [
  'journalide.org',
  'msstorageazure.com',
  'azureonlinestorage.com',
  'akamaicontainer.com',
  'officeaddons.com',
  'sbmsa.wiki',
];
/** A public IPv6 C2-style address (not a documentation range, which the guard refuses). */
export const IPV6 = '2a0c:5a80::1';

/** One drift finding as `audit --json` prints it. */
export interface Finding {
  kind: string;
  object: string;
  value: string | null;
  detail: string;
}

/** The instance id `writeLabConfig` writes, hence the marker on every object. */
export const MARKER = ownershipMarker('lab');
/** Object names under the default prefix. */
export const NAMES = objectNames('iocwall');

/** The device name of a managed rule, as the planner builds it (`DesiredRule.name`). */
export function ruleName(rule: RuleId, prefix = 'iocwall'): string {
  const n = objectNames(prefix);
  return `${rule === 'egress-ipv4' ? n.egressV4 : n.egressV6} ${MARKER}`;
}

/** A running conformance target. */
export interface ConformanceTarget {
  module: VendorModule;
  fx: LabFixture;
  device: LabDevice;
  /** The feed lines in force. */
  feed: string[];
  setFeed(lines: string[]): void;
  run(...args: string[]): Promise<CliRun>;
  /** `audit --json`: exit code, findings, and how many writes the device saw during it. */
  audit(): Promise<{ code: number; findings: Finding[]; writes: number }>;
  /** An adapter straight from the module (read-only or not). */
  adapter(readOnly: boolean): Promise<FirewallAdapter>;
  /** The desired state the engine would build for these set contents. */
  desired(sets: Partial<Record<SetId, string[]>>): DesiredState;
  stop(): Promise<void>;
}

/** Starts one vendor's simulator at `firmware` and writes a config whose source is a plain feed. */
export async function startConformanceTarget(
  module: VendorModule,
  firmware: string,
  feed: string[],
): Promise<ConformanceTarget> {
  const fx = await labFixture({ vendors: [module.id], firmware: { [module.id]: firmware } }, feed);
  // Removed indicators leave at once (retention is tested on its own), so removals show on the device.
  fx.editConfig((c) => {
    c.retentionDays = 0;
  });
  const device = fx.lab.device(module.id);
  const target: ConformanceTarget = {
    module,
    fx,
    device,
    feed,
    setFeed: (lines) => {
      target.feed = lines;
      fx.setFeed(lines);
    },
    run: (...args) => fx.run(...args),
    audit: async () => {
      const before = device.writeCount();
      const res = await fx.run('audit', '--json');
      const writes = device.writeCount() - before;
      const json = JSON.parse(res.stdout) as { targets: { drift: Finding[] }[] };
      return { code: res.code, findings: json.targets[0]?.drift ?? [], writes };
    },
    // Through the registry, as the engine builds adapters (with the one canonical-value check).
    adapter: (readOnly) =>
      adapterFactoryFor(createVendorRegistry(), module.id)(connection(module, device, readOnly), MARKER),
    desired: (sets) => desiredState(module, sets),
    stop: () => fx.lab.stop(),
  };
  return target;
}

function connection(module: VendorModule, device: LabDevice, readOnly: boolean): TargetConnection {
  return {
    name: device.name,
    vendor: module.id,
    endpoint: device.endpoint,
    credentials: device.configCredentials ?? device.credentials,
    tls: device.fingerprint ? { fingerprint: device.fingerprint } : {},
    timeoutMs: 10_000,
    readOnly,
    options: {},
    objectNames: { ipv4: NAMES.ipv4, ipv6: NAMES.ipv6, dns: NAMES.dns },
  };
}

function desiredState(module: VendorModule, sets: Partial<Record<SetId, string[]>>): DesiredState {
  const families = { ipv4: 'ipv4', ipv6: 'ipv6', dns: 'domain' } as const;
  return {
    target: `lab-${module.id}`,
    vendor: module.id,
    marker: MARKER,
    sets: (Object.keys(sets) as SetId[]).map((id) => ({
      id,
      family: families[id],
      name: NAMES[id],
      entries: [...(sets[id] ?? [])].sort(),
    })),
    rules: [],
  };
}

/** A set update that adds `values` to what the set holds now. */
export function addChange(set: SetId, current: string[], values: string[]): Change {
  const families = { ipv4: 'ipv4', ipv6: 'ipv6', dns: 'domain' } as const;
  return {
    kind: 'set',
    op: 'update',
    setId: set,
    name: NAMES[set],
    family: families[set],
    add: values,
    remove: [],
    entries: [...current, ...values].sort(),
  };
}
