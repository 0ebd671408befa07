/**
 * The SFOS client against the simulator: statuses read from the XML (HTTP is 200 for every API answer),
 * per release; values escaped; the read-only transport refuses writes before sending.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ReadOnlyViolationError, VendorError } from '../../../src/errors.js';
import { isZeroRecords } from '../../../src/vendors/sophos/client.js';
import { RELEASES, SFOS_RELEASES } from '../../../src/vendors/sophos/simulator/releases.js';
import type { SophosSimulator } from '../../../src/vendors/sophos/simulator/simulator.js';
import { buildXml, parseXml, wellFormed } from '../../../src/vendors/sophos/xml.js';
import { client, startSim } from './helpers.js';

const sims: SophosSimulator[] = [];
afterEach(async () => {
  for (const s of sims.splice(0)) await s.stop();
});
async function sim(...args: Parameters<typeof startSim>): Promise<SophosSimulator> {
  const s = await startSim(...args);
  sims.push(s);
  return s;
}

/** The status code of a rejected promise's VendorError. */
async function codeOf(p: Promise<unknown>): Promise<number | undefined> {
  try {
    await p;
  } catch (err) {
    if (err instanceof VendorError) return err.details.status;
    throw err;
  }
  throw new Error('expected a failure');
}

describe('src/vendors/sophos/client', () => {
  for (const release of SFOS_RELEASES) {
    it(`${release}: login, APIVersion, zero records, and the write statuses`, async () => {
      const s = await sim(release);
      const c = await client(s);
      expect(await c.login()).toBe(RELEASES[release].apiVersion);
      // Zero records is a code-less Status whose text differs by release: read as empty.
      expect(await c.get('IPHostGroup')).toEqual([]);
      await c.set('add', 'IPHost', { Name: 'h1', IPFamily: 'IPv4', HostType: 'IP', IPAddress: '192.0.2.1' });
      expect(
        await codeOf(c.set('add', 'IPHost', { Name: 'h1', HostType: 'IP', IPAddress: '192.0.2.2' })),
      ).toBe(502);
      expect(
        await codeOf(c.set('add', 'IPHost', { Name: 'h2', HostType: 'IP', IPAddress: '300.1.1.1' })),
      ).toBe(501);
      expect(await codeOf(c.set('add', 'IPHostGroup', { Name: 'g', HostList: { Host: ['nope'] } }))).toBe(
        501,
      );
      await c.set('add', 'IPHostGroup', { Name: 'g', HostList: { Host: ['h1'] } });
      // Delete of an object in use: nothing deleted, 504 by default.
      const [inUse] = await c.remove('IPHost', ['h1']);
      expect(inUse?.code).toBe(504);
      expect(await c.get('IPHost')).toHaveLength(release === '22.0' ? 2 : 1); // + apiconfig_1 on 22.0
      c.close();
    });
  }

  it('maps the top-level refusals: API off (532), client IP not allowed (534), bad credentials', async () => {
    const s = await sim('21.5');
    const c = await client(s);
    s.state.api.enabled = false;
    await expect(c.login()).rejects.toThrow(/API is not enabled/);
    expect(await codeOf(c.login())).toBe(532);
    s.state.api.enabled = true;
    s.state.api.allowedIps = ['192.0.2.99'];
    await expect(c.login()).rejects.toThrow(/allow-list/);
    expect(await codeOf(c.login())).toBe(534);
    s.state.api.allowedIps = ['127.0.0.1'];
    const bad = await client(s, 'iocwall', 'wrong');
    await expect(bad.get('IPHost')).rejects.toThrow(/authentication failed/);
    c.close();
    bad.close();
  });

  it('22.0: the allow-list is IP host objects; without a matching one the API refuses (534)', async () => {
    const s = await sim('22.0');
    const c = await client(s);
    const hosts = await c.get('IPHost');
    expect(hosts.map((h) => h.Name)).toEqual([['apiconfig_1']]);
    s.state.api.allowedHosts = [];
    expect(await codeOf(c.login())).toBe(534);
    c.close();
  });

  it('541 for a rule selecting more than 1024 objects', async () => {
    const s = await sim('22.0');
    const c = await client(s);
    for (let i = 0; i < 1025; i++)
      s.state.objects.IPHost.set(`n${i}`, {
        Name: `n${i}`,
        IPFamily: 'IPv4',
        HostType: 'IP',
        IPAddress: '192.0.2.1',
      });
    const rule = {
      Name: 'big',
      IPFamily: 'IPv4',
      Status: 'Enable',
      Position: 'Top',
      NetworkPolicy: {
        Action: 'Drop',
        DestinationNetworks: { Network: [...Array(1025).keys()].map((i) => `n${i}`) },
      },
    };
    expect(await codeOf(c.set('add', 'FirewallRule', rule))).toBe(541);
    c.close();
  });

  it('escapes <, & and quotes in every value and reads them back unchanged', async () => {
    const s = await sim('22.0');
    const c = await client(s);
    const text = `a<b & "c" 'd' &amp; ]]> &e;`;
    await c.set('add', 'IPHost', { Name: 'esc', HostType: 'IP', IPAddress: '192.0.2.5', Description: text });
    const [h] = await c.get('IPHost').then((all) => all.filter((x) => (x.Name as string[])[0] === 'esc'));
    expect(h?.Description).toBe(text);
    // The password of the helpers has <, &, quotes: the login itself proves the escaping.
    expect(await c.login()).toBe('2200.1');
    c.close();
  });

  it('the XML layer: escaped output, no entity expansion, no coercion, truncated input refused', () => {
    expect(buildXml({ A: { '@_x': '"&<', B: `<&>'"` } })).toBe(
      '<A x="&quot;&amp;&lt;"><B>&lt;&amp;&gt;&apos;&quot;</B></A>',
    );
    expect(() => parseXml('<!DOCTYPE a [<!ENTITY e "boom">]><a>&e;</a>')).toThrow();
    expect(parseXml('<a><b>0123</b><c>&e;&#65;&lt;</c></a>')).toEqual({ a: { b: '0123', c: '&e;A<' } });
    expect(wellFormed('<Request><Login><Username>u</Username><Password>p')).toBe(false);
    expect(isZeroRecords('Number of records Zero.')).toBe(true);
    expect(isZeroRecords('No. of records Zero.')).toBe(true);
    expect(isZeroRecords('Transaction fail')).toBe(false);
  });

  it('a read-only transport refuses Set and Remove before sending', async () => {
    const s = await sim('22.0');
    const c = await client(s, undefined, undefined, true);
    const before = s.writeRequests;
    await expect(c.set('add', 'IPHost', { Name: 'x' })).rejects.toBeInstanceOf(ReadOnlyViolationError);
    await expect(c.remove('IPHost', ['x'])).rejects.toBeInstanceOf(ReadOnlyViolationError);
    expect(await c.get('IPHost')).toHaveLength(1);
    expect(s.writeRequests).toBe(before);
    c.close();
  });
});
