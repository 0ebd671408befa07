/**
 * The registry's factories: a vendor's adapter module is loaded when a target of that vendor is built, not
 * with the registry; every adapter still comes wrapped in the canonical-value check; and an adapter module
 * that fails to load is that target's error, while the other targets run.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, type RunRequest } from '../../src/apply/engine.js';
import { validateConfig } from '../../src/config/load.js';
import { createContainer } from '../../src/container.js';
import { GuardViolationError, VendorError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import { adapterFactoryFor, registryOf, vendorModule } from '../../src/vendors/index.js';
import type {
  Change,
  CreateAdapter,
  TargetConnection,
  VendorId,
  VendorModule,
} from '../../src/vendors/types.js';
import { MemoryDevice, memoryAdapterFactory } from './memory-adapter.js';

const CONNECTION: TargetConnection = {
  name: 'edge',
  vendor: 'mikrotik',
  endpoint: 'tcp://127.0.0.1:1',
  credentials: { username: 'u', password: 'p' },
  tls: {},
  timeoutMs: 1000,
  readOnly: false,
  options: {},
};

/** The MikroTik module with its adapter loader replaced, counting the loads. */
function moduleLoading(load: () => Promise<CreateAdapter>): { module: VendorModule; loads: () => number } {
  let loads = 0;
  const base = vendorModule('mikrotik');
  if (base === undefined) throw new Error('no mikrotik module');
  const module: VendorModule = {
    ...base,
    loadAdapter: () => {
      loads++;
      return load();
    },
  };
  return { module, loads: () => loads };
}

describe('the vendor registry', () => {
  it('loads an adapter module only when a target is built, and wraps it in the canonical-value check', async () => {
    const applied: Change[][] = [];
    const create: CreateAdapter = (connection) => ({
      vendor: connection.vendor,
      read: () => Promise.reject(new Error('not used')),
      apply: (changes) => {
        applied.push([...changes]);
        return Promise.resolve({ calls: 1, warnings: [] });
      },
      close: () => Promise.resolve(),
    });
    const { module, loads } = moduleLoading(() => Promise.resolve(create));
    const factory = adapterFactoryFor(registryOf([module]), 'mikrotik');
    expect(loads()).toBe(0);
    const adapter = await factory(CONNECTION, 'iocwall:t');
    expect(loads()).toBe(1);
    const change = (value: string): Change => ({
      kind: 'set',
      op: 'update',
      setId: 'ipv4',
      name: 'iocwall_v4',
      family: 'ipv4',
      add: [value],
      remove: [],
      entries: [value],
    });
    const desired = { target: 'edge', vendor: 'mikrotik' as const, marker: 'iocwall:t', sets: [], rules: [] };
    await expect(adapter.apply([change('198.51.100.7\n/system/reboot')], desired)).rejects.toThrow(
      GuardViolationError,
    );
    expect(applied).toEqual([]);
    await adapter.apply([change('198.51.100.7')], desired);
    expect(applied).toHaveLength(1);
  });

  it("turns an adapter module that cannot load into that target's VendorError", async () => {
    const { module } = moduleLoading(() => Promise.reject(new Error("Cannot find module './adapter.js'")));
    const factory = adapterFactoryFor(registryOf([module]), 'mikrotik');
    const built = factory(CONNECTION, 'iocwall:t');
    await expect(built).rejects.toThrow(VendorError);
    await expect(built).rejects.toThrow(
      "target edge: cannot load the MikroTik RouterOS adapter: Cannot find module './adapter.js'",
    );
  });

  describe('in a run', () => {
    beforeAll(() => {
      process.env.IOCWALL_REGISTRY_KEY = 'registry-key-not-a-secret';
    });
    afterAll(() => {
      delete process.env.IOCWALL_REGISTRY_KEY;
    });

    it('a vendor whose adapter cannot load fails its targets only', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'iocwall-registry-'));
      const secret = 'env:IOCWALL_REGISTRY_KEY';
      const loaded = validateConfig(
        {
          instanceId: 'reg',
          targets: [
            {
              name: 'router',
              vendor: 'mikrotik',
              endpoint: 'tcp://127.0.0.1:1',
              credentials: { username: secret, password: secret },
            },
            {
              name: 'fw',
              vendor: 'opnsense',
              endpoint: 'https://127.0.0.1:1',
              credentials: { key: secret, secret },
            },
          ],
        },
        dir,
        null,
      );
      const { module } = moduleLoading(() => Promise.reject(new Error('broken install')));
      const devices = new Map([['fw', new MemoryDevice()]]);
      const registry = new Map<VendorId, ReturnType<typeof memoryAdapterFactory>>([
        ...registryOf([module]),
        ['opnsense', memoryAdapterFactory(devices)],
      ]);
      const engine = createContainer(silentLogger, { registry }).resolve(Engine);
      const entries = [{ type: 'ip' as const, value: '23.254.211.230', sources: ['t'], expiresAt: null }];
      const request: RunRequest = {
        mode: 'sync',
        command: 'sync',
        loaded,
        targets: loaded.config.targets,
        blocklistFor: () => ({ entries, digest: 'sha256:1' }),
        force: false,
        guard: { check: () => null },
        tty: false,
      };
      const report = await engine.run(request);
      const byName = Object.fromEntries(report.outcomes.map((o) => [o.target, [o.status, o.error]]));
      expect(byName.router).toEqual([
        'error',
        'target router: cannot load the MikroTik RouterOS adapter: broken install',
      ]);
      expect(byName.fw).toEqual(['applied', undefined]);
      expect(devices.get('fw')?.sets.get('iocwall_v4')?.entries).toEqual(new Set(['23.254.211.230']));

      // `check --config` reads every target the same way: the broken one is reported, the other read.
      const observed = await engine.observe(loaded, loaded.config.targets);
      expect(observed.map((o) => [o.target, o.observed !== undefined, o.error])).toEqual([
        ['router', false, 'target router: cannot load the MikroTik RouterOS adapter: broken install'],
        ['fw', true, undefined],
      ]);
    });
  });
});
