import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ReadOnlyViolationError, VendorError } from '../../../src/errors.js';
import {
  commandWords,
  connectRouterOs,
  RouterOsTrapError,
  type RouterOsClient,
  type RouterOsClientOptions,
} from '../../../src/vendors/mikrotik/client.js';
import { encodeSentence, parseSentence, SentenceDecoder } from '../../../src/vendors/mikrotik/protocol.js';
import type { MikrotikSimulator } from '../../../src/vendors/mikrotik/simulator/simulator.js';
import { startSim } from './helpers.js';

let sim: MikrotikSimulator | undefined;
let client: RouterOsClient | undefined;
const servers: net.Server[] = [];
afterEach(async () => {
  await client?.close();
  client = undefined;
  await sim?.stop();
  for (const s of servers.splice(0)) s.close();
});

function opts(endpoint: string, over: Partial<RouterOsClientOptions> = {}): RouterOsClientOptions {
  return {
    endpoint,
    username: 'admin',
    password: 'secret',
    timeoutMs: 3000,
    readOnly: false,
    target: 'mt1',
    ...over,
  };
}

async function connect(
  mode: '6.49' | '7.18',
  simOver = {},
  clientOver: Partial<RouterOsClientOptions> = {},
): Promise<RouterOsClient> {
  const s = await startSim({ firmware: mode, ...simOver });
  sim = s.sim;
  client = await connectRouterOs(opts(s.endpoint, clientOver));
  return client;
}

describe.each(['6.49', '7.18'] as const)('client against RouterOS %s replies', (mode) => {
  it('resolves a zero-row print with []', async () => {
    const c = await connect(mode);
    const reply = await c.write({ command: '/ip/firewall/address-list/print', queries: ['?list=nothing'] });
    expect(reply.rows).toEqual([]);
  });

  it('returns !done attributes (add → ret) and !re rows', async () => {
    const c = await connect(mode);
    const added = await c.write({
      command: '/ip/firewall/address-list/add',
      attributes: { list: 'bl', address: '192.0.2.7', comment: 'naïve – comment\nwith = signs' },
    });
    expect(added.done.ret).toMatch(/^\*[0-9A-F]+$/);
    const printed = await c.write({
      command: '/ip/firewall/address-list/print',
      attributes: { '.proplist': '.id,comment' },
      queries: ['?list=bl'],
    });
    expect(printed.rows).toEqual([{ '.id': added.done.ret, comment: 'naïve – comment\nwith = signs' }]);
  });
});

describe('client', () => {
  it('turns !trap into RouterOsTrapError with message and category, after !done', async () => {
    const c = await connect('7.18');
    const err = await c.write({ command: '/ip/adress/print' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RouterOsTrapError);
    expect(err).toMatchObject({ trapMessage: 'no such command or directory (adress)', category: 0 });
    // the connection is still in step: the next command gets its own reply
    expect((await c.write({ command: '/system/identity/print' })).rows).toEqual([{ name: 'MikroTik' }]);
  });

  it('logs in with the pre-6.43 challenge when /login answers =ret=', async () => {
    const c = await connect('6.49', { legacyLogin: true });
    expect((await c.write({ command: '/system/identity/print' })).rows).toHaveLength(1);
  });

  it('refuses bad credentials without leaking the password', async () => {
    const s = await startSim({ firmware: '7.18' });
    sim = s.sim;
    const err = (await connectRouterOs(opts(s.endpoint, { password: 'hunter2-wrong' })).catch(
      (e: unknown) => e,
    )) as VendorError;
    expect(err).toBeInstanceOf(VendorError);
    expect(err.message).toContain('invalid user name or password');
    expect(err.message).not.toContain('hunter2');
    expect(err.details).toMatchObject({ target: 'mt1', operation: 'login', transient: false });
  });

  it('reports an unreachable router as transient', async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r()));
    const err = (await connectRouterOs(opts(`tcp://127.0.0.1:${port}`)).catch(
      (e: unknown) => e,
    )) as VendorError;
    expect(err.details.transient).toBe(true);
  });

  it('pipelines: 1,000 adds keep many commands in flight on one connection', async () => {
    const c = await connect('7.18', { latencyMs: 5 });
    const cmds = Array.from({ length: 1000 }, (_, i) => ({
      command: '/ip/firewall/address-list/add',
      attributes: { list: 'bulk', address: `10.${(i >> 8) & 255}.${i & 255}.1` },
    }));
    const results = await c.writeMany(cmds, { window: 256 });
    expect(results.every((r) => r.ok)).toBe(true);
    expect(sim!.maxInFlight).toBeGreaterThan(100);
    expect(new Set(sim!.commandLog.map((l) => l.connection)).size).toBe(1);
  });

  it('a sequential client never has more than one command in flight (control)', async () => {
    const c = await connect('7.18');
    for (let i = 0; i < 5; i++) await c.write({ command: '/system/identity/print' });
    expect(sim!.maxInFlight).toBe(1);
  });

  it('read-only mode refuses writes before a byte is sent', async () => {
    const c = await connect('7.18', {}, { readOnly: true });
    await c.write({ command: '/ip/firewall/address-list/print' });
    await expect(
      c.write({ command: '/ip/firewall/address-list/add', attributes: { list: 'x', address: '192.0.2.1' } }),
    ).rejects.toBeInstanceOf(ReadOnlyViolationError);
    await expect(
      c.writeMany([
        { command: '/ip/firewall/filter/print' },
        { command: '/ip/firewall/filter/remove', attributes: { '.id': '*1' } },
      ]),
    ).rejects.toBeInstanceOf(ReadOnlyViolationError);
    const sent = sim!.commandLog.map((l) => l.command);
    expect(sent).toEqual(['/login', '/ip/firewall/address-list/print']);
  });

  it('id attributes: only *HEX items, comma lists allowed (batched removes), nothing else', () => {
    const words = (id: string) =>
      commandWords({ command: '/ip/firewall/filter/remove', attributes: { '.id': id } }, 't');
    expect(words('*1A,*2b')).toEqual(['/ip/firewall/filter/remove', '=.id=*1A,*2b']);
    for (const bad of ['1', '*G', '*1,', '*1, *2', '*1;*2', '*1,2', '', '*1\n']) {
      expect(() => words(bad)).toThrow(/bad id list/);
    }
  });

  it('refuses hostile words: id lists, attribute names, empty query words', async () => {
    const c = await connect('7.18');
    await expect(
      c.write({ command: '/ip/firewall/filter/remove', attributes: { '.id': '*1,*2 ' } }),
    ).rejects.toThrow(/id list/);
    await expect(
      c.write({ command: '/ip/firewall/filter/add', attributes: { 'comment=x': 'y' } }),
    ).rejects.toThrow(/attribute name/);
    await expect(c.write({ command: '/ip/firewall/filter/print', queries: ['?'] })).rejects.toThrow(/query/);
    await expect(c.write({ command: '/ip/dns/static/add', attributes: { comment: 'a\0b' } })).rejects.toThrow(
      /NUL/,
    );
    expect(sim!.commandLog.map((l) => l.command)).toEqual(['/login']);
  });

  it('fails every pending command with a transient VendorError when the connection drops', async () => {
    const c = await connect('7.18', { latencyMs: 2 });
    sim!.dropAfter(10);
    const cmds = Array.from({ length: 50 }, (_, i) => ({
      command: '/ip/firewall/address-list/add',
      attributes: { list: 'd', address: `10.9.0.${i}` },
    }));
    const err = (await c.writeMany(cmds).catch((e: unknown) => e)) as VendorError;
    expect(err).toBeInstanceOf(VendorError);
    expect(err.details.transient).toBe(true);
    expect(c.alive).toBe(false);
    await expect(c.write({ command: '/system/identity/print' })).rejects.toBeInstanceOf(VendorError);
  });

  it('turns !fatal into a connection-level error for every pending command', async () => {
    const c = await connect('7.18', { latencyMs: 20 });
    const pending = c.write({ command: '/system/identity/print' });
    const quit = c.write({ command: '/quit' });
    const after = c.write({ command: '/system/identity/print' });
    await pending;
    await expect(quit).rejects.toThrow(/session terminated on request/);
    await expect(after).rejects.toThrow(/session terminated on request/);
  });

  it('treats an unknown reply word as a protocol error for that tag only, without crashing', async () => {
    const server = net.createServer((socket) => {
      const d = new SentenceDecoder();
      socket.on('data', (chunk: Buffer) => {
        for (const words of d.push(chunk)) {
          const s = parseSentence(words);
          const tag = `.tag=${s.tag ?? ''}`;
          if (s.head === '/weird')
            socket.write(Buffer.concat([encodeSentence(['!surprise', tag]), encodeSentence(['!done', tag])]));
          else socket.write(encodeSentence(['!done', tag]));
        }
      });
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    client = await connectRouterOs(opts(`tcp://127.0.0.1:${(server.address() as net.AddressInfo).port}`));
    await expect(client.write({ command: '/weird' })).rejects.toThrow(/unknown reply "!surprise"/);
    await expect(client.write({ command: '/system/identity/print' })).resolves.toEqual({
      rows: [],
      done: {},
    });
  });
});

describe('client over API-SSL', () => {
  it('verifies the router by its sha256 fingerprint and refuses a wrong one', async () => {
    const s = await startSim({ firmware: '7.18', tls: true });
    sim = s.sim;
    client = await connectRouterOs(opts(s.endpoint, { tls: { fingerprint: s.fingerprint! } }));
    expect((await client.write({ command: '/system/identity/print' })).rows).toHaveLength(1);
    const wrong = 'AA:'.repeat(31) + 'AA';
    await expect(connectRouterOs(opts(s.endpoint, { tls: { fingerprint: wrong } }))).rejects.toThrow(
      /fingerprint mismatch/,
    );
    // Without a pin the system store does not know the router's own certificate: the error says the fix.
    await expect(connectRouterOs(opts(s.endpoint, { tls: {} }))).rejects.toThrow(
      /pin the firewall's own certificate with tls\.fingerprint/,
    );
  });
});
