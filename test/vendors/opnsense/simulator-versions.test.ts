/**
 * Version differences of the OPNsense simulator (vendor-opnsense.md §6–§8): DNSBL shapes, savepoint and
 * rollback on an injected clock, search_rule legacy rows, UserException bodies.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { raw, rowsOf, startSim, type Running } from './helpers.js';

const running: Running[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((x) => x.sim.stop()));
});

/** Starts a simulator that the test cleans up. */
async function sim(options: Parameters<typeof startSim>[0]): Promise<Running> {
  const r = await startSim(options);
  running.push(r);
  return r;
}

describe('src/vendors/opnsense/simulator: versions', () => {
  it('reports exactly the release it plays', async () => {
    for (const version of ['25.7', '25.7.5', '25.7.11', '26.1.0', '26.1.9', '26.1.11', '26.7.2']) {
      const r = await sim({ version });
      expect((await raw(r.ep, 'GET', '/api/core/firmware/info')).body.product_version).toBe(version);
    }
  });

  it('25.7: single unbound.dnsbl object via settings/get|set, no policy endpoints, no errorLevel', async () => {
    const { ep, sim: s } = await sim({ version: '25.7' });
    expect((await raw(ep, 'GET', '/api/unbound/settings/search_dnsbl')).status).toBe(404);
    const set = await raw(ep, 'POST', '/api/unbound/settings/set', {
      body: {
        unbound: { dnsbl: { enabled: '1', wildcards: 'evil.example,bad.test', blocklists: 'exact.example' } },
      },
    });
    expect(set.body).toEqual({ result: 'saved' });
    const got = (await raw(ep, 'GET', '/api/unbound/settings/get')).body.unbound.dnsbl;
    expect(Object.keys(got.wildcards as object)).toEqual(['evil.example', 'bad.test']);
    const invalid = await raw(ep, 'POST', '/api/unbound/settings/set', {
      body: { unbound: { dnsbl: { wildcards: 'com' } } },
    });
    expect(invalid.body.validations['unbound.dnsbl.wildcards']).toBe('A valid domain must be specified.');
    expect(s.dnsBlocked('www.evil.example')).toBe(false);
    expect((await raw(ep, 'POST', '/api/unbound/service/dnsbl', { body: {} })).body).toEqual({
      status: 'OK\n\n',
    });
    expect(s.dnsBlocked('www.evil.example')).toBe(true);
    expect(s.dnsBlocked('evil.example')).toBe(true);
    expect(s.dnsBlocked('exact.example')).toBe(true);
    expect(s.dnsBlocked('sub.exact.example')).toBe(false);
    // UserException without errorLevel before 26.x
    await raw(ep, 'POST', '/api/firewall/alias/add_item', {
      body: { alias: { name: 'used', type: 'host', content: '10.0.0.1' } },
    });
    await raw(ep, 'POST', '/api/firewall/filter/add_rule', { body: { rule: { destination_net: 'used' } } });
    const uuid = (await raw(ep, 'GET', '/api/firewall/alias/get_alias_u_u_i_d/used')).body.uuid as string;
    const del = await raw(ep, 'POST', `/api/firewall/alias/del_item/${uuid}`, { body: {} });
    expect(del.status).toBe(500);
    expect(del.body).not.toHaveProperty('errorLevel');
    // legacy rows only with show_all=1
    const plain = rowsOf(await raw(ep, 'GET', '/api/firewall/filter/search_rule'));
    expect(plain.every((x) => x.legacy !== true)).toBe(true);
    const all = rowsOf(await raw(ep, 'GET', '/api/firewall/filter/search_rule?show_all=1'));
    expect(all.some((x) => x.legacy === true)).toBe(true);
  });

  it('26.1: DNSBL policies need a description; wildcards block subdomains after service/dnsbl', async () => {
    const { ep, sim: s } = await sim({ version: '26.1' });
    const noDesc = await raw(ep, 'POST', '/api/unbound/settings/add_dnsbl', {
      body: { blocklist: { wildcards: 'a.example' } },
    });
    expect(noDesc.body.validations['blocklist.description']).toMatch(/description should be provided/);
    const add = await raw(ep, 'POST', '/api/unbound/settings/add_dnsbl', {
      body: { blocklist: { wildcards: 'journalide.org', description: 'iocs' } },
    });
    expect(add.body.result).toBe('saved');
    const rows = (await raw(ep, 'POST', '/api/unbound/settings/search_dnsbl', { body: {} })).body.rows;
    expect(rows[0]).toMatchObject({
      wildcards: 'journalide.org',
      description: 'iocs',
      enabled: '1',
      cache_ttl: '72000',
    });
    expect(s.dnsBlocked('cdn.journalide.org')).toBe(false);
    await raw(ep, 'POST', '/api/unbound/service/dnsbl', { body: {} });
    expect(s.dnsBlocked('cdn.journalide.org')).toBe(true);
    expect(s.dnsBlocked('notjournalide.org')).toBe(false);
  });

  it('26.7: savepoint, cancelRollback and revert are gone (404)', async () => {
    const { ep } = await sim({ version: '26.7' });
    expect((await raw(ep, 'POST', '/api/firewall/filter/savepoint', { body: {} })).status).toBe(404);
    expect((await raw(ep, 'POST', '/api/firewall/filter/cancelRollback/1', { body: {} })).status).toBe(404);
    expect((await raw(ep, 'POST', '/api/firewall/filter/apply', { body: {} })).body).toEqual({
      status: 'OK\n\n',
    });
  });

  it('26.1: apply/{rev} rolls filter rules back after 60 s unless cancelled (injected clock)', async () => {
    let now = 1_718_000_000_000;
    const { ep } = await sim({ version: '26.1', clock: () => now });
    const rules = async (): Promise<string[]> =>
      rowsOf(await raw(ep, 'POST', '/api/firewall/filter/search_rule', { body: {} }))
        .filter((x) => x.legacy !== true)
        .map((x) => x.description as string);
    await raw(ep, 'POST', '/api/firewall/filter/add_rule', { body: { rule: { description: 'before' } } });
    const sp = (await raw(ep, 'POST', '/api/firewall/filter/savepoint', { body: {} })).body;
    // `revision->time` is `sprintf('%0.2f', microtime(true))`
    expect(sp).toMatchObject({ status: 'ok', revision: '1718000000.00' });
    await raw(ep, 'POST', '/api/firewall/filter/add_rule', { body: { rule: { description: 'risky' } } });
    expect(
      (await raw(ep, 'POST', `/api/firewall/filter/apply/${sp.revision as string}`, { body: {} })).body,
    ).toEqual({
      status: 'OK\n\n',
    });
    now += 59_000;
    expect(await rules()).toEqual(['before', 'risky']);
    now += 2_000;
    expect(await rules()).toEqual(['before']);

    // cancelled in time: kept
    const sp2 = (await raw(ep, 'POST', '/api/firewall/filter/savepoint', { body: {} })).body
      .revision as string;
    await raw(ep, 'POST', '/api/firewall/filter/add_rule', { body: { rule: { description: 'kept' } } });
    await raw(ep, 'POST', `/api/firewall/filter/apply/${sp2}`, { body: {} });
    // The timer script runs detached and creates its lock only once started: a cancel before that
    // stops nothing, and answers exactly as a cancel that did.
    expect((await raw(ep, 'POST', `/api/firewall/filter/cancelRollback/${sp2}`, { body: {} })).body).toEqual({
      status: '',
    });
    now += 1_000;
    expect((await raw(ep, 'POST', `/api/firewall/filter/cancelRollback/${sp2}`, { body: {} })).body).toEqual({
      status: '',
    });
    now += 120_000;
    expect(await rules()).toEqual(['before', 'kept']);

    // revert at once, unknown revisions answered as such
    expect((await raw(ep, 'POST', `/api/firewall/filter/revert/${sp2}`, { body: {} })).body).toEqual({
      status: 'ok',
    });
    expect(await rules()).toEqual(['before']);
    expect((await raw(ep, 'POST', '/api/firewall/filter/revert/1.0', { body: {} })).body).toEqual({
      status: 'unknown (or removed) savepoint',
    });
  });

  it('runs one rollback timer at a time', async () => {
    let now = 1_000_000;
    const { ep } = await sim({ version: '25.7', clock: () => now });
    const a = (await raw(ep, 'POST', '/api/firewall/filter/savepoint', { body: {} })).body.revision as string;
    await raw(ep, 'POST', '/api/firewall/filter/add_rule', { body: { rule: { description: 'one' } } });
    await raw(ep, 'POST', `/api/firewall/filter/apply/${a}`, { body: {} });
    now += 1;
    const b = (await raw(ep, 'POST', '/api/firewall/filter/savepoint', { body: {} })).body.revision as string;
    await raw(ep, 'POST', '/api/firewall/filter/add_rule', { body: { rule: { description: 'two' } } });
    await raw(ep, 'POST', `/api/firewall/filter/apply/${b}`, { body: {} });
    // Cancelling b does not stop a's timer: a still rolls back to before "one".
    await raw(ep, 'POST', `/api/firewall/filter/cancelRollback/${b}`, { body: {} });
    now += 61_000;
    const rows = rowsOf(await raw(ep, 'GET', '/api/firewall/filter/search_rule'));
    expect(rows).toEqual([]);
  });
});
