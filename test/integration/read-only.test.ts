/**
 * Read-only commands write nothing (issue 14, item 4): `plan` and `audit` leave the state folder
 * byte-identical (retention state, feed caches, journal, pushed indicators, locks), whatever `--now` says and
 * whatever sources the config has today.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labFixture, type LabFixture } from './helpers.js';

const FILE_FEED = ['45.76.10.7', '45.76.11.7', '45.76.12.7'];
let urlFeed = ['45.77.1.1', '45.77.1.2', 'evil-updates.example.net'];

/** Every path and its bytes (and every folder) under `dir`, hashed in sorted order. */
function hashTree(dir: string): string {
  const hash = createHash('sha256');
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p);
      hash.update(`${p}\0${st.mode}\0`);
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) hash.update(readFileSync(p));
    }
  };
  walk(dir);
  return hash.digest('hex');
}

describe('plan and audit leave the state folder byte-identical', () => {
  let fx: LabFixture;
  let server: Server;
  let state: string;
  const sources = (url: string, all: boolean) => [
    { name: 'feed', file: 'feed.txt', format: 'plain' },
    ...(all
      ? [
          { name: 'remote', url, format: 'plain' },
          { name: 'other', file: 'other.txt', format: 'plain' },
        ]
      : []),
  ];
  let url = '';

  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', etag: `"${urlFeed.length}"` });
      res.end(`${urlFeed.join('\n')}\n`);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.txt`;
    fx = await labFixture({ vendors: ['opnsense'] }, FILE_FEED);
    writeFileSync(join(fx.dir, 'other.txt'), '45.79.1.1\n');
    fx.editConfig((c) => {
      c.sources = sources(url, true);
    });
    state = join(fx.dir, 'iocwall.state');
    expect((await fx.run('sync')).code).toBe(0);
    const pushFile = join(fx.dir, 'advisory.txt');
    writeFileSync(pushFile, '45.78.1.1\n');
    const expires = new Date(Date.now() + 2 * 86_400_000).toISOString();
    expect((await fx.run('push', '--input', pushFile, '--expires', expires)).code).toBe(0);
  });
  afterAll(async () => {
    await fx.lab.stop();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('audit and plan, with any --now and a source dropped from the config, change no byte', async () => {
    const before = hashTree(state);
    urlFeed = [...urlFeed, '45.77.1.3']; // the remote feed moved on: a read-only run must not cache it
    expect((await fx.run('audit', '--now', '2031-01-01T00:00:00Z')).code).toBe(2);
    expect([0, 2]).toContain((await fx.run('plan')).code);
    expect([0, 2]).toContain((await fx.run('plan', '--now', '2031-01-01T00:00:00Z')).code);
    fx.editConfig((c) => {
      c.sources = sources(url, false);
    });
    expect([0, 2]).toContain((await fx.run('plan')).code);
    expect([0, 2]).toContain((await fx.run('audit')).code);
    fx.editConfig((c) => {
      c.sources = sources(url, true);
    });
    expect(hashTree(state)).toBe(before);
    urlFeed = urlFeed.filter((v) => v !== '45.77.1.3');
  });

  it('plan and audit compile the blocklist sync and compile do: the same digest, nothing shown as retained', async () => {
    expect((await fx.run('sync')).code).toBe(0);
    const compiled = JSON.parse((await fx.run('compile', '--json')).stdout) as {
      digest: string;
      entries: { value: string; expiresAt?: string | null }[];
    };
    // Values in their feeds today never expire (no ttlDays here); a read-only run once gave each the
    // expiry of a value that had left its feed.
    expect(compiled.entries.find((e) => e.value === '45.76.10.7')?.expiresAt ?? null).toBeNull();
    const plan = JSON.parse((await fx.run('plan', '--json')).stdout) as { blocklistDigest: string };
    expect(plan.blocklistDigest).toBe(compiled.digest);
    const audit = JSON.parse((await fx.run('audit', '--json')).stdout) as Record<string, unknown>;
    expect(JSON.stringify(audit)).toContain(compiled.digest);
    const check = await fx.run('check', '45.76.10.7');
    expect(check.stdout).not.toMatch(/retained/);
  });

  it('audit --now in the future does not stretch retention: a removed value goes after retentionDays', async () => {
    expect((await fx.run('audit', '--now', '2031-01-01T00:00:00Z')).code).toBe(2);
    fx.setFeed(FILE_FEED.filter((v) => v !== '45.76.12.7'));
    const afterRetention = new Date(Date.now() + 8 * 86_400_000).toISOString();
    const plan = await fx.run('plan', '--now', afterRetention);
    expect(plan.stdout).toContain('- 45.76.12.7');
  });

  it('sync and apply on another clock (--now) leave retention state as they found it', async () => {
    fx.setFeed(FILE_FEED);
    expect((await fx.run('sync')).code).toBe(0);
    const retention = join(state, 'retention.json');
    const before = readFileSync(retention, 'utf8');
    // The value leaves its feed; a sync nine days on (past the 7-day retention) removes it there...
    fx.setFeed(FILE_FEED.filter((v) => v !== '45.76.12.7'));
    const later = new Date(Date.now() + 9 * 86_400_000).toISOString();
    expect([0, 4]).toContain((await fx.run('sync', '--now', later, '--force')).code);
    // ...but records nothing at that time: today it is still retained, not forgotten.
    expect(readFileSync(retention, 'utf8')).toBe(before);
    const check = await fx.run('check', '45.76.12.7');
    expect(check.stdout).toMatch(/^blocked: entry 45\.76\.12\.7/m);
    expect(check.stdout).toMatch(/feed "45\.76\.12\.7": retained/);
    fx.setFeed(FILE_FEED);
    expect((await fx.run('sync')).code).toBe(0);
  });

  it('a source missing from the config keeps its history for when it comes back', async () => {
    fx.setFeed(FILE_FEED);
    expect((await fx.run('sync')).code).toBe(0);
    fx.editConfig((c) => {
      c.sources = sources(url, false);
    });
    expect([0, 2]).toContain((await fx.run('plan')).code);
    fx.editConfig((c) => {
      c.sources = sources(url, true);
    });
    // The source is back but its value left it: retention keeps it, because \`plan\` erased no history.
    writeFileSync(join(fx.dir, 'other.txt'), '# nothing today\n');
    const res = await fx.run('plan', '--json');
    const plan = JSON.parse(res.stdout) as { targets: { summary: { remove: number } }[] };
    expect(plan.targets[0]!.summary.remove).toBe(0);
  });
});
