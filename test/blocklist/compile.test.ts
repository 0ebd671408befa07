import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compileBlocklist, type CompileInput } from '../../src/blocklist/compile.js';
import { defaultConfig, validateConfig } from '../../src/config/load.js';
import { MAX_REJECTED_ROWS } from '../../src/blocklist/rejects.js';
import { FeedError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import { CORE_3CX_DOMAINS } from '../helpers/threecx.js';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'iocs', '3cx');
const TALOS = 'talos__3cx-softphone-supply-chain-compromise.txt';
const VOLEXITY = 'volexity__iocs.csv';
const MALTRAIL = 'maltrail__hacked_3cx.txt';
const SPLUNK = 'splunk__3cx_ioc_domains.csv';
const CORE = CORE_3CX_DOMAINS;
const now = new Date('2024-01-01T00:00:00Z');

function inputs(...files: string[]): CompileInput[] {
  return files.map((f) => ({ name: f.split('__')[0]!, path: join(FIX, f), format: 'auto' as const }));
}

async function compile(
  files: CompileInput[],
  loaded = defaultConfig(mkdtempSync(join(tmpdir(), 'iocwall-c-'))),
) {
  return compileBlocklist({ loaded, inputs: files, includeConfigSources: false, now, log: silentLogger });
}

describe('compileBlocklist on the 3CX publisher files', () => {
  it('gives exactly the 21 core domains + msedgeupdate.net, with merged sources and www.* collapsed', async () => {
    const { blocklist } = await compile(inputs(TALOS, VOLEXITY, MALTRAIL, SPLUNK));
    const domains = blocklist.entries.filter((e) => e.type === 'domain');
    expect(domains.map((e) => e.value)).toEqual([...CORE, 'msedgeupdate.net'].sort());
    expect(domains.every((e) => e.subdomains)).toBe(true);
    const byValue = new Map(blocklist.entries.map((e) => [e.value, e.sources]));
    // www.journalide.org (Volexity) is covered by journalide.org: no entry, no rejection, Volexity credited.
    expect(byValue.get('journalide.org')).toEqual(['maltrail', 'splunk', 'talos', 'volexity']);
    expect(byValue.get('azuredeploystore.com')).toEqual(['maltrail', 'splunk', 'talos', 'volexity']);
    expect(byValue.get('msedgeupdate.net')).toEqual(['maltrail', 'splunk']);
    expect(byValue.get('dunamistrd.com')).toEqual(['maltrail', 'splunk', 'talos', 'volexity']);
    expect(blocklist.entries.filter((e) => e.type === 'ip').map((e) => e.value)).toEqual(['23.254.211.230']);
    expect(
      blocklist.rejected.some((r) => r.value.startsWith('www.journalide') || r.value.startsWith('www.azure')),
    ).toBe(false);
  });

  it('rejects hashes, e-mails and the publishers’ data errors with the right reasons', async () => {
    const { blocklist } = await compile(inputs(TALOS, VOLEXITY, MALTRAIL, SPLUNK));
    const reasons = (value: string) =>
      blocklist.rejected.filter((r) => r.value === value).map((r) => `${r.source}:${r.reason}`);
    expect(reasons('dde03348075512796241389dfea5560c20a3d2a2eac95c894e7bbed5e85a0acc')).toEqual([
      'talos:not-network',
    ]);
    expect(reasons('philip.je@proton.me')).toEqual(['volexity:not-network']);
    expect(reasons('philip.je')).toEqual(['maltrail:not-network']);
    expect(reasons('acharryblogs.com')).toEqual(['maltrail:invalid']);
    expect(reasons('www.3cx.com')).toEqual(['splunk:allowlisted']);
    const talos = blocklist.rejected.filter((r) => r.source === 'talos');
    expect(talos).toHaveLength(19);
    expect(new Set(blocklist.rejected.map((r) => r.reason))).toEqual(
      new Set(['not-network', 'invalid', 'allowlisted']),
    );
  });

  it('accounts for every input value: an entry, covered by one, or rejected', async () => {
    const result = await compile(inputs(TALOS, MALTRAIL));
    const records = result.sources.reduce((n, s) => n + s.records, 0);
    expect(records).toBe(40 + 25);
    // Talos: 21 domains + 19 hashes; Maltrail: 24 domains + 1 ip:port. The known data errors
    // (acharryblogs.com, philip.je) are rejected whichever feed brings them.
    expect(result.blocklist.rejected).toHaveLength(19 + 2);
    expect(result.blocklist.entries.map((e) => e.value)).toEqual(
      [...CORE, 'msedgeupdate.net'].sort().concat('23.254.211.230'),
    );
  });

  it('has a digest that does not depend on input order, run or generation time', async () => {
    const a = await compile(inputs(TALOS, VOLEXITY, MALTRAIL, SPLUNK));
    const b = await compile(inputs(SPLUNK, MALTRAIL, VOLEXITY, TALOS));
    expect(b.blocklist.digest).toBe(a.blocklist.digest);
    expect(b.blocklist).toEqual(a.blocklist);
    const c = await compile(inputs(TALOS));
    expect(c.blocklist.digest).not.toBe(a.blocklist.digest);
  });

  it('compiles the shipped 3CX set by default, allowlisting the vendor', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iocwall-c-'));
    const { blocklist } = await compileBlocklist({
      loaded: defaultConfig(dir),
      inputs: [],
      includeConfigSources: true,
      now,
      log: silentLogger,
    });
    const domains = blocklist.entries.filter((e) => e.type === 'domain').map((e) => e.value);
    for (const d of CORE) expect(domains).toContain(d);
    expect(domains).not.toContain('www.3cx.com');
    expect(domains).not.toContain('www.journalide.org');
    expect(blocklist.entries.map((e) => e.value)).not.toContain('38.108.185.79');
  });

  it('applies the guard and carves allowlisted holes out of wider networks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iocwall-c-'));
    const file = join(dir, 'ips.txt');
    writeFileSync(
      file,
      [
        '192.168.1.5',
        '198.51.100.0/24',
        '203.0.113.9',
        '8.0.0.0/6',
        '2001:db8::/64',
        '45.9.148.0/24',
        '45.9.148.7',
        '',
      ].join('\n'),
    );
    const loaded = validateConfig(
      { allowlist: { ips: ['45.9.148.77'] }, guard: { warninglists: false } },
      dir,
      null,
    );
    const { blocklist } = await compile([{ name: 'ips', path: file, format: 'plain' }], loaded);
    expect(blocklist.entries.filter((e) => e.value.startsWith('45.9.148.'))).toHaveLength(8);
    const rejected = new Map(blocklist.rejected.map((r) => [r.value, r.reason]));
    expect(rejected.get('192.168.1.5')).toBe('guarded');
    expect(rejected.get('8.0.0.0/6')).toBe('guarded');
    expect(rejected.get('198.51.100.0/24')).toBe('guarded');
  });

  it('reads stdin for "-" and fails with a FeedError naming an unreadable input', async () => {
    const stdin = Readable.from([Buffer.from('evil-c2-relay.com\n1.2.3.4\n')]);
    const loaded = defaultConfig(mkdtempSync(join(tmpdir(), 'iocwall-c-')));
    const r = await compileBlocklist({
      loaded,
      inputs: [{ name: 'stdin', path: '-', format: 'plain' }],
      includeConfigSources: false,
      now,
      stdin,
      log: silentLogger,
    });
    expect(r.blocklist.entries.map((e) => e.value)).toEqual(['evil-c2-relay.com', '1.2.3.4']);
    await expect(compile([{ name: 'x', path: '/nonexistent/feed.txt', format: 'plain' }])).rejects.toThrow(
      FeedError,
    );
    await expect(compile([{ name: 'x', path: '/nonexistent/feed.txt', format: 'plain' }])).rejects.toThrow(
      /cannot read input \/nonexistent\/feed.txt: ENOENT/,
    );
  });
});

describe('expiry and retention in compile', () => {
  const feed = (dir: string, lines: string[]): string => {
    const path = join(dir, 'feed.txt');
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  };
  const config = (dir: string, extra: object = {}) =>
    validateConfig(
      {
        sources: [{ name: 'feed', file: 'feed.txt', format: 'plain', ...extra }],
        retentionDays: 3,
        guard: { warninglists: false },
      },
      dir,
      null,
    );
  const day = 86_400_000;
  const run = (dir: string, at: number, extra: object = {}) =>
    compileBlocklist({
      loaded: config(dir, extra),
      inputs: [],
      includeConfigSources: true,
      now: new Date(at),
      log: silentLogger,
      updateState: true,
    });
  const t0 = Date.parse('2024-06-01T00:00:00Z');

  it('keeps a vanished value for retentionDays, then drops it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iocwall-r-'));
    feed(dir, ['evil-alpha-c2.com', 'evil-beta-c2.com']);
    const first = await run(dir, t0);
    expect(first.blocklist.entries.map((e) => e.value)).toEqual(['evil-alpha-c2.com', 'evil-beta-c2.com']);
    expect(first.blocklist.entries[0]?.firstSeen).toBe('2024-06-01T00:00:00.000Z');
    feed(dir, ['evil-alpha-c2.com']);
    const kept = await run(dir, t0 + 2 * day);
    expect(kept.blocklist.entries.map((e) => [e.value, e.expiresAt])).toEqual([
      ['evil-alpha-c2.com', null],
      ['evil-beta-c2.com', '2024-06-04T00:00:00.000Z'],
    ]);
    expect(kept.blocklist.entries[1]?.firstSeen).toBe('2024-06-01T00:00:00.000Z');
    const dropped = await run(dir, t0 + 4 * day);
    expect(dropped.blocklist.entries.map((e) => e.value)).toEqual(['evil-alpha-c2.com']);
    expect(dropped.blocklist.rejected).toEqual([]);
  });

  it('expires by ttlDays from first seen, and by --now', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iocwall-r-'));
    feed(dir, ['evil-alpha-c2.com']);
    const fresh = await run(dir, t0, { ttlDays: 10 });
    expect(fresh.blocklist.entries[0]?.expiresAt).toBe('2024-06-11T00:00:00.000Z');
    const later = await run(dir, t0 + 11 * day, { ttlDays: 10 });
    expect(later.blocklist.entries).toEqual([]);
    expect(later.blocklist.rejected).toEqual([
      {
        value: 'evil-alpha-c2.com',
        source: 'feed',
        reason: 'expired',
        detail: 'ttl 10 days from first seen; ended 2024-06-11T00:00:00.000Z',
      },
    ]);
  });

  it('honours a record’s validUntil (STIX valid_until) against --now', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iocwall-r-'));
    const stix = join(dir, 'b.json');
    const ind = (v: string, until: string) => ({
      type: 'indicator',
      spec_version: '2.1',
      id: `indicator--${v}`,
      pattern: `[domain-name:value = '${v}']`,
      pattern_type: 'stix',
      valid_from: '2024-01-01T00:00:00Z',
      valid_until: until,
    });
    writeFileSync(
      stix,
      JSON.stringify({
        type: 'bundle',
        id: 'bundle--1',
        objects: [
          ind('old-c2-relay.com', '2023-06-01T00:00:00Z'),
          ind('new-c2-relay.com', '2025-01-01T00:00:00Z'),
        ],
      }),
    );
    const { blocklist } = await compile([{ name: 'stix', path: stix, format: 'stix' }]);
    expect(blocklist.entries.map((e) => [e.value, e.expiresAt])).toEqual([
      ['new-c2-relay.com', '2025-01-01T00:00:00.000Z'],
    ]);
    expect(blocklist.rejected.map((r) => [r.value, r.reason])).toEqual([['old-c2-relay.com', 'expired']]);
  });
});

describe('config sources stream like --input (issue 14: memory follows what is kept)', () => {
  const plain = ['evil-alpha-c2.com', '23.254.211.230', 'sha256-not-a-network!', 'evil-beta-c2.com'];
  const loaded = (dir: string, source: object) =>
    validateConfig({ sources: [{ name: 'feed', ...source }], guard: { warninglists: false } }, dir, null);
  const compile = (o: Partial<Parameters<typeof compileBlocklist>[0]>) =>
    compileBlocklist({
      loaded: defaultConfig(),
      inputs: [],
      includeConfigSources: true,
      now: new Date('2024-06-01T00:00:00Z'),
      log: silentLogger,
      ...o,
    });

  it('gives a gzip file source the blocklist --input gives the plain file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iocwall-s-'));
    writeFileSync(join(dir, 'feed.txt'), `${plain.join('\n')}\n`);
    writeFileSync(join(dir, 'feed.gz'), gzipSync(`${plain.join('\n')}\n`));
    const viaConfig = await compile({ loaded: loaded(dir, { file: 'feed.gz' }) });
    const viaInput = await compile({
      loaded: loaded(dir, { file: 'feed.txt' }),
      includeConfigSources: false,
      inputs: [{ name: 'feed', path: join(dir, 'feed.txt'), format: 'auto' }],
    });
    // A config source is tracked (retention): its values are first seen now; an --input is not.
    const now = '2024-06-01T00:00:00.000Z';
    expect(viaConfig.blocklist.entries).toEqual(
      viaInput.blocklist.entries.map((e) => ({ ...e, firstSeen: now })),
    );
    expect(viaConfig.blocklist.rejected).toEqual(viaInput.blocklist.rejected);
    expect(viaConfig.sources[0]).toMatchObject({ name: 'feed', origin: 'file', records: 4 });
  });

  it('stops a source at its decompressed cap with a FeedError naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iocwall-s-'));
    writeFileSync(join(dir, 'bomb.gz'), gzipSync('evil-alpha-c2.com\n'.repeat(20_000)));
    await expect(compile({ loaded: loaded(dir, { file: 'bomb.gz', maxBytes: 4096 }) })).rejects.toThrow(
      /source feed: cannot read .*bomb\.gz: feed is larger than the 4096-byte cap after decompression/,
    );
  });

  it('counts distinct rejects past the bound and says so, in the same JSON shape', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iocwall-s-'));
    const lines = Array.from({ length: MAX_REJECTED_ROWS + 7 }, (_, i) => `junk${i}!`);
    writeFileSync(join(dir, 'junk.txt'), `${lines.join('\n')}\nevil-alpha-c2.com\n`);
    const r = await compile({ loaded: loaded(dir, { file: 'junk.txt', format: 'plain' }) });
    const bl = r.blocklist;
    expect(bl.entries.map((e) => e.value)).toEqual(['evil-alpha-c2.com']);
    expect(bl.rejected).toHaveLength(MAX_REJECTED_ROWS + 1);
    expect(bl.rejected.filter((x) => x.value.startsWith('('))).toEqual([
      {
        value: '(7 more)',
        source: 'feed',
        reason: 'invalid',
        detail: `not listed: a compile lists the first ${MAX_REJECTED_ROWS} distinct rejected values`,
      },
    ]);
    expect(r.counts.rejected.invalid).toBe(MAX_REJECTED_ROWS + 7);
    // The rows say it; a warning on every big compile would teach users to ignore warnings.
    expect(r.warnings.filter((w) => w.includes('not listed'))).toEqual([]);
  });
});
