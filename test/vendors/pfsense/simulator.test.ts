/**
 * The pfSense simulator plays pfrest as released: ids that shift, validation with real defaults, the
 * 128-entry cap before 2.5.4, config vs running state, floating-before-interface evaluation, Unbound that
 * stops on a bad line while the API says applied, and a lost update between two writers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { queryDns } from '../../../src/vendors/simkit/dns-responder.js';
import { ADMIN, raw, startSim, type Json, type Running } from './helpers.js';

let r: Running | undefined;
afterEach(async () => {
  await r?.stop();
  r = undefined;
});

/** A JSON request as the administrator. */
async function call(
  run: Running,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Json }> {
  return raw(run.ep, method, `/api/v2/${path}`, {
    auth: ADMIN,
    headers: {
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

const net = (name: string, address: string[]): Record<string, unknown> => ({
  name,
  type: 'network',
  descr: '',
  address,
  detail: address.map(() => 'd'),
});

describe('pfSense simulator', () => {
  it('ids are array indexes that shift on delete; name is not editable', async () => {
    r = await startSim();
    await call(r, 'POST', 'firewall/alias', net('a_one', ['10.1.0.0/16']));
    await call(r, 'POST', 'firewall/alias', net('a_two', ['10.2.0.0/16']));
    expect((await raw(r.ep, 'GET', '/api/v2/firewall/alias?id=1', { auth: ADMIN })).body.data.name).toBe(
      'a_two',
    );
    await raw(r.ep, 'DELETE', '/api/v2/firewall/alias?id=0', { auth: ADMIN });
    expect((await raw(r.ep, 'GET', '/api/v2/firewall/alias?id=0', { auth: ADMIN })).body.data.name).toBe(
      'a_two',
    );
    const renamed = await call(r, 'PATCH', 'firewall/alias', {
      id: 0,
      name: 'a_one',
      address: [],
      detail: [],
    });
    expect(renamed.body.response_id).toBe('FIELD_VALUE_CHANGED_WHEN_NOT_EDITABLE');
  });

  it('validates aliases as pfrest and pfSense do', async () => {
    r = await startSim('2.8.1+pfrest-2.7.7');
    expect((await call(r, 'POST', 'firewall/alias', net('bare', ['192.0.2.1']))).body.response_id).toBe(
      'INVALID_NETWORK_ALIAS_ADDRESS',
    );
    const host = { ...net('h', ['192.0.2.0/24']), type: 'host' };
    expect((await call(r, 'POST', 'firewall/alias', host)).body.response_id).toBe(
      'INVALID_HOST_ALIAS_ADDRESS',
    );
    expect((await call(r, 'POST', 'firewall/alias', net('LAN', []))).body.response_id).toBe(
      'FILTER_NAME_VALIDATOR_RESERVED_NAME_USED',
    );
    expect((await call(r, 'POST', 'firewall/alias', net('bad-name', []))).body.response_id).toBe(
      'INVALID_FIREWALL_ALIAS_NAME',
    );
    const details = { ...net('d', ['192.0.2.0/24']), detail: ['a', 'b'] };
    expect((await call(r, 'POST', 'firewall/alias', details)).body.response_id).toBe(
      'TOO_MANY_ALIAS_DETAILS',
    );
    await r.stop();
    // v2.10.0 checks the characters itself first.
    r = await startSim('2.8.1+pfrest-2.10.0');
    expect((await call(r, 'POST', 'firewall/alias', net('bad-name', []))).body.response_id).toBe(
      'FILTER_NAME_VALIDATOR_INVALID_CHARACTERS',
    );
  });

  for (const [firmware, capped] of [
    ['2.7.2+pfrest-2.4.3', true],
    ['2.8.0+pfrest-2.5.3', true],
    ['2.8.0+pfrest-2.5.4', false],
  ] as const) {
    it(`${firmware}: a 129-entry alias is ${capped ? 'refused' : 'accepted'}`, async () => {
      r = await startSim(firmware);
      const address = Array.from({ length: 129 }, (_, i) => `10.0.${i}.0/24`);
      const res = await call(r, 'POST', 'firewall/alias', net('big', address));
      if (capped) {
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ response_id: 'LENGTH_VALIDATOR_MAXIMUM_CONSTRAINT', data: [] });
        expect(res.body.message).toBe('Field `address` exceeds the maximum array length of 128.');
      } else expect(res.status).toBe(200);
    });
  }

  it('rules: quick defaults to false and direction to any, null on non-floating rules; the alias must exist', async () => {
    r = await startSim();
    const base = { type: 'block', interface: ['LAN'], ipprotocol: 'inet', source: 'any' };
    expect((await call(r, 'POST', 'firewall/rule', { ...base, destination: 'nope' })).body.response_id).toBe(
      'FILTER_ADDRESS_FIELD_INVALID',
    );
    const floating = await call(r, 'POST', 'firewall/rule', { ...base, destination: 'any', floating: true });
    expect(floating.body.data).toMatchObject({
      quick: false,
      direction: 'any',
      floating: true,
      interface: ['LAN'],
    });
    const lan = await call(r, 'POST', 'firewall/rule', { ...base, destination: 'any' });
    expect(lan.body.data).toMatchObject({ quick: null, direction: null });
    const multi = await call(r, 'POST', 'firewall/rule', {
      ...base,
      destination: 'any',
      interface: ['LAN', 'GUEST'],
    });
    expect(multi.body.response_id).toBe('FIREWALL_RULE_MULTIPLE_INTERFACE_WITHOUT_FLOATING');
  });

  it('a floating block without quick loses to the LAN allow rule; with quick it wins', async () => {
    r = await startSim();
    await call(r, 'POST', 'firewall/alias', net('bad_v4', ['198.51.100.0/24']));
    const rule = {
      type: 'block',
      interface: ['LAN'],
      ipprotocol: 'inet',
      source: 'any',
      destination: 'bad_v4',
      floating: true,
      direction: 'in',
    };
    await call(r, 'POST', 'firewall/rule', rule);
    await call(r, 'POST', 'firewall/apply', { async: false });
    const pkt = { iface: 'lan', family: 'inet' as const, src: '192.168.1.9', dst: '198.51.100.4' };
    expect(r.sim.evaluate(pkt).action).toBe('pass');
    await call(r, 'POST', 'firewall/rule', { ...rule, quick: true });
    await call(r, 'POST', 'firewall/apply', { async: false });
    expect(r.sim.evaluate(pkt).action).toBe('block');
  });

  it('config vs running: alias writes mark aliases dirty, rule writes nothing (applied while stale)', async () => {
    r = await startSim();
    await call(r, 'POST', 'firewall/alias', net('bad_v4', ['198.51.100.0/24']));
    expect((await call(r, 'GET', 'firewall/apply')).body.data).toEqual({
      applied: false,
      pending_subsystems: ['aliases'],
    });
    await call(r, 'POST', 'firewall/apply', { async: false });
    expect((await call(r, 'GET', 'firewall/apply')).body.data).toEqual({
      applied: true,
      pending_subsystems: [],
    });
    await call(r, 'POST', 'firewall/rule', {
      type: 'block',
      interface: ['LAN'],
      ipprotocol: 'inet',
      source: 'any',
      destination: 'bad_v4',
      floating: true,
      quick: true,
    });
    expect((await call(r, 'GET', 'firewall/apply')).body.data.applied).toBe(true);
    expect(
      r.sim.evaluate({ iface: 'lan', family: 'inet', src: '192.168.1.9', dst: '198.51.100.4' }).action,
    ).toBe('pass');
  });

  it('the JSON decoder ignores the query string: ?async=false on a JSON POST stays asynchronous', async () => {
    r = await startSim(undefined, { latency: { filterReloadMs: 300 } });
    await call(r, 'POST', 'firewall/alias', net('bad_v4', ['198.51.100.0/24']));
    const res = await call(r, 'POST', 'firewall/apply?async=false', {});
    expect(res.body.data.applied).toBe(false);
  });

  it('Unbound stops on a custom line outside server: after a forward zone while the API says applied', async () => {
    r = await startSim(undefined, { forwarding: true });
    expect((await queryDns(r.ep.dns, 'example.org')).rcode).toBe('NOERROR');
    await call(r, 'PATCH', 'services/dns_resolver/settings', {
      custom_options: 'local-zone: "evil.example." always_nxdomain',
    });
    await call(r, 'POST', 'services/dns_resolver/apply', { async: false });
    expect((await call(r, 'GET', 'services/dns_resolver/apply')).body.data).toEqual({ applied: true });
    const services = (await call(r, 'GET', 'status/services')).body.data as {
      name: string;
      status: boolean;
    }[];
    expect(services.find((s) => s.name === 'unbound')?.status).toBe(false);
    // Nothing listens on the resolver port while Unbound is down.
    await expect(queryDns(r.ep.dns, 'example.org')).rejects.toThrow(/no DNS answer/);
    await call(r, 'PATCH', 'services/dns_resolver/settings', {
      custom_options: 'server:\nlocal-zone: "evil.example." always_nxdomain',
    });
    await call(r, 'POST', 'services/dns_resolver/apply', { async: false });
    expect((await queryDns(r.ep.dns, 'WWW.Evil.Example')).rcode).toBe('NXDOMAIN');
  });

  it('two overlapping writers: the later save loses the earlier change (lost update)', async () => {
    r = await startSim(undefined, { latency: { configWriteMs: 150 } });
    const [a, b] = await Promise.all([
      call(r, 'POST', 'firewall/alias', net('first', ['10.1.0.0/16'])),
      call(r, 'POST', 'firewall/alias', net('second', ['10.2.0.0/16'])),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(r.sim.state.config.aliases.map((x) => x.name)).toHaveLength(1);
  });

  it('live tables exist from pfrest 2.6.0, with a name field from 2.8.0', async () => {
    r = await startSim('2.8.1+pfrest-2.7.7');
    await call(r, 'POST', 'firewall/alias', net('t_v4', ['198.51.100.7/32']));
    await call(r, 'POST', 'firewall/apply', { async: false });
    const t = await raw(r.ep, 'GET', '/api/v2/diagnostics/table?id=t_v4', { auth: ADMIN });
    expect(t.body.data).toEqual({ id: 't_v4', entries: ['198.51.100.7'] });
    await r.stop();
    r = await startSim('2.8.1+pfrest-2.10.0');
    await call(r, 'POST', 'firewall/alias', net('t_v4', ['198.51.100.7/32']));
    await call(r, 'POST', 'firewall/apply', { async: false });
    expect(
      (await raw(r.ep, 'GET', '/api/v2/diagnostics/table?id=t_v4', { auth: ADMIN })).body.data.name,
    ).toBe('t_v4');
  });

  it('the least-privileged user is refused elsewhere with 403', async () => {
    r = await startSim();
    const res = await raw(r.ep, 'POST', '/api/v2/auth/key', {
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.body).toMatchObject({ code: 403, response_id: 'AUTH_AUTHORIZATION_FAILED' });
  });
});
