/**
 * The OPNsense adapter against the simulator over loopback HTTPS: read, apply, read-back, updates,
 * foreign objects, rule placement, DNSBL per version.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createOpnsenseAdapter } from '../../../src/vendors/opnsense/adapter.js';
import { ForeignObjectError } from '../../../src/errors.js';
import type { Change, FirewallAdapter } from '../../../src/vendors/types.js';
import { MARKER, allChanges, connection, desired, raw, startSim, type Running } from './helpers.js';

const open: { r: Running; adapters: FirewallAdapter[] }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await Promise.all(o.adapters.map((a) => a.close()));
    await o.r.sim.stop();
  }
});

/** A simulator and an adapter for it. */
async function setup(
  version: '25.7' | '26.1' | '26.7' = '26.1',
): Promise<{ r: Running; adapter: FirewallAdapter }> {
  const r = await startSim({ version });
  const adapter = createOpnsenseAdapter(connection(r.ep), MARKER);
  open.push({ r, adapters: [adapter] });
  return { r, adapter };
}

const V4 = ['192.0.2.0/24', '198.51.100.7'];
const V6 = ['2001:db8::/48', '2001:db8:1::1'];
const DNS = ['journalide.org', 'msstorageazure.com'];

describe('src/vendors/opnsense/adapter', () => {
  it('reads an empty device', async () => {
    const { adapter } = await setup();
    const obs = await adapter.read();
    expect(obs).toMatchObject({
      version: 'OPNsense 25.7.8 or later (DNSBL policies)',
      sets: [],
      rules: [],
      foreign: [],
      pendingApply: false,
    });
    expect(obs.capabilities).toMatchObject({ ipv6: true, cidr: true, dnsSubdomainBlock: true });
    expect(obs.capabilities.maxEntriesPerSet).toBe(333_333);
  });

  for (const version of ['25.7', '26.1', '26.7'] as const) {
    it(`${version}: creates everything and reads it back equal to desired (config and runtime)`, async () => {
      const { r, adapter } = await setup(version);
      const d = desired(V4, V6, DNS);
      const result = await adapter.apply(allChanges(d), d);
      // Nobody else changed rules meanwhile: no rollback-timer warning.
      expect(result.warnings).toEqual([]);
      const obs = await adapter.read();
      const byId = Object.fromEntries(obs.sets.map((s) => [s.id, s]));
      expect(byId.ipv4).toMatchObject({
        name: 'iocwall_v4',
        entries: [...V4].sort(),
        runtimeEntries: [...V4].sort(),
      });
      expect(byId.ipv6).toMatchObject({
        name: 'iocwall_v6',
        entries: [...V6].sort(),
        runtimeEntries: [...V6].sort(),
      });
      expect(byId.dns).toMatchObject({ name: 'iocwall_dns', entries: [...DNS].sort() });
      expect(obs.rules.map((x) => [x.id, x.enabled, x.action, x.references, x.positionOk]).sort()).toEqual([
        ['egress-ipv4', true, 'drop', 'iocwall_v4', true],
        ['egress-ipv6', true, 'drop', 'iocwall_v6', true],
      ]);
      expect(obs.pendingApply).toBe(false);
      expect(r.sim.dnsBlocked('cdn.journalide.org')).toBe(true);
      // one savepoint asked for; 26.7 has none (404) and applies without a rollback timer
      const savepoints = r.sim.requestLog.filter((x) => x.path.endsWith('/savepoint'));
      expect(savepoints.length).toBe(1);
      const timed = r.sim.requestLog.filter((x) => /\/filter\/apply\/./.test(x.path));
      expect(timed.length).toBe(version === '26.7' ? 0 : 1);
    });
  }

  it('updates content (add and remove) in one set_item per alias and converges', async () => {
    const { r, adapter } = await setup();
    const d1 = desired(V4, V6, DNS);
    await adapter.apply(allChanges(d1), d1);
    const d2 = desired(['192.0.2.0/24', '203.0.113.9'], V6, ['journalide.org']);
    const before = r.sim.requestLog.length;
    const changes: Change[] = [
      {
        kind: 'set',
        op: 'update',
        setId: 'ipv4',
        name: 'iocwall_v4',
        family: 'ipv4',
        add: ['203.0.113.9'],
        remove: ['198.51.100.7'],
        entries: d2.sets[0]!.entries,
      },
      {
        kind: 'set',
        op: 'update',
        setId: 'dns',
        name: 'iocwall_dns',
        family: 'domain',
        add: [],
        remove: ['msstorageazure.com'],
        entries: d2.sets[2]!.entries,
      },
    ];
    await adapter.apply(changes, d2);
    const sent = r.sim.requestLog.slice(before);
    expect(sent.filter((x) => x.path.includes('/alias/set_item/')).length).toBe(1);
    expect(sent.some((x) => x.path === '/api/unbound/service/dnsbl')).toBe(true);
    const obs = await adapter.read();
    expect(obs.sets.find((s) => s.id === 'ipv4')).toMatchObject({
      entries: ['192.0.2.0/24', '203.0.113.9'],
      runtimeEntries: ['192.0.2.0/24', '203.0.113.9'],
    });
    expect(obs.sets.find((s) => s.id === 'dns')?.entries).toEqual(['journalide.org']);
    expect(r.sim.dnsBlocked('msstorageazure.com')).toBe(false);
  });

  it('reports configuration not yet applied as pendingApply', async () => {
    const { r, adapter } = await setup();
    const d = desired(V4, V6, DNS);
    await adapter.apply(allChanges(d), d);
    const uuid = (await raw(r.ep, 'GET', '/api/firewall/alias/get_alias_u_u_i_d/iocwall_v4')).body
      .uuid as string;
    await raw(r.ep, 'POST', `/api/firewall/alias/set_item/${uuid}`, {
      body: { alias: { content: '192.0.2.0/24' } },
    });
    const obs = await adapter.read();
    expect(obs.pendingApply).toBe(true);
    expect(obs.sets.find((s) => s.id === 'ipv4')).toMatchObject({
      entries: ['192.0.2.0/24'],
      runtimeEntries: [...V4].sort(),
    });
  });

  it('reports an unmarked alias holding our name as foreign and refuses to touch it', async () => {
    const { r, adapter } = await setup();
    await raw(r.ep, 'POST', '/api/firewall/alias/add_item', {
      body: {
        alias: { name: 'iocwall_v4', type: 'network', content: '10.0.0.0/8', description: 'admin list' },
      },
    });
    const obs = await adapter.read();
    expect(obs.foreign).toEqual([
      { kind: 'set', name: 'iocwall_v4', detail: expect.stringContaining('admin list') as string },
    ]);
    expect(obs.sets).toEqual([]);
    const d = desired(V4, [], []);
    await expect(adapter.apply(allChanges(d).slice(0, 1), d)).rejects.toBeInstanceOf(ForeignObjectError);
    const rows = (await raw(r.ep, 'GET', '/api/firewall/alias/search_item?searchPhrase=iocwall_v4')).body
      .rows;
    expect(rows[0]).toMatchObject({ content: '10.0.0.0/8', description: 'admin list' });
  });

  it('places the block rules above an admin pass rule and reports a rule moved below it', async () => {
    const { r, adapter } = await setup();
    const pass = await raw(r.ep, 'POST', '/api/firewall/filter/add_rule', {
      body: {
        rule: {
          action: 'pass',
          interface: 'lan',
          ipprotocol: 'inet46',
          sequence: '1',
          description: 'allow lan',
        },
      },
    });
    const d = desired(V4, V6, []);
    await adapter.apply(
      allChanges(d).filter((c) => c.kind !== 'set' || c.setId !== 'dns'),
      d,
    );
    let obs = await adapter.read();
    expect(obs.rules.map((x) => x.positionOk)).toEqual([true, true]);
    // An administrator moves our v4 rule below the pass rule.
    const v4 = obs.rules.find((x) => x.id === 'egress-ipv4')!;
    await raw(r.ep, 'POST', `/api/firewall/filter/set_rule/${v4.handle!}`, {
      body: { rule: { sequence: '500' } },
    });
    obs = await adapter.read();
    expect(obs.rules.find((x) => x.id === 'egress-ipv4')?.positionOk).toBe(false);
    const rule = d.rules[0]!;
    await adapter.apply(
      [{ kind: 'rule', op: 'move', ruleId: rule.id, name: rule.name, rule, reasons: ['position'] }],
      d,
    );
    obs = await adapter.read();
    expect(obs.rules.every((x) => x.positionOk)).toBe(true);
    const passSeq = (await raw(r.ep, 'GET', `/api/firewall/filter/get_rule/${pass.body.uuid as string}`)).body
      .rule.sequence;
    expect(Number(passSeq)).toBeGreaterThan(1);
  });

  it('deletes rules before the aliases they use', async () => {
    const { r, adapter } = await setup();
    const d = desired(V4, V6, DNS);
    await adapter.apply(allChanges(d), d);
    const del: Change[] = allChanges(d).map((c) => ({ ...c, op: 'delete' }) as Change);
    await adapter.apply(del, desired([], [], []));
    const obs = await adapter.read();
    expect(obs.sets).toEqual([]);
    expect(obs.rules).toEqual([]);
    expect(r.sim.dnsBlocked('journalide.org')).toBe(false);
  });
});
