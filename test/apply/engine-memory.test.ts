/**
 * The engine over in-memory firewalls (no wire): what it hands adapters, and per-target isolation.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, type RunRequest } from '../../src/apply/engine.js';
import type { BlocklistEntry } from '../../src/blocklist/types.js';
import { validateConfig } from '../../src/config/load.js';
import { createContainer } from '../../src/container.js';
import { silentLogger } from '../../src/log.js';
import type { VendorId } from '../../src/vendors/types.js';
import { MemoryDevice, memoryAdapterFactory } from '../vendors/memory-adapter.js';

const ENTRIES: BlocklistEntry[] = [
  { type: 'ip', value: '23.254.211.230', sources: ['t'], expiresAt: null },
  { type: 'ip', value: '2a0c:5a80::1', sources: ['t'], expiresAt: null },
  { type: 'domain', value: 'journalide.org', subdomains: true, sources: ['t'], expiresAt: null },
];

function setup(names: string[]): {
  engine: Engine;
  devices: Map<string, MemoryDevice>;
  request: (mode: RunRequest['mode'], entries?: typeof ENTRIES) => RunRequest;
} {
  const dir = mkdtempSync(join(tmpdir(), 'iocwall-memory-'));
  const loaded = validateConfig(
    {
      instanceId: 'mem',
      targets: names.map((name) => ({
        name,
        vendor: 'opnsense',
        endpoint: `https://127.0.0.1:1/${name}`,
        credentials: { key: 'env:IOCWALL_MEMORY_KEY', secret: 'env:IOCWALL_MEMORY_KEY' },
      })),
    },
    dir,
    null,
  );
  const devices = new Map(names.map((n) => [n, new MemoryDevice()]));
  const registry = new Map<VendorId, ReturnType<typeof memoryAdapterFactory>>([
    ['opnsense', memoryAdapterFactory(devices)],
  ]);
  const engine = createContainer(silentLogger, { registry }).resolve(Engine);
  const request = (mode: RunRequest['mode'], entries = ENTRIES): RunRequest => ({
    mode,
    command: mode,
    loaded,
    targets: loaded.config.targets,
    blocklistFor: () => ({ entries, digest: `sha256:${String(entries.length)}` }),
    force: false,
    guard: { check: () => null },
    tty: false,
  });
  return { engine, devices, request };
}

describe('engine over in-memory adapters', () => {
  beforeAll(() => {
    process.env.IOCWALL_MEMORY_KEY = 'memory-key-not-a-secret';
  });
  afterAll(() => {
    delete process.env.IOCWALL_MEMORY_KEY;
  });

  it('hands adapters the planner order: sets before the rules that use them, rules deleted before their sets', async () => {
    const { engine, devices, request } = setup(['fw1']);
    const first = await engine.run(request('sync'));
    expect(first.outcomes[0]?.status).toBe('applied');
    const order = devices
      .get('fw1')!
      .received.map((c) => (c.kind === 'apply' ? 'apply' : `${c.kind}:${c.op}`));
    expect(order.lastIndexOf('set:create')).toBeLessThan(order.indexOf('rule:create'));

    // Egress off: the rules go first, then their sets (a set still in use cannot be deleted on any vendor).
    const device = devices.get('fw1')!;
    device.received.length = 0;
    const { loaded } = request('sync');
    for (const t of loaded.config.targets) t.policy = { ...loaded.config.defaults.policy, egress: false };
    const off = await engine.run(request('sync'));
    expect(off.outcomes[0]?.status, off.outcomes[0]?.error).toBe('applied');
    const removal = device.received.map((c) => (c.kind === 'apply' ? 'apply' : `${c.kind}:${c.op}`));
    expect(removal.indexOf('rule:delete')).toBeGreaterThanOrEqual(0);
    expect(removal.lastIndexOf('rule:delete')).toBeLessThan(removal.indexOf('set:delete'));
    expect(device.rules.size).toBe(0);
    expect([...device.sets.keys()]).toEqual(['iocwall_dns']);
  });

  it('one failing firewall never stops the others', async () => {
    const { engine, devices, request } = setup(['down', 'up1', 'up2']);
    devices.get('down')!.fail.read = true;
    const report = await engine.run(request('sync'));
    const byName = Object.fromEntries(report.outcomes.map((o) => [o.target, o.status]));
    expect(byName).toEqual({ down: 'error', up1: 'applied', up2: 'applied' });
    expect(devices.get('up1')!.sets.get('iocwall_v4')?.entries).toEqual(new Set(['23.254.211.230']));
    expect(devices.get('down')!.writes).toBe(0);
  });

  it('a read-only audit of in-memory devices writes nothing and reports drift', async () => {
    const { engine, devices, request } = setup(['fw1']);
    await engine.run(request('sync'));
    const device = devices.get('fw1')!;
    device.sets.get('iocwall_v4')!.entries.delete('23.254.211.230');
    const writes = device.writes;
    const audit = await engine.run(request('audit'));
    expect(audit.outcomes[0]?.status).toBe('drift');
    expect(device.writes).toBe(writes);
  });
});
