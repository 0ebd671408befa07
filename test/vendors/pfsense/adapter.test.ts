/**
 * The pfSense adapter against the simulator over loopback HTTPS, for every firmware range the simulator
 * plays: create → read back in sync (configuration, live tables, the resolver and pf's verdict), add and
 * remove, drift found by the real planner after an administrator's hand edits, and repaired.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { queryDns } from '../../../src/vendors/simkit/dns-responder.js';
import { PFSENSE_FIRMWARE } from '../../../src/vendors/pfsense/releases.js';
import { adapterFor, desired, planFor, startSim, sync, type Running } from './helpers.js';

let r: Running | undefined;
afterEach(async () => {
  await r?.stop();
  r = undefined;
});

const V4 = ['192.0.2.0/24', '198.51.100.7'];
const V6 = ['2001:db8::/48', '2001:db8:1::1'];
const DNS = ['journalide.org', 'msstorageazure.com'];

describe('src/vendors/pfsense/adapter', () => {
  for (const range of PFSENSE_FIRMWARE) {
    it(`${range.example}: first sync creates everything; read back in sync; traffic and names blocked`, async () => {
      r = await startSim(range.example);
      const adapter = adapterFor(r);
      const d = desired(V4, V6, DNS);
      const after = await sync(adapter, d);
      expect(after.changes).toEqual([]);
      expect(after.drift).toEqual([]);
      const obs = await adapter.read();
      expect(obs.version).toBe(range.example);
      expect(obs.pendingApply).toBe(false);
      const v4 = obs.sets.find((s) => s.id === 'ipv4');
      expect(v4?.entries).toEqual([...V4].sort());
      // Live tables only where pfrest has /diagnostics/table (2.6.0+).
      expect(v4?.runtimeEntries).toEqual(r.sim.state.features.tables ? [...V4].sort() : undefined);
      // What the device stores: CIDRs only, one detail per entry.
      const alias = r.sim.state.config.aliases.find((a) => a.name === 'iocwall_v4');
      expect(alias?.address).toEqual(['192.0.2.0/24', '198.51.100.7/32']);
      expect(alias?.detail).toHaveLength(2);
      // The floating quick rules beat the default LAN allow rule.
      expect(
        r.sim.evaluate({ iface: 'lan', family: 'inet', src: '192.168.1.20', dst: '198.51.100.7' }).action,
      ).toBe('block');
      expect(
        r.sim.evaluate({ iface: 'lan', family: 'inet6', src: 'fd00:1::20', dst: '2001:db8:1::1' }).action,
      ).toBe('block');
      expect(
        r.sim.evaluate({ iface: 'lan', family: 'inet', src: '192.168.1.20', dst: '203.0.113.80' }).action,
      ).toBe('pass');
      // The resolver: the name, a subdomain in any case → NXDOMAIN; others answered.
      expect((await queryDns(r.ep.dns, 'cdn.JournalIde.org')).rcode).toBe('NXDOMAIN');
      expect((await queryDns(r.ep.dns, 'journalide.org')).rcode).toBe('NXDOMAIN');
      expect((await queryDns(r.ep.dns, 'example.org')).rcode).toBe('NOERROR');
    });
  }

  it('adds and removes entries in one PATCH per alias sending id and name, and converges', async () => {
    r = await startSim();
    const adapter = adapterFor(r);
    await sync(adapter, desired(V4, V6, DNS));
    const before = r.sim.requestLog.length;
    const d2 = desired(['192.0.2.0/24', '203.0.113.9'], V6, ['journalide.org', 'new.example']);
    const after = await sync(adapter, d2);
    expect(after.changes).toEqual([]);
    const patches = r.sim.requestLog
      .slice(before)
      .filter((x) => x.method === 'PATCH' && x.path === 'firewall/alias');
    expect(patches).toHaveLength(1);
    expect(patches[0]?.data).toMatchObject({
      id: 0,
      name: 'iocwall_v4',
      address: ['192.0.2.0/24', '203.0.113.9/32'],
    });
    expect(
      r.sim.requestLog.some((x) => x.method === 'PUT' || (x.method === 'DELETE' && x.path.endsWith('s'))),
    ).toBe(false);
    expect((await queryDns(r.ep.dns, 'msstorageazure.com')).rcode).toBe('NOERROR');
    expect((await queryDns(r.ep.dns, 'a.new.example')).rcode).toBe('NXDOMAIN');
  });

  it('finds every drift kind after hand edits and repairs them', async () => {
    r = await startSim();
    const adapter = adapterFor(r);
    const d = desired(V4, V6, DNS);
    await sync(adapter, d);
    await r.admin.removeEntry('ipv4', 'iocwall_v4', '198.51.100.7');
    await r.admin.addEntry('ipv6', 'iocwall_v6', '2001:db8:dead::1');
    await r.admin.removeEntry('dns', 'iocwall_dns', 'journalide.org');
    await r.admin.disableRule('egress-ipv4', `iocwall_egress_v4 iocwall:test1`);
    await r.admin.allowAbove('egress-ipv6', `iocwall_egress_v6 iocwall:test1`);
    const plan = await planFor(adapter, d);
    const kinds = plan.drift.map((x) => `${x.kind} ${x.object} ${x.value ?? ''}`.trim());
    expect(kinds).toEqual(
      expect.arrayContaining([
        'missing-entry iocwall_v4 198.51.100.7',
        'extra-entry iocwall_v6 2001:db8:dead::1',
        'missing-entry iocwall_dns journalide.org',
        'rule-disabled iocwall_egress_v4 iocwall:test1',
        'rule-order iocwall_egress_v6 iocwall:test1',
      ]),
    );
    expect(
      r.sim.evaluate({ iface: 'lan', family: 'inet6', src: 'fd00:1::20', dst: '2001:db8:1::1' }).action,
    ).toBe('pass');
    const after = await sync(adapter, d);
    expect(after.drift).toEqual([]);
    expect(
      r.sim.evaluate({ iface: 'lan', family: 'inet6', src: 'fd00:1::20', dst: '2001:db8:1::1' }).action,
    ).toBe('block');
    expect(
      r.sim.evaluate({ iface: 'lan', family: 'inet', src: '192.168.1.20', dst: '198.51.100.7' }).action,
    ).toBe('block');
    expect((await queryDns(r.ep.dns, 'x.journalide.org')).rcode).toBe('NXDOMAIN');
  });

  it('finds a deleted rule and a rule made non-quick, and repairs both', async () => {
    r = await startSim();
    const adapter = adapterFor(r);
    const d = desired(V4, V6, DNS);
    await sync(adapter, d);
    await r.admin.deleteRule('egress-ipv4', 'iocwall_egress_v4 iocwall:test1');
    const v6 = r.sim.state.config.rules.findIndex((x) => x.descr.startsWith('iocwall_egress_v6'));
    await r.adminClient.patch('firewall/rule', { id: v6, quick: false }, (await import('zod')).z.unknown());
    const plan = await planFor(adapter, d);
    expect(plan.drift.map((x) => x.kind).sort()).toEqual(['rule-missing', 'rule-order']);
    expect(plan.drift.find((x) => x.kind === 'rule-order')?.detail).toMatch(/not quick/);
    expect((await sync(adapter, d)).drift).toEqual([]);
  });
});
