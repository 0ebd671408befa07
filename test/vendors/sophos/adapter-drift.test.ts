/**
 * The Sophos adapter against hand edits an administrator makes through the XML API, and against the
 * answers no public source settles (the simulator's switches): every drift kind is found by a read-only
 * read that sends no write, then repaired; false-success removes and the other answers are survived.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ForeignObjectError } from '../../../src/errors.js';
import { adminEdits } from '../../../src/vendors/sophos/lab-admin.js';
import type { SophosSimulator } from '../../../src/vendors/sophos/simulator/simulator.js';
import type { SophosSwitches } from '../../../src/vendors/sophos/simulator/store.js';
import type { FirewallAdapter } from '../../../src/vendors/types.js';
import type { XmlNode } from '../../../src/vendors/sophos/xml.js';
import { ADMIN_PASSWORD, adapterFor, client, desired, plan, startSim, sync } from './helpers.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function setup(
  release: Parameters<typeof startSim>[0] = '22.0',
  switches: Partial<SophosSwitches> = {},
  options: Record<string, unknown> = {},
): Promise<{ sim: SophosSimulator; adapter: FirewallAdapter; audit: FirewallAdapter }> {
  const sim = await startSim(release, { switches });
  const adapter = adapterFor(sim, { options });
  const audit = adapterFor(sim, { readOnly: true, options });
  cleanup.push(
    () => sim.stop(),
    () => adapter.close(),
    () => audit.close(),
  );
  return { sim, adapter, audit };
}

async function admin(sim: SophosSimulator): Promise<ReturnType<typeof adminEdits>> {
  const c = await client(sim, 'admin', ADMIN_PASSWORD);
  cleanup.push(() => Promise.resolve(c.close()));
  return adminEdits(() => Promise.resolve(c));
}

const V4 = ['198.51.100.7', '203.0.113.9', '192.0.2.0/24'];
const V6 = ['2001:db8:1::1'];
const DNS = ['journalide.org'];
const D = desired(V4, V6, DNS);
const RULE4 = D.rules[0]?.name ?? '';
const RULE6 = D.rules[1]?.name ?? '';

/** A read-only audit finds `kind`, sends no write; a sync repairs it; the next plan is empty. */
async function foundAndRepaired(
  sim: SophosSimulator,
  adapter: FirewallAdapter,
  audit: FirewallAdapter,
  kind: string,
): Promise<void> {
  const writes = sim.writeRequests;
  const p = await plan(audit, D);
  expect(sim.writeRequests).toBe(writes);
  expect(p.drift.map((d) => d.kind)).toContain(kind);
  await sync(adapter, D);
  const after = await plan(audit, D);
  expect(after.drift).toEqual([]);
  expect(after.changes).toEqual([]);
}

describe('src/vendors/sophos/adapter drift', () => {
  it('finds and repairs every hand edit: entries, rule disabled, deleted, changed, not first', async () => {
    const { sim, adapter, audit } = await setup('22.0');
    await sync(adapter, D);
    const a = await admin(sim);
    await a.removeEntry('ipv4', 'iocwall_v4', '203.0.113.9');
    expect(sim.wouldDrop('LAN', '203.0.113.9')).toBe(false);
    await foundAndRepaired(sim, adapter, audit, 'missing-entry');
    expect(sim.wouldDrop('LAN', '203.0.113.9')).toBe(true);
    await a.addEntry('ipv4', 'iocwall_v4', '198.51.100.99');
    await foundAndRepaired(sim, adapter, audit, 'extra-entry');
    expect(sim.state.objects.IPHost.has('admin_198.51.100.99')).toBe(true); // the admin's host is never deleted
    await a.removeEntry('dns', 'iocwall_dns', 'journalide.org');
    await foundAndRepaired(sim, adapter, audit, 'missing-entry');
    await a.disableRule('egress-ipv4', RULE4);
    expect(sim.wouldDrop('LAN', '203.0.113.9')).toBe(false);
    await foundAndRepaired(sim, adapter, audit, 'rule-disabled');
    expect(sim.wouldDrop('LAN', '203.0.113.9')).toBe(true);
    await a.deleteRule('egress-ipv6', RULE6);
    await foundAndRepaired(sim, adapter, audit, 'rule-missing');
    await a.allowAbove('egress-ipv4', RULE4);
    expect(sim.wouldDrop('LAN', '203.0.113.9')).toBe(false);
    await foundAndRepaired(sim, adapter, audit, 'rule-order');
    expect(sim.wouldDrop('LAN', '203.0.113.9')).toBe(true);
  });

  it('a rule changed by hand is rewritten whole: family, position and destinations never left out', async () => {
    const { sim, adapter, audit } = await setup('21.5');
    await sync(adapter, D);
    const c = await client(sim, 'admin', ADMIN_PASSWORD);
    cleanup.push(() => Promise.resolve(c.close()));
    const v6 = (await c.get('FirewallRule')).find((r) => r.Description === RULE6);
    if (v6 === undefined) throw new Error('no v6 rule');
    delete v6['@_transactionid'];
    // The admin turns logging off and adds DMZ as a source zone.
    const policy = v6.NetworkPolicy as XmlNode;
    await c.set('update', 'FirewallRule', {
      ...v6,
      NetworkPolicy: { ...policy, LogTraffic: 'Disable', SourceZones: { Zone: ['LAN', 'DMZ'] } },
    });
    await foundAndRepaired(sim, adapter, audit, 'rule-changed');
    const rules = sim.state.rules;
    const index = rules.findIndex((r) => r.Description === RULE6);
    const rule = rules[index];
    expect(index).toBeLessThan(2);
    expect(rule?.IPFamily).toBe('IPv6');
    expect(rule?.Section).toBe('Local'); // a field iocwall does not manage survives the rewrite
    expect((rule?.NetworkPolicy as Record<string, unknown>).DestinationNetworks).toEqual({
      Network: ['iocwall_v6'],
    });
    expect(sim.wouldDrop('LAN', '2001:db8:ffff::1')).toBe(false);
  });

  it('refuses a foreign group holding our name, and never writes to it', async () => {
    const { sim, adapter, audit } = await setup('20.0');
    const a = await admin(sim);
    await a.createForeignSet('ipv4', 'iocwall_v4');
    const p = await plan(audit, D);
    expect(p.refusal).toMatch(/foreign object/);
    expect(p.drift.map((d) => d.kind)).toContain('foreign-object');
    await expect(adapter.apply(p.changes, p.desired)).rejects.toBeInstanceOf(ForeignObjectError);
    expect(sim.state.objects.IPHostGroup.get('iocwall_v4')?.Description).toBe('made by hand');
  });

  it('survives removes that answer success without removing: retried once, then reported', async () => {
    const { sim, adapter, audit } = await setup('22.0');
    await sync(adapter, D);
    sim.noopRemoves(1);
    const smaller = desired(['198.51.100.7'], [], DNS);
    const r = await sync(adapter, smaller);
    expect(r.warnings).toEqual([]);
    expect([...sim.state.objects.IPHost.keys()].filter((n) => n.startsWith('iocwall_v6_'))).toEqual([]);
    sim.noopRemoves(100);
    const r2 = await sync(adapter, desired(['198.51.100.7'], [], []));
    expect(r2.warnings.join('\n')).toMatch(/remain after the remove answered success/);
    expect((await plan(audit, desired(['198.51.100.7'], [], []))).drift).toEqual([]);
  });

  const variants: [string, Partial<SophosSwitches>][] = [
    ['host updates keep their groups', { hostUpdateDropsGroups: false }],
    ['members are detached on delete', { memberDelete: 'detach' }],
    ['removes of missing objects refused, in-use 500', { removeMissing: 'refuse', inUseCode: 500 }],
    ['API-created rules land in a rule group', { autoRuleGroup: 'Traffic to WAN' }],
  ];
  for (const [what, switches] of variants) {
    it(`converges when ${what}, with IP list shards of 2`, async () => {
      const { sim, adapter, audit } = await setup('21.0', switches, { ipListSize: 2 });
      const first = desired(['198.51.100.1', '198.51.100.2', '198.51.100.3', '192.0.2.0/24'], V6, DNS);
      await sync(adapter, first);
      expect((await plan(audit, first)).changes).toEqual([]);
      const next = desired(['198.51.100.2', '198.51.100.4', '198.51.100.5'], [], ['evil.example']);
      const r = await sync(adapter, next);
      expect(r.warnings).toEqual([]);
      expect((await plan(audit, next)).drift).toEqual([]);
      expect(sim.wouldDrop('LAN', '198.51.100.5')).toBe(true);
      expect(sim.wouldDrop('LAN', '198.51.100.1')).toBe(false);
      expect(sim.wouldDrop('LAN', '192.0.2.1')).toBe(false);
      const shards = [...sim.state.objects.IPHost.keys()].filter((n) => n.startsWith('iocwall_v4_list'));
      expect(shards.length).toBe(2);
    });
  }
});
