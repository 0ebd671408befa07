import * as tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeSentence, SentenceDecoder } from '../../../src/vendors/mikrotik/protocol.js';
import type { MikrotikSimulator } from '../../../src/vendors/mikrotik/simulator/simulator.js';
import { attrs, raw, rawLogin, startSim, type RawSession } from './helpers.js';

let sim: MikrotikSimulator | undefined;
let session: RawSession | undefined;
afterEach(async () => {
  session?.destroy();
  await sim?.stop();
});

async function open(mode = '7.18', extra = {}): Promise<RawSession> {
  const s = await startSim({ firmware: mode, ...extra });
  sim = s.sim;
  session = await rawLogin(s.endpoint);
  return session;
}

describe('simulator: session', () => {
  it('answers !fatal with a bare reason word and closes before login', async () => {
    const s = await startSim({ firmware: '7.18' });
    sim = s.sim;
    session = await raw(s.endpoint);
    session.send(['/ip/firewall/address-list/print', '.tag=1']);
    expect(await session.next()).toEqual(['!fatal', 'not logged in']);
    await session.closed;
  });

  it('refuses a bad password with !trap then !done', async () => {
    const s = await startSim({ firmware: '7.18' });
    sim = s.sim;
    session = await raw(s.endpoint);
    session.send(['/login', '=name=admin', '=password=wrong', '.tag=a']);
    const out = await session.until('a');
    expect(out.map((x) => x[0])).toEqual(['!trap', '!done']);
    expect(attrs(out[0]!).message).toBe('invalid user name or password (6)');
    expect(sim.commandLog[0]!.attributes.password).toBe('***');
  });

  it('supports the pre-6.43 challenge login', async () => {
    const s = await startSim({ firmware: '6.49', legacyLogin: true });
    sim = s.sim;
    session = await raw(s.endpoint);
    session.send(['/login']);
    const challenge = attrs(await session.next()).ret!;
    expect(challenge).toMatch(/^[0-9a-f]{32}$/);
    const { createHash } = await import('node:crypto');
    const md5 = createHash('md5')
      .update(Buffer.from([0]))
      .update('secret')
      .update(Buffer.from(challenge, 'hex'))
      .digest('hex');
    session.send(['/login', '=name=admin', `=response=00${md5}`]);
    expect(await session.next()).toEqual(['!done']);
  });

  it('echoes .tag on every reply and ends /quit with !fatal', async () => {
    const s = await open();
    s.send(['/system/resource/print', '.tag=r1']);
    const out = await s.until('r1');
    expect(out.every((x) => x.includes('.tag=r1'))).toBe(true);
    expect(attrs(out[0]!).version).toBe('7.18 (stable)');
    s.send(['/quit']);
    expect(await s.next()).toEqual(['!fatal', 'session terminated on request']);
  });

  it('answers !empty then !done for a zero-row print in 7.18 mode', async () => {
    const s = await open('7.18');
    s.send(['/ip/firewall/address-list/print', '?list=none', '.tag=5']);
    expect(await s.until('5')).toEqual([
      ['!empty', '.tag=5'],
      ['!done', '.tag=5'],
    ]);
  });

  it('answers a bare !done for a zero-row print in 6.49 mode', async () => {
    const s = await open('6.49');
    s.send(['/ip/firewall/address-list/print', '?list=none', '.tag=5']);
    expect(await s.until('5')).toEqual([['!done', '.tag=5']]);
  });

  it('answers an unknown command with two traps (category 0) then !done', async () => {
    const s = await open();
    s.send(['/ip/adress/print', '.tag=u']);
    const out = await s.until('u');
    expect(out.map((x) => x[0])).toEqual(['!trap', '!trap', '!done']);
    expect(attrs(out[0]!)).toEqual({ category: '0', message: 'no such command or directory (adress)' });
    expect(attrs(out[1]!).message).toBe('no such command prefix');
  });

  it('interrupts queued commands on /cancel', async () => {
    const s = await open('7.18', { latencyMs: 50 });
    s.send(['/system/identity/print', '.tag=1']);
    s.send(['/system/identity/print', '.tag=2']);
    s.send(['/cancel', '=tag=2', '.tag=c']);
    const out = await s.until('c');
    expect(attrs(out.find((x) => x[0] === '!trap')!)).toEqual({ category: '2', message: 'interrupted' });
    expect(out.find((x) => x[0] === '!trap')).toContain('.tag=2');
  });
});

describe('simulator: address lists', () => {
  it('adds with =ret=*ID, refuses duplicates and unknown ids, normalises ranges, never reuses ids', async () => {
    const s = await open();
    const add = async (address: string, tag: string): Promise<string[][]> => {
      s.send([
        '/ip/firewall/address-list/add',
        '=list=bl',
        `=address=${address}`,
        '=comment=c1',
        `.tag=${tag}`,
      ]);
      return s.until(tag);
    };
    const first = await add('192.0.2.1', 'a');
    const id = attrs(first[0]!).ret!;
    expect(id).toMatch(/^\*[0-9A-F]+$/);
    const dup = await add('192.0.2.1', 'b');
    expect(dup.map((x) => x[0])).toEqual(['!trap', '!done']);
    expect(attrs(dup[0]!).message).toBe('failure: already have such entry');
    await add('192.168.0.0-192.168.1.255', 'c');
    s.send(['/ip/firewall/address-list/remove', `=.id=${id}`, '.tag=d']);
    await s.until('d');
    s.send(['/ip/firewall/address-list/remove', `=.id=${id}`, '.tag=e']);
    expect(attrs((await s.until('e'))[0]!).message).toBe('no such item (4)');
    const again = attrs((await add('192.0.2.1', 'f'))[0]!).ret!;
    expect(again).not.toBe(id);
    s.send(['/ip/firewall/address-list/print', '=.proplist=address', '?list=bl', '.tag=g']);
    expect((await s.until('g')).slice(0, -1).map((x) => attrs(x).address)).toEqual([
      '192.168.0.0/23',
      '192.0.2.1',
    ]);
  });

  it('evaluates ?# stack queries and .proplist', async () => {
    const s = await open();
    for (const [i, list] of ['a', 'b', 'c'].entries()) {
      s.send(['/ip/firewall/address-list/add', `=list=${list}`, `=address=198.51.100.${i + 1}`, `.tag=${i}`]);
      await s.until(String(i));
    }
    s.send(['/ip/firewall/address-list/print', '?list=a', '?list=b', '?#|', '=.proplist=list', '.tag=q']);
    expect((await s.until('q')).slice(0, -1)).toEqual([
      ['!re', '.tag=q', '=list=a'],
      ['!re', '.tag=q', '=list=b'],
    ]);
    s.send(['/ip/firewall/address-list/print', '?list=a', '?#!', '?-comment', '=.proplist=list', '.tag=r']);
    expect((await s.until('r')).slice(0, -1).map((x) => attrs(x).list)).toEqual(['b', 'c']);
    s.send(['/ip/firewall/address-list/print', '=count-only=', '.tag=n']);
    expect(attrs((await s.until('n'))[0]!).ret).toBe('3');
  });

  it('spawns dynamic children for FQDN entries and removes them with the parent', async () => {
    const s = await open();
    s.send(['/ip/firewall/address-list/add', '=list=f', '=address=example.org', '.tag=1']);
    const parent = attrs((await s.until('1'))[0]!).ret!;
    s.send(['/ip/firewall/address-list/print', '?list=f', '.tag=2']);
    const rows = (await s.until('2')).slice(0, -1).map(attrs);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({ dynamic: 'true', comment: 'example.org' });
    s.send(['/ip/firewall/address-list/remove', `=.id=${parent}`, '.tag=3']);
    await s.until('3');
    s.send(['/ip/firewall/address-list/print', '?list=f', '.tag=4']);
    expect((await s.until('4')).map((x) => x[0])).toEqual(['!empty', '!done']);
  });

  it('traps unknown parameters and a configured entry limit', async () => {
    const s = await open('7.18', { maxEntries: 1 });
    s.send(['/ip/firewall/address-list/add', '=list=x', '=address=192.0.2.9', '=bogus=1', '.tag=1']);
    expect(attrs((await s.until('1'))[0]!).message).toBe('unknown parameter bogus');
    s.send(['/ip/firewall/address-list/add', '=list=x', '=address=192.0.2.9', '.tag=2']);
    await s.until('2');
    s.send(['/ip/firewall/address-list/add', '=list=x', '=address=192.0.2.10', '.tag=3']);
    expect(attrs((await s.until('3'))[0]!).message).toMatch(/limit/);
  });
});

describe('simulator: rules and DNS', () => {
  it('places with one-shot place-before and reorders with move', async () => {
    const s = await open();
    s.send(['/ip/firewall/filter/print', '?chain=forward', '=.proplist=.id,action', '.tag=1']);
    const before = (await s.until('1')).slice(0, -1).map(attrs);
    const firstAccept = before.find((r) => r.action === 'accept')!['.id']!;
    s.send([
      '/ip/firewall/filter/add',
      '=chain=forward',
      '=action=drop',
      '=dst-address-list=bl',
      `=place-before=${firstAccept}`,
      '.tag=2',
    ]);
    const id = attrs((await s.until('2'))[0]!).ret!;
    s.send(['/ip/firewall/filter/print', '?chain=forward', '?dynamic=false', '=.proplist=.id', '.tag=3']);
    expect(attrs((await s.until('3'))[0]!)['.id']).toBe(id);
    s.send(['/ip/firewall/filter/move', `=numbers=${id}`, '.tag=4']); // no destination: to the end
    await s.until('4');
    s.send(['/ip/firewall/filter/print', '=.proplist=.id,place-before', '.tag=5']);
    const after = (await s.until('5')).slice(0, -1).map(attrs);
    expect(after.at(-1)).toEqual({ '.id': id });
  });

  it('stores DNS names lowercased; match-subdomain from 7.5 only, NXDOMAIN on every release', async () => {
    const s = await open('7.18');
    s.send(['/ip/dns/static/add', '=name=Evil.Example', '=type=NXDOMAIN', '=match-subdomain=yes', '.tag=1']);
    await s.until('1');
    s.send(['/ip/dns/static/print', '?type=NXDOMAIN', '.tag=2']);
    expect(attrs((await s.until('2'))[0]!)).toMatchObject({
      name: 'evil.example',
      'match-subdomain': 'true',
      ttl: '1d',
    });
    for (const release of ['6.49', '7.4'] as const) {
      session?.destroy();
      await sim!.stop();
      const old = await open(release);
      old.send([
        '/ip/dns/static/add',
        '=name=evil.example',
        '=type=NXDOMAIN',
        '=match-subdomain=yes',
        '.tag=3',
      ]);
      expect(attrs((await old.until('3'))[0]!)).toEqual({
        category: '1',
        message: 'unknown parameter match-subdomain',
      });
      old.send(['/ip/dns/static/add', '=regexp=^evil$', '=type=NXDOMAIN', '.tag=4']);
      expect((await old.until('4'))[0]![0]).toBe('!done');
    }
  });
});

describe('simulator: API-SSL', () => {
  it('speaks the same protocol over TLS with a self-signed certificate', async () => {
    const s = await startSim({ firmware: '7.18', tls: true });
    sim = s.sim;
    expect(s.endpoint).toMatch(/^tls:\/\/127\.0\.0\.1:\d+$/);
    const port = Number(s.endpoint.split(':').at(-1));
    const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false });
    await new Promise((resolve) => socket.once('secureConnect', resolve));
    expect(socket.getPeerCertificate().fingerprint256).toBe(s.fingerprint);
    const d = new SentenceDecoder();
    const got = new Promise<string[][]>((resolve) => socket.on('data', (c: Buffer) => resolve(d.push(c))));
    socket.write(encodeSentence(['/login', '=name=admin', '=password=secret', '.tag=1']));
    expect(await got).toEqual([['!done', '.tag=1']]);
    socket.destroy();
  });
});
