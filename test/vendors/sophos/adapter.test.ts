/**
 * The Sophos adapter against the simulator of every SFOS release it plays, over loopback HTTPS with the
 * real client: create → in sync, add/remove, the rule shape and position, traffic dropped.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SFOS_RELEASES } from '../../../src/vendors/sophos/simulator/releases.js';
import type { SophosSimulator } from '../../../src/vendors/sophos/simulator/simulator.js';
import { addressesOf } from '../../../src/vendors/sophos/simulator/traffic.js';
import { queryDns } from '../../../src/vendors/simkit/dns-responder.js';
import type { FirewallAdapter } from '../../../src/vendors/types.js';
import { adapterFor, desired, plan, startSim, sync } from './helpers.js';

const open: { sim: SophosSimulator; adapter: FirewallAdapter }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.adapter.close();
    await o.sim.stop();
  }
});

async function setup(
  ...args: Parameters<typeof startSim>
): Promise<{ sim: SophosSimulator; adapter: FirewallAdapter }> {
  const sim = await startSim(...args);
  const adapter = adapterFor(sim);
  open.push({ sim, adapter });
  return { sim, adapter };
}

const V4 = ['192.0.2.0/24', '198.51.100.7', '203.0.113.9'];
const V6 = ['2001:db8:5::/48', '2001:db8:1::1'];
const DNS = ['journalide.org', 'msstorageazure.com'];

describe('src/vendors/sophos/adapter', () => {
  for (const release of SFOS_RELEASES) {
    it(`${release}: creates everything, reads it back in sync, and the device drops the traffic`, async () => {
      const { sim, adapter } = await setup(release);
      const d = desired(V4, V6, DNS);
      const first = await sync(adapter, d);
      expect(first.warnings).toEqual([]);
      const again = await plan(adapter, d);
      expect(again.changes).toEqual([]);
      expect(again.drift).toEqual([]);
      const obs = await adapter.read();
      expect(obs.sets.map((s) => [s.id, s.entries])).toEqual([
        ['ipv4', [...V4].sort()],
        ['ipv6', [...V6].sort()],
        ['dns', [...DNS].sort()],
      ]);
      expect(obs.rules.map((r) => [r.id, r.enabled, r.action, r.positionOk])).toEqual(
        expect.arrayContaining([
          ['egress-ipv4', true, 'drop', true],
          ['egress-ipv6', true, 'drop', true],
        ]),
      );
      // Traffic: blocked addresses, a network's member, names the FQDN hosts learned — dropped; others pass.
      expect(sim.wouldDrop('LAN', '203.0.113.9')).toBe(true);
      expect(sim.wouldDrop('LAN', '192.0.2.77')).toBe(true);
      expect(sim.wouldDrop('LAN', '2001:db8:5:1::9')).toBe(true);
      expect(sim.wouldDrop('LAN', '198.51.100.8')).toBe(false);
      expect(sim.wouldDrop('DMZ', '203.0.113.9')).toBe(true); // no rule for DMZ: the implicit drop
      const apex = addressesOf('journalide.org', 'A')[0]!;
      expect(sim.wouldDrop('LAN', apex)).toBe(true);
      const sub = await queryDns(sim.dnsAddress, 'cdn.msstorageazure.com');
      expect(sub.rcode).toBe('NOERROR'); // SFOS resolves blocked names; the rules drop the traffic
      expect(sim.wouldDrop('LAN', sub.addresses[0]!)).toBe(true);
      const other = await queryDns(sim.dnsAddress, 'example.net');
      expect(sim.wouldDrop('LAN', other.addresses[0]!)).toBe(false);
    });
  }

  it('adds and removes entries in few requests and stays in sync', async () => {
    const { sim, adapter } = await setup('21.5');
    await sync(adapter, desired(V4, V6, DNS));
    const before = sim.requests;
    const next = desired(
      ['198.51.100.7', '203.0.113.10', '192.0.2.0/25'],
      ['2001:db8:1::1'],
      ['journalide.org', 'evil.example'],
    );
    const r = await sync(adapter, next);
    expect(r.warnings).toEqual([]);
    expect((await plan(adapter, next)).changes).toEqual([]);
    expect(sim.wouldDrop('LAN', '203.0.113.9')).toBe(false);
    expect(sim.wouldDrop('LAN', '203.0.113.10')).toBe(true);
    expect(sim.wouldDrop('LAN', '192.0.2.200')).toBe(false);
    // No stale managed hosts left behind.
    expect([...sim.state.objects.IPHost.keys()].filter((n) => n.startsWith('iocwall_v6_'))).toHaveLength(1);
    expect(sim.requests - before).toBeLessThan(40);
  });

  it('moves to a new policy prefix and leaves none of the old objects behind', async () => {
    const { sim, adapter } = await setup('22.0');
    const d = desired(V4, V6, DNS);
    await sync(adapter, d);
    const rename = (n: string): string => n.replace(/^iocwall_/, 'ioc2_');
    const moved = {
      ...d,
      sets: d.sets.map((s) => ({ ...s, name: rename(s.name) })),
      rules: d.rules.map((r) => ({ ...r, name: rename(r.name) })),
    };
    const r = await sync(adapter, moved);
    expect(r.warnings).toEqual([]);
    expect((await plan(adapter, moved)).changes).toEqual([]);
    const names = [
      ...sim.state.objects.IPHost.keys(),
      ...sim.state.objects.IPHostGroup.keys(),
      ...sim.state.objects.FQDNHost.keys(),
      ...sim.state.objects.FQDNHostGroup.keys(),
      ...sim.state.rules.map((x) => (x.Name as string[] | string).toString()),
    ];
    expect(names.filter((n) => n.startsWith('iocwall_'))).toEqual([]);
    expect(names).toContain('apiconfig_1'); // SFOS 22's allow-list host is never touched
    expect(sim.wouldDrop('LAN', '203.0.113.9')).toBe(true);
  });
});
