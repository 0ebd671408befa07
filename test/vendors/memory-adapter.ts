/**
 * An in-memory firewall and its adapter, for engine tests that need no wire (external-dns's
 * `provider/inmemory`): sets and rules in a map, the ownership rule of `ownership.ts`, and a log of the
 * changes in the order the adapter received them. Faults: fail the read or the apply.
 */
import { VendorError } from '../../src/errors.js';
import { hasMarker } from '../../src/vendors/ownership.js';
import type {
  AdapterFactory,
  Change,
  FirewallAdapter,
  ObservedState,
  RuleId,
  SetId,
  TargetConnection,
} from '../../src/vendors/types.js';

/** One in-memory device. */
export class MemoryDevice {
  readonly sets = new Map<string, { id: SetId; description: string; entries: Set<string> }>();
  readonly rules = new Map<
    string,
    { id: RuleId; setName: string; enabled: boolean; action: 'drop' | 'reject' }
  >();
  /** Every change applied, in the order received. */
  readonly received: Change[] = [];
  /** Throw on the next `read` / `apply`. */
  fail: { read?: boolean; apply?: boolean } = {};
  writes = 0;
}

/**
 * A factory whose adapters talk to the device registered under each target's name. Asynchronous like the
 * registry's (which loads a vendor's adapter module first): a target without a device is a rejection.
 */
export function memoryAdapterFactory(devices: ReadonlyMap<string, MemoryDevice>): AdapterFactory {
  return (connection, marker) =>
    new Promise<FirewallAdapter>((resolve) => resolve(memoryAdapter(devices, connection, marker)));
}

/** The adapter of the device registered under the target's name. */
function memoryAdapter(
  devices: ReadonlyMap<string, MemoryDevice>,
  connection: TargetConnection,
  marker: string,
): FirewallAdapter {
  const device = devices.get(connection.name);
  if (!device) throw new Error(`no memory device ${connection.name}`);
  const fail = (operation: string): never => {
    throw new VendorError(`memory device ${connection.name}: ${operation} failed`, {
      vendor: connection.vendor,
      target: connection.name,
      operation,
      transient: true,
    });
  };
  return {
    vendor: connection.vendor,
    read: (): Promise<ObservedState> => {
      if (device.fail.read) fail('read');
      const state: ObservedState = {
        version: 'memory',
        capabilities: { ipv6: true, cidr: true, dnsSubdomainBlock: true, maxEntriesPerSet: Infinity },
        sets: [],
        rules: [],
        foreign: [],
        pendingApply: false,
      };
      for (const [name, set] of device.sets) {
        if (!hasMarker(set.description, marker)) {
          state.foreign.push({ kind: 'set', name, detail: 'memory set without our marker' });
          continue;
        }
        state.sets.push({ id: set.id, name, entries: [...set.entries].sort() });
      }
      for (const [name, rule] of device.rules) {
        state.rules.push({
          id: rule.id,
          name,
          enabled: rule.enabled,
          action: rule.action,
          references: rule.setName,
          positionOk: true,
        });
      }
      return Promise.resolve(state);
    },
    apply: (changes) => {
      if (device.fail.apply) fail('apply');
      for (const change of changes) {
        device.received.push(change);
        device.writes++;
        if (change.kind === 'set') {
          if (change.op === 'delete') device.sets.delete(change.name);
          else
            device.sets.set(change.name, {
              id: change.setId,
              description: marker,
              entries: new Set(change.entries),
            });
        } else if (change.kind === 'rule') {
          const setName = [...device.sets.entries()].find(([, s]) => s.id === change.rule.setId)?.[0];
          if (change.op === 'delete') device.rules.delete(change.name);
          else if (setName === undefined)
            fail(`rule ${change.name} references a set that does not exist yet`);
          else
            device.rules.set(change.name, {
              id: change.ruleId,
              setName,
              enabled: true,
              action: change.rule.action,
            });
        }
      }
      return Promise.resolve({ calls: changes.length, warnings: [] });
    },
    close: () => Promise.resolve(),
  };
}
