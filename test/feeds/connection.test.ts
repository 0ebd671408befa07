/**
 * A feed download does not leave its connection open: after a 200 or a 304 the socket is closed, so a
 * server's long keep-alive (75 s behind nginx) cannot hold the process open after the command has done
 * its work. Observed from the server: the connection it served ends without the server closing it.
 */
import { mkdtemp } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSource } from '../../src/feeds/load.js';
import { sourceSchema } from '../../src/feeds/source-schema.js';

let server: Server;
let base = '';
const closed: Promise<void>[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.headers['if-none-match'] === '"v1"') return res.writeHead(304).end();
    res.writeHead(200, { ETag: '"v1"', 'content-type': 'text/plain' }).end('45.76.10.7\n');
  });
  // Far longer than any test: only the client can end these connections in time.
  server.keepAliveTimeout = 600_000;
  server.on('connection', (socket: Socket) => {
    closed.push(new Promise((resolve) => socket.on('close', () => resolve())));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('feed connections', () => {
  it('are closed after a fresh download and after a 304', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'iocwall-conn-'));
    const source = sourceSchema.parse({ name: 'feed', url: `${base}/feed` });
    const ctx = { stateDir, now: new Date(), resolveSecret: (r: string) => r, retryBaseMs: 1 };
    const sink = { reset: () => undefined, add: () => undefined };
    expect((await loadSource(source, ctx, sink)).origin).toBe('fresh');
    expect((await loadSource(source, ctx, sink)).origin).toBe('not-modified');
    expect(closed).toHaveLength(2);
    // Resolves only when each socket closes; a kept-alive one never would before the test times out.
    await Promise.all(closed);
  });
});
