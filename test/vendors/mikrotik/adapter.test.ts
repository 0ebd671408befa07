import { afterEach, describe, expect, it } from 'vitest';
import { ReadOnlyViolationError, VendorError } from '../../../src/errors.js';
import { createMikrotikAdapter } from '../../../src/vendors/mikrotik/adapter.js';
import type { RouterOsClient } from '../../../src/vendors/mikrotik/client.js';
import type { MikrotikSimulator } from '../../../src/vendors/mikrotik/simulator/simulator.js';
import type { FirewallAdapter, TargetConnection } from '../../../src/vendors/types.js';
import {
  createAll,
  desired,
  DNS,
  LIST,
  MARKER,
  RULE4,
  ruleChange,
  updateSet,
  V4,
  V6,
} from './adapter-fixtures.js';
import { startSim, target, adminClient } from './helpers.js';

let sim: MikrotikSimulator | undefined;
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
  await sim?.stop();
});

async function setup(mode: '6.49' | '7.18', simOver = {}, conn: Partial<TargetConnection> = {}) {
  const s = await startSim({ firmware: mode, ...simOver });
  sim = s.sim;
  const adapter = createMikrotikAdapter(target(s.endpoint, conn), MARKER);
  const admin = await adminClient(s.endpoint);
  open.push(adapter, admin);
  return { adapter, admin, endpoint: s.endpoint };
}

/** An administrator's change through the API (as WinBox would make it). */
async function ourRule(admin: RouterOsClient, chain = 'forward') {
  const rows = (await admin.write({ command: '/ip/firewall/filter/print' })).rows;
  return { rows, ours: rows.find((r) => r.comment === RULE4 && r.chain === chain)! };
}

async function pushAll(adapter: FirewallAdapter, d = desired(V4, V6, DNS)) {
  await adapter.apply(createAll(d), d);
  return d;
}

describe.each(['6.49', '7.18'] as const)('MikroTik adapter on RouterOS %s', (mode) => {
  it('creates sets, DNS blocks and rules, then reads them back as in sync', async () => {
    const { adapter, admin } = await setup(mode);
    const d = await pushAll(adapter);
    const o = await adapter.read();
    expect(o.version).toBe(mode);
    expect(o.sets).toEqual([
      { id: 'ipv4', name: LIST, entries: [...V4].sort() },
      { id: 'ipv6', name: LIST, entries: [...V6].sort() },
      { id: 'dns', name: 'iocwall-dns', entries: DNS },
    ]);
    expect(o.rules).toEqual([
      expect.objectContaining({
        id: 'egress-ipv4',
        name: RULE4,
        enabled: true,
        action: 'drop',
        references: LIST,
        positionOk: true,
      }),
      expect.objectContaining({ id: 'egress-ipv6', enabled: true, references: LIST, positionOk: true }),
    ]);
    expect(o.foreign).toEqual([]);
    const { rows, ours } = await ourRule(admin);
    const forward = rows.filter((r) => r.chain === 'forward' && r.dynamic !== 'true');
    expect(forward[0]).toBe(ours); // above the defconf accept and fasttrack rules
    const dnsRows = (await admin.write({ command: '/ip/dns/static/print', queries: [`?comment=${MARKER}`] }))
      .rows;
    if (mode === '7.18') {
      expect(dnsRows[0]).toMatchObject({ name: 'evil.example', type: 'NXDOMAIN', 'match-subdomain': 'true' });
    } else {
      expect(dnsRows[0]).toMatchObject({
        regexp: '^(.*\\.)?[eE][vV][iI][lL]\\.[eE][xX][aA][mM][pP][lL][eE]\\.?$',
        type: 'NXDOMAIN',
      });
    }
    expect(d.sets).toHaveLength(3);
  });

  it('updates sets by adding and removing values', async () => {
    const { adapter } = await setup(mode);
    const d = await pushAll(adapter);
    const r = await adapter.apply(
      [
        updateSet(d, 'ipv4', ['192.0.2.99'], ['203.0.113.7']),
        updateSet(d, 'dns', ['new.example'], ['evil.example']),
      ],
      d,
    );
    expect(r.calls).toBeGreaterThan(0);
    const o = await adapter.read();
    expect(o.sets.find((s) => s.id === 'ipv4')!.entries).toEqual([
      '192.0.2.10',
      '192.0.2.99',
      '198.51.100.0/24',
    ]);
    expect(o.sets.find((s) => s.id === 'dns')!.entries).toEqual(['journalide.org', 'new.example']);
  });

  it('reports drift: disabled and moved rules, missing and extra entries; apply repairs the rules', async () => {
    const { adapter, admin } = await setup(mode);
    const d = await pushAll(adapter);
    const { ours } = await ourRule(admin);
    await admin.write({
      command: '/ip/firewall/filter/set',
      attributes: { '.id': ours['.id']!, disabled: 'yes' },
    });
    await admin.write({ command: '/ip/firewall/filter/move', attributes: { numbers: ours['.id']! } });
    const entry = (
      await admin.write({ command: '/ip/firewall/address-list/print', queries: ['?address=192.0.2.10'] })
    ).rows[0]!;
    await admin.write({ command: '/ip/firewall/address-list/remove', attributes: { '.id': entry['.id']! } });
    await admin.write({
      command: '/ip/firewall/address-list/add',
      attributes: { list: LIST, address: '192.0.2.66', comment: MARKER },
    });
    const o = await adapter.read();
    expect(o.rules[0]).toMatchObject({ enabled: false, positionOk: false });
    expect(o.sets[0]!.entries).toEqual(['192.0.2.66', '198.51.100.0/24', '203.0.113.7']);
    await adapter.apply([ruleChange(d, 0, 'move', ['position', 'disabled'])], d);
    expect((await adapter.read()).rules[0]).toMatchObject({ enabled: true, positionOk: true });
  });

  it('reports duplicates, ignores dynamic rows and reports unmarked entries in our list as foreign', async () => {
    const { adapter, admin } = await setup(mode, { allowDuplicateEntries: true });
    await pushAll(adapter);
    await admin.write({
      command: '/ip/firewall/address-list/add',
      attributes: { list: LIST, address: '192.0.2.10', comment: MARKER },
    });
    await admin.write({
      command: '/ip/firewall/address-list/add',
      attributes: { list: LIST, address: '192.0.2.77', comment: MARKER, timeout: '1h' },
    });
    await admin.write({
      command: '/ip/firewall/address-list/add',
      attributes: { list: LIST, address: 'fqdn.example', comment: MARKER },
    });
    await admin.write({
      command: '/ip/firewall/address-list/add',
      attributes: { list: LIST, address: '192.0.2.200', comment: 'by hand' },
    });
    const o = await adapter.read();
    const v4 = o.sets.find((s) => s.id === 'ipv4')!;
    expect(v4.duplicates).toEqual(['192.0.2.10']);
    expect(v4.entries).not.toContain('192.0.2.77'); // timeout entry: dynamic
    expect(v4.entries).toContain('fqdn.example'); // static parent is ours; its dynamic children are not
    expect(v4.entries.filter((e) => e.startsWith('198.18.') || e.startsWith('198.19.'))).toEqual([]);
    expect(o.foreign).toEqual([
      expect.objectContaining({ kind: 'set', name: LIST, detail: expect.stringContaining('192.0.2.200') }),
    ]);
  });

  it('converges after the connection drops mid-apply', async () => {
    const { adapter } = await setup(mode, { latencyMs: 1 });
    const many = Array.from({ length: 300 }, (_, i) => `10.20.${i >> 8}.${i & 255}`);
    const d = desired(many, V6, DNS);
    sim!.dropAfter(120);
    const err = (await adapter.apply(createAll(d), d).catch((e: unknown) => e)) as VendorError;
    expect(err).toBeInstanceOf(VendorError);
    expect(err.details.transient).toBe(true);
    const partial = await adapter.read();
    expect(partial.sets.find((s) => s.id === 'ipv4')!.entries.length).toBeLessThan(300);
    const r = await adapter.apply(createAll(d), d);
    expect(r.warnings).toEqual([]);
    const o = await adapter.read();
    expect(o.sets.find((s) => s.id === 'ipv4')!.entries).toEqual([...many].sort());
    expect(o.sets.find((s) => s.id === 'ipv4')!.duplicates).toBeUndefined();
    expect(o.rules.map((x) => x.positionOk)).toEqual([true, true]);
  });
});

describe('MikroTik adapter options and safety', () => {
  it('adds output and raw parts when asked, reject with icmp-admin-prohibited', async () => {
    const { adapter, admin } = await setup('7.18', {}, { options: { outputChain: true, raw: true } });
    await pushAll(adapter, desired(V4, V6, DNS, 'reject'));
    const { rows, ours } = await ourRule(admin, 'output');
    expect(ours).toMatchObject({
      action: 'reject',
      'reject-with': 'icmp-admin-prohibited',
      'dst-address-list': LIST,
    });
    expect(rows.filter((r) => r.comment === RULE4)).toHaveLength(2);
    const rawRows = (await admin.write({ command: '/ip/firewall/raw/print' })).rows;
    expect(rawRows).toEqual([
      expect.objectContaining({ chain: 'prerouting', action: 'drop', comment: RULE4 }),
    ]);
    expect((await adapter.read()).rules[0]).toMatchObject({ action: 'reject', positionOk: true });
    await admin.write({ command: '/ip/firewall/raw/remove', attributes: { '.id': rawRows[0]!['.id']! } });
    expect((await adapter.read()).rules[0]!.positionOk).toBe(false);
  });

  it('a read-only adapter reads, refuses apply, and sends no write', async () => {
    const seeded = await setup('7.18');
    await pushAll(seeded.adapter);
    const ro = createMikrotikAdapter(target(seeded.endpoint, { readOnly: true }), MARKER);
    open.push(ro);
    const start = sim!.commandLog.length;
    expect((await ro.read()).sets).toHaveLength(3);
    const d = desired(['192.0.2.1'], [], []);
    await expect(ro.apply(createAll(d), d)).rejects.toBeInstanceOf(ReadOnlyViolationError);
    const verbs = sim!.commandLog.slice(start).map((l) => l.command.split('/').at(-1));
    expect(verbs.filter((v) => v !== 'print' && v !== 'login')).toEqual([]);
  });

  it('deletes what it created and nothing else', async () => {
    const { adapter, admin } = await setup('7.18');
    const d = await pushAll(adapter);
    const before = (await admin.write({ command: '/ip/firewall/filter/print' })).rows.length;
    // The planner deletes what the policy no longer wants: the desired state keeps only IPv6.
    const kept = {
      ...d,
      sets: d.sets.filter((s) => s.id === 'ipv6'),
      rules: d.rules.filter((r) => r.id === 'egress-ipv6'),
    };
    await adapter.apply(
      [
        ruleChange(d, 0, 'delete'),
        {
          kind: 'set',
          op: 'delete',
          setId: 'ipv4',
          name: LIST,
          family: 'ipv4',
          add: [],
          remove: [],
          entries: [],
        },
        {
          kind: 'set',
          op: 'delete',
          setId: 'dns',
          name: 'iocwall-dns',
          family: 'domain',
          add: [],
          remove: [],
          entries: [],
        },
      ],
      kept,
    );
    const o = await adapter.read();
    expect(o.sets.map((s) => s.id)).toEqual(['ipv6']);
    expect(o.rules.map((r) => r.id)).toEqual(['egress-ipv6']);
    expect((await admin.write({ command: '/ip/firewall/filter/print' })).rows).toHaveLength(before - 1);
    expect((await admin.write({ command: '/ip/dns/static/print' })).rows).toEqual([
      expect.objectContaining({ comment: 'defconf' }),
    ]);
  });
});
