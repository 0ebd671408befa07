/**
 * Conformance of the OPNsense simulator with vendor-opnsense.md §1–§5 (transport, errors, aliases,
 * runtime tables, rules), over real loopback HTTPS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RO, raw, rowsOf, startSim, type Running } from './helpers.js';

let r: Running;
beforeAll(async () => {
  r = await startSim({ version: '26.1', tableEntriesLimit: 10 });
});
afterAll(async () => r.sim.stop());

/** Adds an alias and returns its uuid. */
async function addAlias(alias: Record<string, string>): Promise<string> {
  const res = await raw(r.ep, 'POST', '/api/firewall/alias/add_item', { body: { alias } });
  expect(res.body.result).toBe('saved');
  return res.body.uuid as string;
}

describe('src/vendors/opnsense/simulator: transport and errors (§1, §2)', () => {
  it('answers 404 Endpoint not found for unknown routes before checking credentials', async () => {
    const res = await raw(r.ep, 'GET', '/api/firewall/alias/no_such_action', { auth: null });
    expect(res).toEqual({ status: 404, body: { errorMessage: 'Endpoint not found' } });
    const tooFew = await raw(r.ep, 'POST', '/api/firewall/alias/set_item', { auth: null, body: {} });
    expect(tooFew.status).toBe(404);
  });

  it('answers 401 and 403 with the exact bodies', async () => {
    const bad = await raw(r.ep, 'GET', '/api/firewall/alias/search_item', {
      auth: { key: 'x', secret: 'y' },
    });
    expect(bad).toEqual({ status: 401, body: { status: 401, message: 'Authentication Failed' } });
    const none = await raw(r.ep, 'GET', '/api/firewall/alias/search_item', { auth: null });
    expect(none.status).toBe(401);
    const ro = await raw(r.ep, 'POST', '/api/firewall/alias/add_item', { auth: RO, body: { alias: {} } });
    expect(ro).toEqual({ status: 403, body: { status: 403, message: 'Forbidden' } });
    const roRead = await raw(r.ep, 'GET', '/api/firewall/alias/search_item', { auth: RO });
    expect(roRead.status).toBe(200);
  });

  it('answers 400 Invalid JSON syntax for an empty JSON body', async () => {
    const res = await raw(r.ep, 'POST', '/api/firewall/alias/reconfigure', { rawBody: '' });
    expect(res).toEqual({ status: 400, body: { status: 400, message: 'Invalid JSON syntax' } });
  });

  it('routes camelCase and snake_case to the same action', async () => {
    const a = await raw(r.ep, 'GET', '/api/firewall/alias/searchItem');
    const b = await raw(r.ep, 'GET', '/api/firewall/alias/search_item');
    expect(a.status).toBe(200);
    expect(a.body.total).toBe(b.body.total);
    const uuid = await addAlias({ name: 'camel_case', type: 'host', content: '10.1.1.1' });
    const byName = await raw(r.ep, 'GET', '/api/firewall/alias/getAliasUUID/camel_case');
    expect(byName.body).toEqual({ uuid });
    const unknown = await raw(r.ep, 'GET', '/api/firewall/alias/get_alias_u_u_i_d/nope');
    expect(unknown.body).toEqual([]);
  });

  it('answers a GET on a mutating action with 200 result failed and changes nothing', async () => {
    const res = await raw(r.ep, 'GET', '/api/firewall/alias/add_item');
    expect(res).toEqual({ status: 200, body: { result: 'failed' } });
  });
});

describe('src/vendors/opnsense/simulator: aliases (§3)', () => {
  it('returns validation failures as HTTP 200 result failed, several messages as an array', async () => {
    await addAlias({ name: 'taken', type: 'network', content: '10.0.0.0/8' });
    const dup = await raw(r.ep, 'POST', '/api/firewall/alias/add_item', {
      body: { alias: { name: 'taken', type: 'network', content: 'not-a-net' } },
    });
    expect(dup.status).toBe(200);
    expect(dup.body.result).toBe('failed');
    expect(dup.body.validations['alias.name']).toBe('An alias with this name already exists.');
    expect(dup.body.validations['alias.content']).toBe('Entry "not-a-net" is not a network.');
    const bad = await raw(r.ep, 'POST', '/api/firewall/alias/add_item', {
      body: { alias: { name: 'a'.repeat(32), type: 'nope' } },
    });
    expect(bad.body.validations['alias.name']).toMatch(/less than 32 characters/);
    expect(bad.body.validations['alias.type']).toBeDefined();
    const reserved = await raw(r.ep, 'POST', '/api/firewall/alias/add_item', {
      body: { alias: { name: 'bogons', type: 'host' } },
    });
    expect(reserved.body.validations['alias.name']).toBe('An alias with this name already exists.');
    const keyword = await raw(r.ep, 'POST', '/api/firewall/alias/add_item', {
      body: { alias: { name: 'any', type: 'host' } },
    });
    expect(keyword.body.result).toBe('failed');
    const noType = await raw(r.ep, 'POST', '/api/firewall/alias/add_item', {
      body: { alias: { name: 'typeless' } },
    });
    expect(noType.body.validations['alias.type']).toBeDefined();
  });

  it('stores values as strings, ignores unknown keys, applies partial updates', async () => {
    const uuid = await addAlias({ name: 'partial', type: 'host', content: '10.2.2.2', description: 'one' });
    const upd = await raw(r.ep, 'POST', `/api/firewall/alias/set_item/${uuid}`, {
      body: { alias: { description: 'two', bogus: 'x', counters: 1 } },
    });
    expect(upd.body).toEqual({ result: 'saved' });
    const rows = (await raw(r.ep, 'GET', '/api/firewall/alias/search_item?searchPhrase=partial')).body.rows;
    expect(rows[0]).toMatchObject({
      name: 'partial',
      content: '10.2.2.2',
      description: 'two',
      counters: '1',
      type: 'host',
    });
    expect(rows[0]).not.toHaveProperty('bogus');
    expect(rows[0]['%type']).toBe('Host(s)');
  });

  it('upserts on an unknown well-formed uuid and fails on a malformed one', async () => {
    const uuid = '0b9a1f6e-1111-4222-8333-944455556666';
    const res = await raw(r.ep, 'POST', `/api/firewall/alias/set_item/${uuid}`, {
      body: { alias: { name: 'upserted', type: 'host', content: '10.3.3.3' } },
    });
    expect(res.body).toEqual({ result: 'saved' });
    expect((await raw(r.ep, 'GET', '/api/firewall/alias/get_alias_u_u_i_d/upserted')).body).toEqual({ uuid });
    const bad = await raw(r.ep, 'POST', '/api/firewall/alias/set_item/not-a-uuid', { body: { alias: {} } });
    expect(bad.body).toEqual({ result: 'failed' });
  });

  it('get_item content lists every other alias name with selected 0', async () => {
    const uuid = await addAlias({ name: 'quirk', type: 'network', content: '192.0.2.0/24\n198.51.100.7' });
    const item = (await raw(r.ep, 'GET', `/api/firewall/alias/get_item/${uuid}`)).body.alias;
    const selected = Object.entries(item.content as Record<string, { selected: number }>)
      .filter(([, v]) => v.selected === 1)
      .map(([k]) => k);
    expect(selected.sort()).toEqual(['192.0.2.0/24', '198.51.100.7']);
    expect(item.content.bogons).toMatchObject({ selected: 0 });
    expect(item.content.taken).toMatchObject({ selected: 0 });
    expect(item.type.network).toEqual({ value: 'Network(s)', selected: 1 });
    const search = (await raw(r.ep, 'GET', '/api/firewall/alias/search_item?searchPhrase=quirk')).body
      .rows[0];
    expect(search.content).toBe('192.0.2.0/24\n198.51.100.7');
  });

  it('keeps configuration and runtime apart until reconfigure; alias_util writes both', async () => {
    await addAlias({ name: 'runtime_t', type: 'network', content: '203.0.113.0/24' });
    const list = async (): Promise<string[]> =>
      rowsOf(await raw(r.ep, 'POST', '/api/firewall/alias_util/list/runtime_t', { body: {} })).map(
        (x) => x.ip as string,
      );
    expect(await list()).toEqual([]);
    expect((await raw(r.ep, 'POST', '/api/firewall/alias/reconfigure', { body: {} })).body).toEqual({
      status: 'ok',
    });
    expect(await list()).toEqual(['203.0.113.0/24']);
    const add = await raw(r.ep, 'POST', '/api/firewall/alias_util/add/runtime_t', {
      body: { address: '198.51.100.9' },
    });
    expect(add.body).toEqual({ status: 'done' });
    expect(await list()).toContain('198.51.100.9');
    const cfg = (await raw(r.ep, 'GET', '/api/firewall/alias/search_item?searchPhrase=runtime_t')).body
      .rows[0];
    expect((cfg.content as string).split('\n')).toContain('198.51.100.9');
    expect(
      (await raw(r.ep, 'POST', '/api/firewall/alias_util/add/runtime_t', { body: { address: 'x y' } })).body,
    ).toEqual({
      status: 'not_an_address',
    });
    expect(
      (await raw(r.ep, 'POST', '/api/firewall/alias_util/add/ghost', { body: { address: '1.2.3.4' } })).body,
    ).toEqual({
      status: 'failed',
      status_msg: 'nonexistent alias ghost',
    });
    await raw(r.ep, 'POST', '/api/firewall/alias_util/flush/runtime_t', { body: {} });
    expect(await list()).toEqual([]);
    expect(
      (await raw(r.ep, 'GET', '/api/firewall/alias/search_item?searchPhrase=runtime_t')).body.rows[0].content,
    ).toContain('203.0.113.0/24');
  });

  it('refuses to delete an alias a rule uses (500 Alias in use)', async () => {
    const uuid = await addAlias({ name: 'in_use', type: 'network', content: '192.0.2.0/24' });
    const rule = await raw(r.ep, 'POST', '/api/firewall/filter/add_rule', {
      body: {
        rule: { action: 'block', interface: 'lan', destination_net: 'in_use', description: 'uses it' },
      },
    });
    expect(rule.body.result).toBe('saved');
    const del = await raw(r.ep, 'POST', `/api/firewall/alias/del_item/${uuid}`, { body: {} });
    expect(del.status).toBe(500);
    expect(del.body).toMatchObject({ errorTitle: 'Alias in use', errorLevel: 'error' });
    expect(del.body.errorMessage).toMatch(/^Cannot delete alias in_use\. Currently in use by/);
    await raw(r.ep, 'POST', `/api/firewall/filter/del_rule/${rule.body.uuid as string}`, { body: {} });
    expect((await raw(r.ep, 'POST', `/api/firewall/alias/del_item/${uuid}`, { body: {} })).body).toEqual({
      result: 'deleted',
    });
    expect((await raw(r.ep, 'POST', `/api/firewall/alias/del_item/${uuid}`, { body: {} })).body).toEqual({
      result: 'not found',
    });
  });

  it('refuses a reconfigure that needs more than table-entries for old plus new', async () => {
    // The limit is 10 and earlier tests loaded a few entries; 12 new entries cannot fit.
    const content = Array.from({ length: 12 }, (_, i) => `10.9.0.${i}`).join('\n');
    await addAlias({ name: 'too_big', type: 'network', content });
    const res = await raw(r.ep, 'POST', '/api/firewall/alias/reconfigure', { body: {} });
    expect(res.status).toBe(500);
    const size = (await raw(r.ep, 'GET', '/api/firewall/alias/get_table_size')).body;
    expect(size).toMatchObject({ status: 'ok', size: 10 });
    expect(size.details.too_big).toBeUndefined();
  });
});

describe('src/vendors/opnsense/simulator: filter rules (§5)', () => {
  it('validates sequence, fills defaults, and lists legacy rows in 26.1.0 only with show_all', async () => {
    const bad = await raw(r.ep, 'POST', '/api/firewall/filter/add_rule', {
      body: { rule: { sequence: '0' } },
    });
    expect(bad.body.validations['rule.sequence']).toBe('Sequence shall be between 1 and 999999.');
    const okRule = await raw(r.ep, 'POST', '/api/firewall/filter/add_rule', {
      body: { rule: { description: 'defaults' } },
    });
    const got = (await raw(r.ep, 'GET', `/api/firewall/filter/get_rule/${okRule.body.uuid as string}`)).body
      .rule;
    expect(got).toMatchObject({
      action: 'pass',
      direction: 'in',
      ipprotocol: 'inet',
      quick: '1',
      sequence: '1',
      enabled: '1',
    });
    const plain = rowsOf(await raw(r.ep, 'POST', '/api/firewall/filter/search_rule', { body: {} }));
    expect(plain.some((x) => x.legacy === true)).toBe(false);
    const rows = rowsOf(
      await raw(r.ep, 'POST', '/api/firewall/filter/search_rule', { body: { show_all: '1' } }),
    );
    expect(rows.some((x) => x.legacy === true && x.description === 'Default allow LAN to any rule')).toBe(
      true,
    );
    expect((await raw(r.ep, 'POST', '/api/firewall/filter/apply', { body: {} })).body).toEqual({
      status: 'OK\n\n',
    });
  });
});
