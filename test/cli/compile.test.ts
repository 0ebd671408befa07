import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readBlocklist } from '../../src/blocklist/canonical/read.js';
import type { Blocklist } from '../../src/blocklist/types.js';
import { runCli } from '../../src/cli/main.js';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'iocs', '3cx');

async function cli(
  args: string[],
  stdin?: Readable,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d: Buffer) => (stdout += d.toString()));
  err.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await runCli(['--log-level', 'error', ...args], {
    stdout: out,
    stderr: err,
    ...(stdin ? { stdin } : {}),
    isTTY: false,
  });
  return { code, stdout, stderr };
}

describe('iocwall compile', () => {
  it('compiles the embedded 3CX default and prints a summary', async () => {
    const r = await cli(['compile', '--now', '2024-01-01T00:00:00Z']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^entries: 25 \(domains 23, IPv4 2, IPv6 0\)$/m);
    expect(r.stdout).toMatch(/^digest: sha256:[0-9a-f]{64}$/m);
  });

  it('prints canonical JSON with --json (stable digest across runs and input order)', async () => {
    const a = await cli([
      'compile',
      '--json',
      '--input',
      join(FIX, 'talos__3cx-softphone-supply-chain-compromise.txt'),
      '--input',
      join(FIX, 'maltrail__hacked_3cx.txt'),
    ]);
    const b = await cli([
      'compile',
      '--json',
      '--input',
      join(FIX, 'maltrail__hacked_3cx.txt'),
      '--input',
      join(FIX, 'talos__3cx-softphone-supply-chain-compromise.txt'),
    ]);
    expect(a.code).toBe(0);
    const x = JSON.parse(a.stdout) as Blocklist;
    const y = JSON.parse(b.stdout) as Blocklist;
    expect(x.schema).toBe('iocwall.blocklist/v1');
    expect(x.digest).toBe(y.digest);
    expect(x.entries.find((e) => e.value === 'journalide.org')?.sources).toEqual([
      'maltrail__hacked_3cx.txt',
      'talos__3cx-softphone-supply-chain-compromise.txt',
    ]);
    // 19 Talos hashes and Maltrail's philip.je (a known data error: an e-mail fragment).
    expect(x.rejected.filter((r) => r.reason === 'not-network')).toHaveLength(20);
  });

  it('writes --out atomically and the file reads back with a valid digest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iocwall-cli-'));
    const out = join(dir, 'bl.json');
    writeFileSync(out, 'old content');
    const r = await cli(['compile', '--input', join(FIX, 'splunk__3cx_ioc_domains.csv'), '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wrote 22 entries to .*bl\.json \(sha256:[0-9a-f]{64}\)\n$/);
    const bl = readBlocklist(out);
    expect(bl.entries).toHaveLength(22);
    expect(readdirSync(dir)).toEqual(['bl.json']);
  });

  it('prints with --json exactly the bytes --out writes (one formatter of the canonical line)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iocwall-cli-'));
    const out = join(dir, 'bl.json');
    const input = join(dir, 'mixed.txt');
    const lines = [
      'www.journalide.org',
      'sbmsa.wiki',
      '45.33.33.7/23',
      '10.0.0.1',
      'not a value',
      '2a01:4f8::/48',
    ];
    for (let i = 0; i < 3000; i++) lines.push(`h${i}.example-feed.net`, `23.${i % 250}.${(i * 7) % 250}.9`);
    writeFileSync(input, `${lines.join('\n')}\n`);
    const args = ['compile', '--now', '2024-01-01T00:00:00Z', '--input', input];
    const printed = await cli([...args, '--json']);
    const written = await cli([...args, '--out', out]);
    expect(printed.code).toBe(0);
    expect(written.code).toBe(0);
    expect(printed.stdout).toBe(readFileSync(out, 'utf8'));
    expect((JSON.parse(printed.stdout) as Blocklist).entries.length).toBeGreaterThan(3000);
  });

  it('reads stdin with --input - and applies --now to expiry', async () => {
    const stix = JSON.stringify({
      type: 'bundle',
      id: 'bundle--1',
      objects: [
        {
          type: 'indicator',
          spec_version: '2.1',
          id: 'indicator--1',
          pattern: "[domain-name:value = 'c2-relay-alpha.com']",
          pattern_type: 'stix',
          valid_from: '2024-01-01T00:00:00Z',
          valid_until: '2024-02-01T00:00:00Z',
        },
      ],
    });
    const before = await cli(
      ['compile', '--json', '--format', 'stix', '--input', '-', '--now', '2024-01-15T00:00:00Z'],
      Readable.from([stix]),
    );
    expect((JSON.parse(before.stdout) as Blocklist).entries.map((e) => e.value)).toEqual([
      'c2-relay-alpha.com',
    ]);
    const after = await cli(
      ['compile', '--json', '--format', 'stix', '--input', '-', '--now', '2024-03-01T00:00:00Z'],
      Readable.from([stix]),
    );
    expect((JSON.parse(after.stdout) as Blocklist).rejected).toMatchObject([
      { value: 'c2-relay-alpha.com', source: 'stdin', reason: 'expired' },
    ]);
  });

  it('exits 1 with a one-line reason for an unreadable file, a bad format or a bad --now', async () => {
    const missing = await cli(['compile', '--input', '/nonexistent/feed.txt']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('iocwall: cannot read input /nonexistent/feed.txt: ENOENT\n');
    expect(missing.stdout).toBe('');
    const format = await cli([
      'compile',
      '--format',
      'xml',
      '--input',
      join(FIX, 'maltrail__hacked_3cx.txt'),
    ]);
    expect(format.code).toBe(1);
    expect(format.stderr).toMatch(/^iocwall: unknown --format xml/);
    const now = await cli(['compile', '--now', 'tomorrow']);
    expect(now.code).toBe(1);
    const dir = mkdtempSync(join(tmpdir(), 'iocwall-cli-'));
    const bad = join(dir, 'feed.json');
    writeFileSync(bad, '{"Event": {"Attribute": [');
    const malformed = await cli(['compile', '--format', 'misp', '--input', bad]);
    expect(malformed.code).toBe(1);
    expect(malformed.stderr.split('\n')).toHaveLength(2);
    expect(existsSync(join(dir, 'out.json'))).toBe(false);
  });

  it('compiles a config’s sources and keeps retention state beside it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iocwall-cli-'));
    writeFileSync(join(dir, 'feed.txt'), 'c2-relay-alpha.com\n23.254.211.230\n');
    writeFileSync(
      join(dir, 'iocwall.yaml'),
      'sources:\n  - name: local\n    file: feed.txt\n    format: plain\n',
    );
    const r = await cli([
      'compile',
      '--config',
      join(dir, 'iocwall.yaml'),
      '--json',
      '--now',
      '2024-01-01T00:00:00Z',
    ]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as Blocklist).entries.map((e) => [e.value, e.sources, e.firstSeen])).toEqual(
      [
        ['c2-relay-alpha.com', ['local'], '2024-01-01T00:00:00.000Z'],
        ['23.254.211.230', ['local'], '2024-01-01T00:00:00.000Z'],
      ],
    );
    expect(
      JSON.parse(readFileSync(join(dir, '.iocwall-state', 'retention.json'), 'utf8')).sources.local,
    ).toHaveProperty(['c2-relay-alpha.com']);
  });
});

describe('iocwall check', () => {
  it('explains a value as JSON and as text', async () => {
    const json = await cli(['check', 'www.journalide.org', '--json']);
    expect(json.code).toBe(0);
    const e = JSON.parse(json.stdout) as { blocked: boolean; coveredBy: { how: string }[] };
    expect(e.blocked).toBe(true);
    expect(e.coveredBy[0]?.how).toBe('parent-domain');
    const text = await cli([
      'check',
      'raw.githubusercontent.com',
      '--input',
      join(FIX, 'volexity__iocs.csv'),
    ]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^normalised: domain raw\.githubusercontent\.com$/m);
    expect(text.stdout).toMatch(/^not blocked: no source lists it$/m);
    expect(text.stdout).toMatch(/^guard: would refuse it: warninglisted \(lots-project\)$/m);
    const lan = await cli(['check', '10.0.0.1']);
    expect(lan.stdout).toMatch(/^guard: would refuse it: guarded \(10\.0\.0\.0\/8 private \(RFC 1918\)\)$/m);
    const c2 = await cli(['check', 'journalide[.]org']);
    expect(c2.stdout).toMatch(/^guard: would let a source block it$/m);
  });
});

describe('iocwall compile and check: the guard carves protected addresses out of a network', () => {
  const dir = mkdtempSync(join(tmpdir(), 'iocwall-carve-'));
  const feed = join(dir, 'feed.txt');
  writeFileSync(feed, '45.33.33.7/23\n');
  const now = ['--now', '2026-01-01T00:00:00Z'];

  it('keeps the rest of 45.33.32.0/23 as entries and rejects the resolver inside it', async () => {
    const r = await cli(['compile', '--json', '--input', feed, ...now]);
    expect(r.code).toBe(0);
    const bl = JSON.parse(r.stdout) as Blocklist;
    const size = (v: string): number => 2 ** (32 - Number(v.split('/')[1] ?? 32));
    expect(bl.entries.reduce((n, e) => n + size(e.value), 0)).toBe(511);
    expect(bl.entries.map((e) => e.value)).toContain('45.33.32.0/24');
    expect(bl.entries.map((e) => e.value)).toContain('45.33.33.235');
    expect(bl.entries.map((e) => e.value)).not.toContain('45.33.33.234');
    expect(bl.rejected).toEqual([
      {
        value: '45.33.33.234',
        source: 'feed.txt',
        reason: 'warninglisted',
        detail: 'public-dns-v4; carved out of 45.33.32.0/23',
      },
    ]);
  });

  it('says so in check, for the network and for the carved address', async () => {
    const net = await cli(['check', '--json', '--input', feed, ...now, '45.33.33.7/23']);
    expect(net.code).toBe(0);
    const n = JSON.parse(net.stdout) as {
      guard: { allowed: boolean; carved?: { value: string; reason: string }[] }[];
      why: string;
      listedBy: { status: string; detail?: string }[];
    };
    expect(n.guard[0]).toMatchObject({
      allowed: true,
      carved: [{ value: '45.33.33.234', reason: 'warninglisted' }],
    });
    expect(n.why).toMatch(/^partly blocked: the guard carves 45\.33\.33\.234 .*public-dns-v4/);
    expect(n.listedBy[0]).toMatchObject({
      status: 'accepted',
      detail: expect.stringMatching(/carved out: 45\.33\.33\.234/),
    });
    const addr = await cli(['check', '--json', '--input', feed, ...now, '45.33.33.234']);
    const a = JSON.parse(addr.stdout) as { blocked: boolean; why: string };
    expect(a.blocked).toBe(false);
    expect(a.why).toBe('not blocked: warninglisted (public-dns-v4; carved out of 45.33.32.0/23) in feed.txt');
    const text = await cli(['check', '--input', feed, ...now, '45.33.33.7/23']);
    expect(text.stdout).toMatch(
      /guard: would let a source block it without 45\.33\.33\.234 \(warninglisted\)/,
    );
  });
});
