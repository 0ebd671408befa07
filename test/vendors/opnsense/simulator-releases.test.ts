/**
 * The simulator plays releases as opnsense/core does at its tags (firmware-fidelity.md O1–O8 and §5),
 * asked directly over its API.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  IOCWALL_PRIVILEGES,
  type OpnsenseSimulatorOptions,
} from '../../../src/vendors/opnsense/simulator/index.js';
import { raw, rowsOf, startSim, type Running } from './helpers.js';

const running: Running[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((x) => x.sim.stop()));
});

async function sim(options: OpnsenseSimulatorOptions): Promise<Running> {
  const r = await startSim(options);
  running.push(r);
  return r;
}

/** Adds a rule and returns its uuid. */
async function addRule(r: Running, rule: Record<string, string>): Promise<string> {
  const res = await raw(r.ep, 'POST', '/api/firewall/filter/add_rule', { body: { rule } });
  return res.body.uuid as string;
}

const descriptions = (rows: Record<string, unknown>[]): string[] =>
  rows.filter((x) => x.legacy !== true).map((x) => String(x.description));

describe('simulator: releases', () => {
  it('rejects a release it does not play', async () => {
    await expect(sim({ version: '24.7.3' })).rejects.toThrow(/not played/);
  });

  for (const [version, floatingOnly] of [
    ['25.7.5', true],
    ['26.1.0', true],
    ['26.1.1', false],
  ] as const) {
    it(`O1 ${version}: search_rule without interface lists ${floatingOnly ? 'floating rules only' : 'every rule'}`, async () => {
      const r = await sim({ version });
      await addRule(r, { interface: 'lan', description: 'on lan' });
      await addRule(r, { interface: '', description: 'floating' });
      const plain = rowsOf(await raw(r.ep, 'POST', '/api/firewall/filter/search_rule', { body: {} }));
      expect(descriptions(plain).sort()).toEqual(floatingOnly ? ['floating'] : ['floating', 'on lan']);
      const lan = rowsOf(
        await raw(r.ep, 'POST', '/api/firewall/filter/search_rule', { body: { interface: 'lan' } }),
      );
      expect(descriptions(lan)).toEqual(['on lan']);
      const all = rowsOf(
        await raw(r.ep, 'POST', '/api/firewall/filter/search_rule', {
          body: { interface: 'lan', show_all: '1' },
        }),
      );
      expect(descriptions(all)).toEqual(['floating', 'on lan']); // floating group first
      expect(all.some((x) => x.legacy === true)).toBe(true);
    });
  }

  it('O4: move_rule_before across priority groups is a 500 UserException; within one it renumbers', async () => {
    const r = await sim({ version: '26.1.9' });
    const lan = await addRule(r, { interface: 'lan', sequence: '10', description: 'lan' });
    const lan2 = await addRule(r, { interface: 'lan', sequence: '20', description: 'lan2' });
    const floating = await addRule(r, { interface: 'lan,opt1', sequence: '5', description: 'floating' });
    const cross = await raw(r.ep, 'POST', `/api/firewall/filter/move_rule_before/${lan}/${floating}`, {
      body: {},
    });
    expect(cross.status).toBe(500);
    expect(cross.body).toMatchObject({
      errorTitle: 'Filter',
      errorMessage: "Cannot move 'Interface Rule' before 'Floating Rule'.",
    });
    const same = await raw(r.ep, 'POST', `/api/firewall/filter/move_rule_before/${lan2}/${lan}`, {
      body: {},
    });
    expect(same.body).toEqual({ status: 'ok' });
    const rows = rowsOf(await raw(r.ep, 'POST', '/api/firewall/filter/search_rule', { body: {} }));
    expect(descriptions(rows)).toEqual(['floating', 'lan2', 'lan']);
    const unknown = await raw(r.ep, 'POST', `/api/firewall/filter/move_rule_before/${lan}/nope`, {
      body: {},
    });
    expect(unknown.status).toBe(500);
  });

  it("O5: iocwall's key gets exactly its privileges: firmware/info is 403, aliases and rules are not", async () => {
    const user = { key: 'k0123456789', secret: 's0123456789', privileges: IOCWALL_PRIVILEGES };
    const r = await sim({ users: [user] });
    const auth = { key: user.key, secret: user.secret };
    expect((await raw(r.ep, 'GET', '/api/core/firmware/info', { auth })).status).toBe(403);
    expect((await raw(r.ep, 'POST', '/api/firewall/alias/search_item', { auth, body: {} })).status).toBe(200);
    expect((await raw(r.ep, 'POST', '/api/firewall/filter/search_rule', { auth, body: {} })).status).toBe(
      200,
    );
    expect((await raw(r.ep, 'GET', '/api/unbound/settings/get', { auth })).status).toBe(200);
    expect((await raw(r.ep, 'GET', '/api/core/firmware/info')).status).toBe(200); // the administrator
  });

  it('O2 25.7.11: the single-object set answers saved and changes nothing', async () => {
    const r = await sim({ version: '25.7.11' });
    const set = await raw(r.ep, 'POST', '/api/unbound/settings/set', {
      body: { unbound: { dnsbl: { enabled: '1', wildcards: 'evil.example' } } },
    });
    expect(set.body).toEqual({ result: 'saved' });
    await raw(r.ep, 'POST', '/api/unbound/service/dnsbl', { body: {} });
    expect(r.sim.dnsBlocked('evil.example')).toBe(false);
    expect((await raw(r.ep, 'GET', '/api/unbound/settings/get')).body.unbound.dnsbl).toEqual({
      blocklist: {},
    });
    const old = await sim({ version: '25.7.5' });
    expect((await raw(old.ep, 'POST', '/api/unbound/settings/search_dnsbl', { body: {} })).status).toBe(404);
  });

  it('O3: the upgrade past 25.7.7 moves the single DNSBL into a policy named default', async () => {
    const r = await sim({ version: '25.7.7' });
    await raw(r.ep, 'POST', '/api/unbound/settings/set', {
      body: {
        unbound: { dnsbl: { enabled: '1', wildcards: 'evil.example', whitelists: 'ok\\.evil\\.example' } },
      },
    });
    r.sim.upgrade('25.7.8');
    const rows = rowsOf(await raw(r.ep, 'POST', '/api/unbound/settings/search_dnsbl', { body: {} }));
    expect(rows).toEqual([
      expect.objectContaining({
        description: 'default',
        enabled: '1',
        wildcards: 'evil.example',
        allowlists: 'ok\\.evil\\.example',
      }),
    ]);
    expect(r.sim.dnsBlocked('a.evil.example')).toBe(true);
    expect(r.sim.dnsBlocked('ok.evil.example')).toBe(false);
    expect(() => r.sim.upgrade('25.7.5')).toThrow(/downgrade/);
  });

  it('O6: reconfigure answers ok while the detached refresh holds the lock; its load error is only logged', async () => {
    let skew = 0;
    const r = await sim({
      version: '26.1.9',
      tableEntriesLimit: 2,
      clock: () => 1_000_000 + skew,
      costs: { refreshBaseMs: 1_000 },
    });
    await raw(r.ep, 'POST', '/api/firewall/alias/add_item', {
      body: { alias: { name: 'big', type: 'network', content: '192.0.2.1\n192.0.2.2\n192.0.2.3' } },
    });
    await raw(r.ep, 'POST', '/api/firewall/filter/apply', { body: {} });
    expect((await raw(r.ep, 'POST', '/api/firewall/alias/reconfigure', { body: {} })).body).toEqual({
      status: 'ok',
    });
    skew += 2_000;
    expect(r.sim.systemLog.join('\n')).toMatch(/Error loading alias \[big\]: Cannot allocate memory/);
    const again = await raw(r.ep, 'POST', '/api/firewall/alias/reconfigure', { body: {} });
    expect(again.status).toBe(500);
    expect(again.body).toMatchObject({ errorTitle: 'Alias', errorMessage: expect.stringMatching(/\[big\]/) });
  });

  it('O7: alias_util/list of a table too big for PHP is a 500', async () => {
    const r = await sim({ costs: { listMaxEntries: 2 } });
    await raw(r.ep, 'POST', '/api/firewall/alias/add_item', {
      body: { alias: { name: 'big', type: 'network', content: '192.0.2.1\n192.0.2.2\n192.0.2.3' } },
    });
    await raw(r.ep, 'POST', '/api/firewall/alias/reconfigure', { body: {} });
    expect((await raw(r.ep, 'POST', '/api/firewall/alias_util/list/big', { body: {} })).status).toBe(500);
  });

  it('O8: an alias named anywhere in the configuration is in use', async () => {
    const r = await sim({});
    const add = await raw(r.ep, 'POST', '/api/firewall/alias/add_item', {
      body: { alias: { name: 'natted', type: 'host', content: '192.0.2.1' } },
    });
    r.sim.addConfigReference({ section: 'nat.rule', text: 'rdr to natted' });
    const del = await raw(r.ep, 'POST', `/api/firewall/alias/del_item/${add.body.uuid as string}`, {
      body: {},
    });
    expect(del.status).toBe(500);
    expect(del.body).toMatchObject({
      errorTitle: 'Alias in use',
      errorMessage: expect.stringMatching(/nat\.rule/),
    });
  });

  it('DNS: blocks A, AAAA, CNAME and HTTPS in any case; other types resolve; nxdomain off answers 0.0.0.0', async () => {
    const r = await sim({});
    for (const [wildcards, nxdomain] of [
      ['nx.example', '1'],
      ['zero.example', '0'],
    ])
      await raw(r.ep, 'POST', '/api/unbound/settings/add_dnsbl', {
        body: { blocklist: { wildcards, nxdomain, description: wildcards } },
      });
    await raw(r.ep, 'POST', '/api/unbound/service/dnsbl', { body: {} });
    expect(r.sim.dnsAnswer('A.NX.Example', 'HTTPS')).toEqual({ rcode: 'NXDOMAIN' });
    expect(r.sim.dnsAnswer('a.nx.example', 'MX')).toBeUndefined();
    expect(r.sim.dnsAnswer('b.zero.example', 'A')).toEqual({ rcode: 'NOERROR', addresses: ['0.0.0.0'] });
    expect(r.sim.dnsAnswer('b.zero.example', 'AAAA')).toEqual({ rcode: 'NOERROR', addresses: [] });
  });

  it('treats invalid non-empty JSON as an empty POST (only an empty body is a 400)', async () => {
    const r = await sim({});
    const res = await raw(r.ep, 'POST', '/api/firewall/alias/search_item', { rawBody: '{not json' });
    expect(res.status).toBe(200);
  });
});
