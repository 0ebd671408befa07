/**
 * One test per firmware-fidelity finding (M1–M7): each fails with the adapter as it was before the
 * simulator played real releases, and passes now.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { VendorError } from '../../../src/errors.js';
import { queryDns, startDnsResponder } from '../../../src/vendors/simkit/dns-responder.js';
import { createMikrotikAdapter } from '../../../src/vendors/mikrotik/adapter.js';
import type { RouterOsClient } from '../../../src/vendors/mikrotik/client.js';
import { resolveStatic } from '../../../src/vendors/mikrotik/simulator/dns.js';
import type {
  MikrotikSimulator,
  MikrotikSimulatorOptions,
} from '../../../src/vendors/mikrotik/simulator/simulator.js';
import type { DesiredState, TargetConnection } from '../../../src/vendors/types.js';
import { createAll, desired, LIST, MARKER, RULE4, updateSet } from './adapter-fixtures.js';
import { adminClient, startSim, target } from './helpers.js';

let sim: MikrotikSimulator | undefined;
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
  await sim?.stop();
  sim = undefined;
});

async function setup(
  firmware: string,
  simOver: Partial<MikrotikSimulatorOptions> = {},
  conn: Partial<TargetConnection> = {},
) {
  const s = await startSim({ firmware, ...simOver });
  sim = s.sim;
  const adapter = createMikrotikAdapter(target(s.endpoint, conn), MARKER);
  open.push(adapter);
  return { adapter, endpoint: s.endpoint };
}

async function admin(endpoint: string): Promise<RouterOsClient> {
  const a = await adminClient(endpoint);
  open.push(a);
  return a;
}

/** A desired state without the IPv6 set and rule (what the planner keeps for a router without IPv6). */
function v4Only(d: DesiredState): DesiredState {
  return {
    ...d,
    sets: d.sets.filter((s) => s.id !== 'ipv6'),
    rules: d.rules.filter((r) => r.family !== 'ipv6'),
  };
}

describe('RouterOS releases as they really behave', () => {
  it('M1: RouterOS 6 without the ipv6 package: read works, reports no IPv6, apply writes IPv4 and DNS', async () => {
    const { adapter } = await setup('6.49+no-ipv6');
    const first = await adapter.read();
    expect(first.capabilities.ipv6).toBe(false);
    const d = v4Only(desired(['192.0.2.10'], [], ['evil.example']));
    await adapter.apply(createAll(d), d);
    const o = await adapter.read();
    expect(o.sets.map((s) => [s.id, s.entries])).toEqual([
      ['ipv4', ['192.0.2.10']],
      ['dns', ['evil.example']],
    ]);
    expect(o.rules).toEqual([expect.objectContaining({ name: RULE4, enabled: true, positionOk: true })]);
  });

  it('M2: RouterOS 7.0–7.4 have no match-subdomain: DNS blocks use the regexp form', async () => {
    const { adapter, endpoint } = await setup('7.4');
    const d = desired([], [], ['evil.example']);
    await adapter.apply(createAll(d), d);
    expect((await adapter.read()).sets.find((s) => s.id === 'dns')?.entries).toEqual(['evil.example']);
    const rows = (await (await admin(endpoint)).write({ command: '/ip/dns/static/print' })).rows;
    expect(rows.find((r) => r.comment === MARKER)).toMatchObject({ type: 'NXDOMAIN' });
    expect(resolveStatic(sim!.router, sim!.release, 'www.evil.example', 'A').rcode).toBe('NXDOMAIN');
  });

  it('M3: an id removed meanwhile traps "no such item (4)" and the retry ignores it', async () => {
    const { adapter } = await setup('7.18');
    const values = ['192.0.2.1', '192.0.2.2', '192.0.2.3'];
    const d = desired(values, [], []);
    await adapter.apply(createAll(d), d);
    // Someone removes one of the entries between our read and our batched remove.
    sim!.beforeCommand = (command, attributes) => {
      const ids = attributes['.id'] ?? '';
      if (command !== '/ip/firewall/address-list/remove' || !ids.includes(',')) return;
      sim!.router.table('/ip/firewall/address-list')?.delete(ids.split(',')[1]!);
    };
    const after = desired([], [], []);
    await adapter.apply([updateSet(after, 'ipv4', [], values)], after);
    expect((await adapter.read()).sets).toEqual([]);
  });

  it('M4: on RouterOS 6 a blocked name and its subdomains are NXDOMAIN for every type and case', async () => {
    const { adapter } = await setup('6.49');
    const d = desired([], [], ['evil.example']);
    await adapter.apply(createAll(d), d);
    const dns = await startDnsResponder((name, type) => resolveStatic(sim!.router, sim!.release, name, type));
    open.push({ close: () => dns.stop() });
    for (const name of ['evil.example', 'EVIL.example', 'wWw.Evil.Example'])
      for (const type of ['A', 'AAAA'] as const)
        expect((await queryDns(dns.address, name, type)).rcode, `${name} ${type}`).toBe('NXDOMAIN');
    expect((await queryDns(dns.address, 'notevil.example')).rcode).toBe('NOERROR');
    expect((await adapter.read()).sets.find((s) => s.id === 'dns')?.entries).toEqual(['evil.example']);
  });

  it('M5: a read over a big list survives silent scans longer than the request timeout', async () => {
    const { adapter, endpoint } = await setup('7.18', { scanCostUs: 150 }, { timeoutMs: 300 });
    const a = await admin(endpoint);
    // An administrator's own big list: every query over the menu scans it without a word.
    const big = Array.from({ length: 6000 }, (_, i) => ({
      command: '/ip/firewall/address-list/add',
      attributes: { list: 'admins-own', address: `10.${(i >> 8) & 255}.${i & 255}.1` },
    }));
    expect((await a.writeMany(big)).every((r) => r.ok)).toBe(true);
    const o = await adapter.read();
    expect(o.sets).toEqual([]);
    expect(o.foreign).toEqual([]);
  });

  it('M6: API-SSL without a certificate fails with what to configure', async () => {
    const { adapter } = await setup(
      '7.18',
      { tls: 'no-certificate' },
      { tls: { fingerprint: Array.from({ length: 32 }, () => 'AB').join(':') } },
    );
    const err = (await adapter.read().catch((e: unknown) => e)) as VendorError;
    expect(err).toBeInstanceOf(VendorError);
    expect(err.message).toMatch(/anonymous Diffie-Hellman/);
    expect(err.message).toMatch(/\/ip service set api-ssl certificate=/);
    expect(err.details.transient).toBe(false);
  });

  describe('M7: fasttrack above accept established', () => {
    /** The forward chain's static rules in order: [comment, action]. */
    async function forward(a: RouterOsClient): Promise<string[]> {
      const rows = (await a.write({ command: '/ip/firewall/filter/print', queries: ['?chain=forward'] }))
        .rows;
      return rows.filter((r) => r.dynamic !== 'true').map((r) => r.comment ?? r.action ?? '');
    }
    /** The administrator drops the defconf IPsec accepts (no VPN): fasttrack is the first passing rule. */
    async function withoutIpsec(a: RouterOsClient): Promise<void> {
      const rows = (await a.write({ command: '/ip/firewall/filter/print', queries: ['?ipsec-policy'] })).rows;
      await a.write({
        command: '/ip/firewall/filter/remove',
        attributes: { '.id': rows.map((r) => r['.id']).join(',') },
      });
    }

    it('places the block rule above the fasttrack rule', async () => {
      const { adapter, endpoint } = await setup('7.18');
      const a = await admin(endpoint);
      await withoutIpsec(a);
      const d = v4Only(desired(['192.0.2.10'], [], []));
      await adapter.apply(createAll(d), d);
      const order = await forward(a);
      expect(order.indexOf(RULE4)).toBeLessThan(order.indexOf('defconf: fasttrack'));
    });

    it('reports a block rule below the fasttrack rule as misplaced, and moves it', async () => {
      const { adapter, endpoint } = await setup('6.49');
      const a = await admin(endpoint);
      await withoutIpsec(a);
      const accept = (
        await a.write({
          command: '/ip/firewall/filter/print',
          queries: ['?comment=defconf: accept established,related, untracked'],
        })
      ).rows[0]!;
      // Where an older iocwall put it: right above `accept established`, below fasttrack.
      await a.write({
        command: '/ip/firewall/filter/add',
        attributes: {
          chain: 'forward',
          action: 'drop',
          'dst-address-list': LIST,
          comment: RULE4,
          'place-before': accept['.id']!,
        },
      });
      const o = await adapter.read();
      expect(o.rules[0]).toMatchObject({ name: RULE4, positionOk: false });
      const d = v4Only(desired([], [], []));
      const rule = d.rules[0]!;
      await adapter.apply(
        [{ kind: 'rule', op: 'move', ruleId: rule.id, name: rule.name, rule, reasons: ['order'] }],
        d,
      );
      const order = await forward(a);
      expect(order.indexOf(RULE4)).toBeLessThan(order.indexOf('defconf: fasttrack'));
      expect((await adapter.read()).rules[0]).toMatchObject({ positionOk: true });
    });
  });
});
