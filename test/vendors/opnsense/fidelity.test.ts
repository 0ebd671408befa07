/**
 * One test per firmware-fidelity finding (O1–O8): the adapter against the simulator playing the release
 * where real OPNsense behaves that way. Each failed against the adapter as it was before these fixes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { VendorError } from '../../../src/errors.js';
import { createOpnsenseAdapter } from '../../../src/vendors/opnsense/adapter.js';
import {
  IOCWALL_PRIVILEGES,
  type OpnsenseSimulatorOptions,
} from '../../../src/vendors/opnsense/simulator/index.js';
import type { Change, FirewallAdapter } from '../../../src/vendors/types.js';
import { MARKER, allChanges, connection, desired, raw, rowsOf, startSim, type Running } from './helpers.js';

const LEAST = { key: 'iocwallKey0123456789', secret: 'iocwallSecret0123456789' };
const open: { r: Running; adapter: FirewallAdapter }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.adapter.close();
    await o.r.sim.stop();
  }
});

/** A simulator at `version` and an adapter using the least-privilege key. */
async function setup(
  version: string,
  options: OpnsenseSimulatorOptions = {},
  timeoutMs = 5000,
): Promise<{ r: Running; adapter: FirewallAdapter }> {
  const r = await startSim({ version, users: [{ ...LEAST, privileges: IOCWALL_PRIVILEGES }], ...options });
  const adapter = createOpnsenseAdapter(connection(r.ep, { credentials: { ...LEAST }, timeoutMs }), MARKER);
  open.push({ r, adapter });
  return { r, adapter };
}

const V4 = ['192.0.2.0/24', '198.51.100.7'];
const V6 = ['2001:db8::/48'];
const DNS = ['journalide.org', 'msstorageazure.com'];

/** Only the DNS set change of `allChanges`. */
function dnsChange(entries: string[], op: 'create' | 'update' = 'create'): Change {
  return {
    kind: 'set',
    op,
    setId: 'dns',
    name: 'iocwall_dns',
    family: 'domain',
    add: entries,
    remove: [],
    entries,
  };
}

describe('OPNsense releases as they behave (firmware-fidelity.md)', () => {
  for (const version of ['25.7.5', '26.1.0']) {
    it(`O1 ${version}: sees its own lan rules (search_rule without interface lists floating rules only)`, async () => {
      const { r, adapter } = await setup(version);
      const d = desired(V4, V6, DNS);
      await adapter.apply(allChanges(d), d);
      const obs = await adapter.read();
      expect(obs.rules.map((x) => x.id).sort()).toEqual(['egress-ipv4', 'egress-ipv6']);
      // a second create is an upsert: no duplicate rules
      await adapter.apply(allChanges(d), d);
      const lan = rowsOf(
        await raw(r.ep, 'POST', '/api/firewall/filter/search_rule', { body: { interface: 'lan' } }),
      );
      expect(lan.filter((x) => String(x.description).includes(MARKER))).toHaveLength(2);
    });
  }

  it('O2 25.7.11: blocks its domains (the single-object set is ignored there but answers saved)', async () => {
    const { r, adapter } = await setup('25.7.11');
    const d = desired(V4, V6, DNS);
    await adapter.apply([dnsChange(DNS)], d);
    expect(r.sim.dnsAnswer('www.JournalIDE.org', 'AAAA')).toEqual({ rcode: 'NXDOMAIN' });
    expect((await adapter.read()).sets.find((s) => s.id === 'dns')?.entries).toEqual(DNS);
  });

  it('O3 25.7.5 → 25.7.11: the migrated "default" policy is adopted, so removed domains stop being blocked', async () => {
    const { r, adapter } = await setup('25.7.5');
    const d = desired(V4, V6, DNS);
    await adapter.apply([dnsChange(DNS)], d);
    expect(r.sim.dnsBlocked('msstorageazure.com')).toBe(true);
    r.sim.upgrade('25.7.11');
    const obs = await adapter.read();
    expect(obs.sets.filter((s) => s.id === 'dns').map((s) => s.entries)).toEqual([DNS]);
    const d2 = desired(V4, V6, ['journalide.org']);
    await adapter.apply([dnsChange(['journalide.org'], 'update')], d2);
    expect(r.sim.dnsBlocked('msstorageazure.com')).toBe(false);
    expect(r.sim.dnsBlocked('a.journalide.org')).toBe(true);
    const policies = rowsOf(await raw(r.ep, 'POST', '/api/unbound/settings/search_dnsbl', { body: {} }));
    expect(policies).toHaveLength(1);
  });

  it('O4 26.1.9: a floating pass rule on lan is reported, never moved across priority groups (500)', async () => {
    const { r, adapter } = await setup('26.1.9');
    await raw(r.ep, 'POST', '/api/firewall/filter/add_rule', {
      body: { rule: { action: 'pass', interface: 'lan,opt1', sequence: '5', description: 'lan+dmz out' } },
    });
    const d = desired(V4, V6, DNS);
    await adapter.apply(allChanges(d), d).catch((e: unknown) => {
      expect(e).toBeInstanceOf(VendorError);
      expect((e as VendorError).message).not.toMatch(/HTTP 500|Cannot move/);
    });
    const obs = await adapter.read();
    expect(obs.rules.find((x) => x.id === 'egress-ipv4')).toMatchObject({
      positionOk: false,
      positionProblem: expect.stringMatching(/floating pass rule "lan\+dmz out"/),
    });
    expect(r.sim.requestLog.filter((x) => x.path.includes('move_rule_before'))).toEqual([]);
  });

  it('O4 26.1.9: a floating pass rule on every interface precedes the lan rules whatever its sequence', async () => {
    const { r, adapter } = await setup('26.1.9');
    const d = desired(V4, V6, DNS);
    await adapter.apply(allChanges(d), d);
    await raw(r.ep, 'POST', '/api/firewall/filter/add_rule', {
      body: { rule: { action: 'pass', interface: '', sequence: '900', description: 'floating allow' } },
    });
    const obs = await adapter.read();
    expect(obs.rules.find((x) => x.id === 'egress-ipv4')?.positionOk).toBe(false);
  });

  it('O4 26.1.9: a pass rule on an interface group holding lan precedes the lan rules', async () => {
    const { r, adapter } = await setup('26.1.9');
    const d = desired(V4, V6, DNS);
    await adapter.apply(allChanges(d), d);
    await raw(r.ep, 'POST', '/api/firewall/filter/add_rule', {
      body: { rule: { action: 'pass', interface: 'inside', sequence: '900', description: 'inside allow' } },
    });
    const obs = await adapter.read();
    expect(obs.rules.find((x) => x.id === 'egress-ipv4')).toMatchObject({
      positionOk: false,
      positionProblem: expect.stringMatching(/interface-group pass rule "inside allow"/),
    });
  });

  it('O5: works with a key holding only the documented privileges (no System: Firmware)', async () => {
    const { r, adapter } = await setup('26.1.9');
    const info = await raw(r.ep, 'GET', '/api/core/firmware/info', { auth: LEAST });
    expect(info.status).toBe(403);
    const d = desired(V4, V6, DNS);
    await adapter.apply(allChanges(d), d);
    const obs = await adapter.read();
    expect(obs.sets.map((s) => s.id).sort()).toEqual(['dns', 'ipv4', 'ipv6']);
    expect(r.sim.requestLog.filter((x) => x.path.includes('core/firmware'))).toHaveLength(1);
  });

  it('O6 26.1.9: a table that fails to load behind the detached refresh is an error, not a success', async () => {
    const { r, adapter } = await setup('26.1.9', { tableEntriesLimit: 3, costs: { refreshBaseMs: 800 } });
    const d = desired(['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4'], [], []);
    await expect(adapter.apply(allChanges(d), d)).rejects.toThrow(/Error loading alias \[iocwall_v4\]/);
    expect(r.sim.systemLog.join('\n')).toMatch(/Error loading alias \[iocwall_v4\]/);
  });

  it('O7 26.1.9: a rollback timer armed late is still cancelled (rules survive the 60 s)', async () => {
    let skew = 0;
    const { r, adapter } = await setup('26.1.9', {
      clock: () => Date.now() + skew,
      costs: { armDelayMs: 400 },
    });
    const d = desired(V4, V6, DNS);
    await adapter.apply(allChanges(d), d);
    skew += 61_000;
    const obs = await adapter.read();
    expect(obs.rules).toHaveLength(2);
    expect(rowsOf(await raw(r.ep, 'POST', '/api/firewall/filter/search_rule', { body: {} }))).toHaveLength(2);
  });

  it('O7 26.1.9: a slow save of a big alias outlasting the per-request timeout still succeeds', async () => {
    const { adapter } = await setup('26.1.9', { costs: { saveMsPerEntry: 2 } }, 1000);
    const big = Array.from({ length: 1000 }, (_, i) => `10.${i >> 8}.${i & 255}.1`);
    const d = desired(big, [], []);
    await adapter.apply(
      allChanges(d).filter((c) => c.kind === 'set' && c.setId === 'ipv4'),
      d,
    );
    expect((await adapter.read()).sets.find((s) => s.id === 'ipv4')?.entries).toHaveLength(1000);
  });

  it('O7 26.1.9: reads a table alias_util/list cannot list (out of memory)', async () => {
    const { adapter } = await setup('26.1.9', { costs: { listMaxEntries: 50 } });
    const big = Array.from({ length: 120 }, (_, i) => `10.0.${i}.1`);
    const d = desired(big, [], []);
    await adapter.apply(
      allChanges(d).filter((c) => c.kind === 'set' && c.setId === 'ipv4'),
      d,
    );
    const obs = await adapter.read();
    expect(obs.sets.find((s) => s.id === 'ipv4')?.entries).toHaveLength(120);
    expect(obs.pendingApply).toBe(false);
  });

  it('O8 26.1.9: an alias a NAT rule still uses does not abort the apply; the filter is applied', async () => {
    const { r, adapter } = await setup('26.1.9');
    const d = desired(V4, V6, DNS);
    const old: Change = {
      kind: 'set',
      op: 'create',
      setId: 'ipv4',
      name: 'old_v4',
      family: 'ipv4',
      add: V4,
      remove: [],
      entries: V4,
    };
    await adapter.apply([old, ...allChanges(d)], d);
    r.sim.addConfigReference({ section: 'nat.rule', text: 'rdr to old_v4' });
    const reject = { ...d.rules[0]!, action: 'reject' as const };
    const changes: Change[] = [
      {
        kind: 'rule',
        op: 'update',
        ruleId: 'egress-ipv4',
        name: reject.name,
        rule: reject,
        reasons: ['action'],
      },
      { ...old, op: 'delete', add: [], remove: V4, entries: [] },
    ];
    const result = await adapter.apply(changes, { ...d, rules: [reject, d.rules[1]!] });
    expect(result.warnings).toEqual([expect.stringMatching(/old_v4.*in use/)]);
    const obs = await adapter.read();
    expect(obs.rules.find((x) => x.id === 'egress-ipv4')?.action).toBe('reject');
  });
});

describe('the rollback timer warning (issue 10)', () => {
  it('warns only when someone else changed filter rules during the run', async () => {
    const { r, adapter } = await setup('26.1.9');
    const d = desired(V4, V6, DNS);
    await adapter.read();
    expect((await adapter.apply(allChanges(d), d)).warnings).toEqual([]);
    await adapter.read();
    await raw(r.ep, 'POST', '/api/firewall/filter/add_rule', {
      body: { rule: { action: 'pass', interface: 'wan', sequence: '10', description: 'colleague' } },
    });
    const result = await adapter.apply(allChanges(d, 'update'), d);
    expect(result.warnings).toEqual([expect.stringMatching(/rollback timer/)]);
  });
});
