/** The simulator as each release and each user group makes it behave. */
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { mikrotikLab } from '../../../src/vendors/mikrotik/lab.js';
import { parseRelease } from '../../../src/vendors/mikrotik/releases.js';
import type { MikrotikSimulator } from '../../../src/vendors/mikrotik/simulator/simulator.js';
import { attrs, raw, startSim, type RawSession } from './helpers.js';

let sim: MikrotikSimulator | undefined;
const sessions: RawSession[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) s.destroy();
  await sim?.stop();
  sim = undefined;
});

async function login(endpoint: string, name: string, password: string): Promise<[RawSession, string[]]> {
  const s = await raw(endpoint);
  sessions.push(s);
  s.send(['/login', `=name=${name}`, `=password=${password}`, '.tag=l']);
  return [s, (await s.until('l')).map((x) => x.join(' '))];
}

describe('releases', () => {
  it('accepts every release of each range, with and without the ipv6 package on 6.x only', () => {
    for (const ok of [
      '6.47',
      '6.48.6',
      '6.49',
      '6.49.15+no-ipv6',
      '7.0',
      '7.4',
      '7.5',
      '7.17.2',
      '7.18',
      '7.20.1',
    ]) {
      expect(parseRelease(ok).firmware).toBe(ok);
    }
    for (const bad of ['6.46', '6.50', '7.4+no-ipv6', '5.26', 'latest', '']) {
      expect(() => parseRelease(bad)).toThrow(ConfigError);
    }
    expect(parseRelease('7.4')).toMatchObject({ matchSubdomain: false, emptyReply: false, ipv6: true });
    expect(parseRelease('7.5')).toMatchObject({ matchSubdomain: true, emptyReply: false });
    expect(parseRelease('7.18')).toMatchObject({ matchSubdomain: true, emptyReply: true });
    expect(parseRelease('6.49+no-ipv6')).toMatchObject({ ipv6: false, version: '6.49' });
    for (const range of mikrotikLab.firmware)
      expect(mikrotikLab.parseFirmware(range.example)).toBe(range.example);
  });

  it('without the ipv6 package every /ipv6 menu traps "no such command or directory (ipv6)"', async () => {
    const s = await startSim({ firmware: '6.48.6+no-ipv6' });
    sim = s.sim;
    const [session] = await login(s.endpoint, 'admin', 'secret');
    session.send(['/ipv6/firewall/address-list/print', '.tag=1']);
    const out = await session.until('1');
    expect(out.map((x) => x[0])).toEqual(['!trap', '!trap', '!done']);
    expect(attrs(out[0]!).message).toBe('no such command or directory (ipv6)');
    session.send(['/system/resource/print', '=.proplist=version', '.tag=2']);
    expect(attrs((await session.until('2'))[0]!).version).toBe('6.48.6 (long-term)');
  });

  it('ships the defconf forward chain: IPsec accepts, fasttrack, then accept established', async () => {
    const s = await startSim({ firmware: '7.18' });
    sim = s.sim;
    const forward = sim.router
      .table('/ip/firewall/filter')!
      .list()
      .filter((r) => r.chain === 'forward')
      .map((r) => `${r.dynamic === 'true' ? 'D ' : ''}${r.action}`);
    expect(forward).toEqual([
      'D passthrough',
      'accept',
      'accept',
      'fasttrack-connection',
      'accept',
      'drop',
      'drop',
    ]);
  });
});

describe('users and group policies', () => {
  const users = [
    { name: 'reader', password: 'r', policies: ['read', 'api'] },
    { name: 'noapi', password: 'n', policies: ['read', 'write', 'winbox'] },
  ];

  it('refuses an API login without the api policy, and writes without the write policy', async () => {
    const s = await startSim({ firmware: '7.18', users });
    sim = s.sim;
    const [, refused] = await login(s.endpoint, 'noapi', 'n');
    expect(refused[0]).toBe('!trap .tag=l =message=not enough permissions (9)');
    const [reader, ok] = await login(s.endpoint, 'reader', 'r');
    expect(ok).toEqual(['!done .tag=l']);
    reader.send(['/ip/firewall/address-list/print', '.tag=1']);
    expect((await reader.until('1')).at(-1)?.[0]).toBe('!done');
    reader.send(['/ip/firewall/address-list/add', '=list=x', '=address=192.0.2.1', '.tag=2']);
    const add = await reader.until('2');
    expect(attrs(add[0]!).message).toBe('not enough permissions (9)');
    expect(sim.router.table('/ip/firewall/address-list')!.size).toBe(0);
  });
});

describe('concurrent tagged commands', () => {
  it('runs commands concurrently: a short command overtakes a long silent scan', async () => {
    const s = await startSim({ firmware: '7.18', scanCostUs: 100 });
    sim = s.sim;
    const [session] = await login(s.endpoint, 'admin', 'secret');
    for (let i = 0; i < 3000; i++) {
      session.send([
        '/ip/firewall/address-list/add',
        '=list=big',
        `=address=10.0.${i >> 8}.${i & 255}`,
        `.tag=a${i}`,
      ]);
    }
    await session.until('a2999');
    session.send(['/ip/firewall/address-list/print', '?list=nothing', '.tag=scan']);
    session.send(['/system/identity/print', '.tag=quick']);
    const order: string[] = [];
    for (;;) {
      const sentence = await session.next();
      const tag = sentence.find((w) => w.startsWith('.tag='))?.slice(5);
      if (sentence[0] === '!done' && tag !== undefined) order.push(tag);
      if (order.length === 2) break;
    }
    expect(order).toEqual(['quick', 'scan']);
  });
});
