/**
 * MikroTik adapter: a policy prefix change (renamed lists and rules), rules left behind by an earlier
 * prefix, and duplicates of a wanted rule. The plans here are the ones the planner makes when it matches
 * observed objects by id and name.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createMikrotikAdapter } from '../../../src/vendors/mikrotik/adapter.js';
import type { RouterOsClient } from '../../../src/vendors/mikrotik/client.js';
import type { MikrotikSimulator } from '../../../src/vendors/mikrotik/simulator/simulator.js';
import type { Change, DesiredState, FirewallAdapter, TargetConnection } from '../../../src/vendors/types.js';
import { createAll, DNS, MARKER, V4, V6 } from './adapter-fixtures.js';
import { startSim, target, adminClient } from './helpers.js';

let sim: MikrotikSimulator | undefined;
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
  await sim?.stop();
});

const ruleName = (prefix: string, family: 'v4' | 'v6'): string => `${prefix}_egress_${family} ${MARKER}`;

/** The desired state of a policy with this prefix (names as `objectNames` builds them). */
function named(prefix: string): DesiredState {
  return {
    target: 'mt1',
    vendor: 'mikrotik',
    marker: MARKER,
    sets: [
      { id: 'ipv4', family: 'ipv4', name: `${prefix}_v4`, entries: V4 },
      { id: 'ipv6', family: 'ipv6', name: `${prefix}_v6`, entries: V6 },
      { id: 'dns', family: 'domain', name: `${prefix}_dns`, entries: DNS },
    ],
    rules: [
      {
        id: 'egress-ipv4',
        name: ruleName(prefix, 'v4'),
        setId: 'ipv4',
        family: 'ipv4',
        action: 'drop',
        placement: 'top',
      },
      {
        id: 'egress-ipv6',
        name: ruleName(prefix, 'v6'),
        setId: 'ipv6',
        family: 'ipv6',
        action: 'drop',
        placement: 'top',
      },
    ],
  };
}

const names = (prefix: string): Record<'ipv4' | 'ipv6' | 'dns', string> => ({
  ipv4: `${prefix}_v4`,
  ipv6: `${prefix}_v6`,
  dns: `${prefix}_dns`,
});

/** A rule delete as the planner plans it for an observed rule the policy no longer wants. */
function deleteRuleChange(name: string, family: 'ipv4' | 'ipv6'): Change {
  const ruleId = family === 'ipv4' ? 'egress-ipv4' : 'egress-ipv6';
  return {
    kind: 'rule',
    op: 'delete',
    ruleId,
    name,
    rule: { id: ruleId, name, setId: family, family, action: 'drop', placement: 'top' },
    reasons: ['unwanted'],
  };
}

function deleteSetChange(setId: 'ipv4' | 'ipv6' | 'dns', name: string, remove: string[]): Change {
  const family = setId === 'dns' ? 'domain' : setId;
  return { kind: 'set', op: 'delete', setId, name, family, add: [], remove, entries: [] };
}

/** The plan of a prefix change `from` → `to`: create the new lists and rules, delete the old ones. */
function renamePlan(from: string, to: string): Change[] {
  return [
    ...createAll(named(to)).filter((c) => c.kind !== 'set' || c.setId !== 'dns'),
    deleteRuleChange(ruleName(from, 'v4'), 'ipv4'),
    deleteRuleChange(ruleName(from, 'v6'), 'ipv6'),
    deleteSetChange('ipv4', `${from}_v4`, V4),
    deleteSetChange('ipv6', `${from}_v6`, V6),
  ];
}

async function setup(options: Record<string, unknown> = {}) {
  const s = await startSim({ firmware: '7.18' });
  sim = s.sim;
  const adapterFor = (prefix: string, over: Partial<TargetConnection> = {}): FirewallAdapter => {
    const a = createMikrotikAdapter(
      target(s.endpoint, { options, objectNames: names(prefix), ...over }),
      MARKER,
    );
    open.push(a);
    return a;
  };
  const admin = await adminClient(s.endpoint);
  open.push(admin);
  // The first run, with prefix `iocwall`.
  const old = named('iocwall');
  await adapterFor('iocwall').apply(createAll(old), old);
  return { adapterFor, admin };
}

async function rows(admin: RouterOsClient, menu: string) {
  return (await admin.write({ command: `${menu}/print` })).rows;
}

const RULE_MENUS = ['/ip/firewall/filter', '/ip/firewall/raw', '/ipv6/firewall/filter', '/ipv6/firewall/raw'];

describe('MikroTik adapter: prefix change', () => {
  it('reads old lists by their own names and replaces them make-before-break in every chain', async () => {
    const { adapterFor, admin } = await setup({ outputChain: true, raw: true });
    const adapter = adapterFor('acme'); // the next run, after the prefix was changed to `acme`
    const before = await adapter.read();
    expect(before.sets).toEqual([
      { id: 'ipv4', name: 'iocwall_v4', entries: [...V4].sort() },
      { id: 'ipv6', name: 'iocwall_v6', entries: [...V6].sort() },
      // DNS entries have no list name: reported under the current policy's name, so no rename is planned
      { id: 'dns', name: 'acme_dns', entries: DNS },
    ]);
    expect(before.rules.map((r) => [r.id, r.name, r.positionOk])).toEqual([
      ['egress-ipv4', ruleName('iocwall', 'v4'), true],
      ['egress-ipv6', ruleName('iocwall', 'v6'), true],
    ]);

    const start = sim!.commandLog.length;
    const r = await adapter.apply(renamePlan('iocwall', 'acme'), named('acme'));
    expect(r.warnings).toEqual([]);
    // The new forward rule exists before the old one goes (no window without a block rule).
    const log = sim!.commandLog.slice(start);
    const added = log.findIndex(
      (l) => l.command === '/ip/firewall/filter/add' && l.attributes.comment === ruleName('acme', 'v4'),
    );
    const removed = log.findIndex((l) => l.command === '/ip/firewall/filter/remove');
    expect(added).toBeGreaterThanOrEqual(0);
    expect(removed).toBeGreaterThan(added);

    const after = await adapter.read();
    expect(after.sets).toEqual([
      { id: 'ipv4', name: 'acme_v4', entries: [...V4].sort() },
      { id: 'ipv6', name: 'acme_v6', entries: [...V6].sort() },
      { id: 'dns', name: 'acme_dns', entries: DNS },
    ]);
    expect(after.rules).toEqual([
      expect.objectContaining({
        id: 'egress-ipv4',
        name: ruleName('acme', 'v4'),
        references: 'acme_v4',
        positionOk: true,
      }),
      expect.objectContaining({
        id: 'egress-ipv6',
        name: ruleName('acme', 'v6'),
        references: 'acme_v6',
        positionOk: true,
      }),
    ]);
    for (const menu of RULE_MENUS) {
      expect((await rows(admin, menu)).filter((x) => x.comment?.startsWith('iocwall_'))).toEqual([]);
    }
    const lists = (await rows(admin, '/ip/firewall/address-list')).map((x) => x.list);
    expect(lists.filter((l) => l === 'iocwall_v4')).toEqual([]);
  });

  it('deletes a list by name only: other marked lists and the administrator’s entries stay', async () => {
    const { adapterFor, admin } = await setup();
    const adapter = adapterFor('acme');
    await adapter.apply(renamePlan('iocwall', 'acme'), named('acme'));
    // The administrator reuses the old name for a list of their own: no longer ours, so not foreign.
    await admin.write({
      command: '/ip/firewall/address-list/add',
      attributes: { list: 'iocwall_v4', address: '192.0.2.250', comment: 'by hand' },
    });
    const o = await adapter.read();
    expect(o.foreign).toEqual([]);
    expect(o.sets.find((s) => s.id === 'ipv4')).toEqual({
      id: 'ipv4',
      name: 'acme_v4',
      entries: [...V4].sort(),
    });
  });

  it('a planned DNS rename keeps every domain and reads back under the new name', async () => {
    const { adapterFor, admin } = await setup();
    const adapter = adapterFor('acme');
    const want = named('acme');
    await adapter.apply(
      [
        {
          kind: 'set',
          op: 'create',
          setId: 'dns',
          name: 'acme_dns',
          family: 'domain',
          add: DNS,
          remove: [],
          entries: DNS,
        },
        deleteSetChange('dns', 'iocwall_dns', DNS),
      ],
      want,
    );
    const o = await adapter.read();
    expect(o.sets.find((s) => s.id === 'dns')).toEqual({ id: 'dns', name: 'acme_dns', entries: DNS });
    const dns = (await rows(admin, '/ip/dns/static')).filter((x) => x.comment === MARKER);
    expect(dns.map((x) => x.name).sort()).toEqual(DNS);
  });
});

describe('MikroTik adapter: stray and duplicate marked rules', () => {
  it('reports a rule left by an earlier prefix as its own rule and deletes it by name everywhere', async () => {
    const { adapterFor, admin } = await setup();
    const adapter = adapterFor('acme');
    const want = named('acme');
    // What the lab saw: the new rule was added, the old one never removed.
    await adapter.apply(createAll(want), want);
    // A copy of the old rule also sits in another chain and in the IPv6 table.
    await admin.write({
      command: '/ip/firewall/filter/add',
      attributes: {
        chain: 'output',
        action: 'drop',
        'dst-address-list': 'iocwall_v4',
        comment: ruleName('iocwall', 'v4'),
      },
    });
    await admin.write({
      command: '/ipv6/firewall/filter/add',
      attributes: {
        chain: 'forward',
        action: 'drop',
        'dst-address-list': 'x',
        comment: ruleName('iocwall', 'v4'),
      },
    });
    const o = await adapter.read();
    const v4 = o.rules.filter((r) => r.id === 'egress-ipv4');
    expect(v4.map((r) => r.name)).toEqual([ruleName('iocwall', 'v4'), ruleName('acme', 'v4')]);
    // The wanted rule is fine: no `rule-order` drift because another marked rule exists.
    expect(v4.find((r) => r.name === ruleName('acme', 'v4'))).toMatchObject({
      positionOk: true,
      enabled: true,
    });

    await adapter.apply(
      [
        deleteRuleChange(ruleName('iocwall', 'v4'), 'ipv4'),
        deleteRuleChange(ruleName('iocwall', 'v6'), 'ipv6'),
      ],
      want,
    );
    for (const menu of RULE_MENUS) {
      expect((await rows(admin, menu)).filter((x) => x.comment?.startsWith('iocwall_'))).toEqual([]);
    }
    const after = await adapter.read();
    expect(after.rules.map((r) => [r.name, r.positionOk])).toEqual([
      [ruleName('acme', 'v4'), true],
      [ruleName('acme', 'v6'), true],
    ]);
  });

  it('a duplicate of the wanted rule is not order drift; the next apply of the rule removes it', async () => {
    const { adapterFor, admin } = await setup();
    const adapter = adapterFor('iocwall');
    const d = named('iocwall');
    const name = ruleName('iocwall', 'v4');
    // Appended at the end, below the accept rules (differs in `log`, so the router accepts it).
    await admin.write({
      command: '/ip/firewall/filter/add',
      attributes: {
        chain: 'forward',
        action: 'drop',
        'dst-address-list': 'iocwall_v4',
        log: 'yes',
        comment: name,
      },
    });
    const o = await adapter.read();
    expect(o.rules).toHaveLength(2);
    expect(o.rules[0]).toMatchObject({
      name,
      enabled: true,
      action: 'drop',
      references: 'iocwall_v4',
      positionOk: true,
    });
    await adapter.apply(
      [{ kind: 'rule', op: 'update', ruleId: 'egress-ipv4', name, rule: d.rules[0]!, reasons: ['action'] }],
      d,
    );
    const forward = (await rows(admin, '/ip/firewall/filter')).filter((x) => x.comment === name);
    expect(forward).toHaveLength(1);
    expect(forward[0]!.log).not.toBe('true');
  });
});
