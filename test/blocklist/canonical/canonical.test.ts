import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  closeSync,
  lstatSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  computeDigest,
  digestOf,
  documentOf,
  documentText,
  serializeBlocklist,
  writeBlocklistAtomic,
} from '../../../src/blocklist/canonical/canonical.js';
import { readBlocklist } from '../../../src/blocklist/canonical/read.js';
import type { Blocklist, BlocklistEntry, RejectedValue } from '../../../src/blocklist/types.js';
import { FeedError } from '../../../src/errors.js';

/** The built module (the FIFO case runs it in a child process). */
const CANONICAL_BUILT = new URL('../../../dist/src/blocklist/canonical/canonical.js', import.meta.url).href;

const entries: BlocklistEntry[] = [
  { type: 'ip', value: '2001:db8::/48', sources: ['b'], expiresAt: null },
  { type: 'ip', value: '23.254.211.230', sources: ['z', 'a'], expiresAt: null },
  {
    type: 'domain',
    value: 'sbmsa.wiki',
    subdomains: true,
    sources: ['a'],
    expiresAt: '2030-01-01T00:00:00.000Z',
  },
  { type: 'ip', value: '9.9.9.0/24', sources: ['a'], firstSeen: '2023-03-29T00:00:00.000Z', expiresAt: null },
  { type: 'domain', value: 'journalide.org', subdomains: true, sources: ['a'], expiresAt: null },
];
const rejected: RejectedValue[] = [
  { value: 'philip.je@proton.me', source: 'volexity', reason: 'not-network', detail: 'e-mail address' },
  { value: '10.0.0.1', source: 'feed', reason: 'guarded', detail: 'rfc1918' },
];

describe('canonical JSON', () => {
  it('orders entries by type, then value (IPs numerically, IPv4 before IPv6) and sorts sources', () => {
    const bl = JSON.parse(
      documentText(documentOf(entries, rejected, '2024-01-01T00:00:00.000Z')),
    ) as Blocklist;
    expect(bl.entries.map((e) => e.value)).toEqual([
      'journalide.org',
      'sbmsa.wiki',
      '9.9.9.0/24',
      '23.254.211.230',
      '2001:db8::/48',
    ]);
    expect(bl.entries[3]?.sources).toEqual(['a', 'z']);
    expect(bl.rejected.map((r) => r.value)).toEqual(['10.0.0.1', 'philip.je@proton.me']);
    expect(Object.keys(bl.entries[2]!)).toEqual(['type', 'value', 'sources', 'firstSeen', 'expiresAt']);
  });

  it('digests the entries only: generatedAt, rejected and input order do not change it', () => {
    const a = documentOf(entries, rejected, '2024-01-01T00:00:00.000Z');
    const b = documentOf([...entries].reverse(), [], '2025-06-01T00:00:00.000Z');
    expect(digestOf(a)).toBe(digestOf(b));
    expect(digestOf(a)).toBe(computeDigest(entries));
    const changed = documentOf([...entries.slice(1)], rejected, '2024-01-01T00:00:00.000Z');
    expect(digestOf(changed)).not.toBe(digestOf(a));
  });

  it('is the sha256 of the compact entries array (what `jq -cj .entries` prints)', () => {
    const text = documentText(documentOf(entries, rejected, '2024-01-01T00:00:00.000Z'));
    const bl = JSON.parse(text) as Blocklist;
    const hex = createHash('sha256').update(JSON.stringify(bl.entries)).digest('hex');
    expect(bl.digest).toBe(`sha256:${hex}`);
    expect(text.split('\n')[1]).toBe(
      '{"type":"domain","value":"journalide.org","subdomains":true,"sources":["a"],"expiresAt":null},',
    );
  });

  it('writes atomically, round-trips through readBlocklist and leaves no temp file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iocwall-canon-'));
    const path = join(dir, 'out', 'blocklist.json');
    const doc = documentOf(entries, rejected, '2024-01-01T00:00:00.000Z');
    writeBlocklistAtomic(path, doc);
    const read = readBlocklist(path);
    expect(read.digest).toBe(digestOf(doc));
    expect(serializeBlocklist(read)).toBe(readFileSync(path, 'utf8'));
    writeBlocklistAtomic(path, { ...read, entries: read.entries.slice(0, 1) });
    expect(readBlocklist(path).entries).toHaveLength(1);
    expect(readdirSync(join(dir, 'out'))).toEqual(['blocklist.json']);
  });

  it('lets a reader of the replaced file finish it, and keeps no descriptor of it afterwards', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iocwall-canon-'));
    const path = join(dir, 'blocklist.json');
    writeBlocklistAtomic(path, documentOf(entries, rejected, '2024-01-01T00:00:00.000Z'));
    const before = readFileSync(path, 'utf8');
    const reader = openSync(path, 'r');
    writeBlocklistAtomic(path, documentOf(entries.slice(0, 1), [], '2024-01-02T00:00:00.000Z'));
    // The reader still reads the old bytes; the path now holds the new ones.
    expect(readFileSync(reader, 'utf8')).toBe(before);
    closeSync(reader);
    expect(readBlocklist(path).entries).toHaveLength(1);
    // The writer held the replaced file open across the rename (so it is freed off this thread) and
    // closes it on libuv's pool: after a turn of the pool, no descriptor of this process points at it.
    await new Promise<void>((resolve) => setTimeout(resolve, 50));
    const open = readdirSync('/proc/self/fd').flatMap((fd) => {
      try {
        return [readlinkSync(join('/proc/self/fd', fd))];
      } catch {
        return [];
      }
    });
    expect(open.filter((target) => target.startsWith(path))).toEqual([]);
  });

  it('replaces a FIFO or a symbolic link at the target without opening it (no hang)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iocwall-canon-'));
    const doc = documentOf(entries, rejected, '2024-01-01T00:00:00.000Z');
    // A FIFO nobody writes to: opening it for reading without O_NONBLOCK would wait forever, so the
    // built writer runs in a child process with a time limit (a hang fails the test, not the run).
    const fifo = join(dir, 'fifo.json');
    execFileSync('mkfifo', [fifo]);
    const script = `const { documentOf, writeBlocklistAtomic } = await import(${JSON.stringify(CANONICAL_BUILT)});
writeBlocklistAtomic(${JSON.stringify(fifo)}, documentOf(${JSON.stringify(entries)}, [], '2024-01-01T00:00:00.000Z'));`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(child.error).toBeUndefined();
    expect(child.status, child.stderr).toBe(0);
    expect(lstatSync(fifo).isFile()).toBe(true);
    expect(readBlocklist(fifo).entries).toHaveLength(entries.length);
    // A link is replaced by the file; its target is left as it was.
    const target = join(dir, 'target.txt');
    writeFileSync(target, 'keep me');
    const link = join(dir, 'link.json');
    symlinkSync(target, link);
    writeBlocklistAtomic(link, doc);
    expect(lstatSync(link).isFile()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('keep me');
  });

  it('writes empty lists as valid JSON', () => {
    const bl = JSON.parse(documentText(documentOf([], [], '2024-01-01T00:00:00.000Z'))) as Blocklist;
    expect(bl.entries).toEqual([]);
    expect(bl.rejected).toEqual([]);
  });

  it('refuses a damaged, foreign or tampered file with a one-line FeedError', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iocwall-canon-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"schema":');
    expect(() => readBlocklist(bad)).toThrow(FeedError);
    writeFileSync(bad, JSON.stringify({ schema: 'other', entries: [] }));
    expect(() => readBlocklist(bad)).toThrow(/not an iocwall.blocklist\/v1 file/);
    const doc = JSON.parse(documentText(documentOf(entries, [], '2024-01-01T00:00:00.000Z'))) as Blocklist;
    doc.entries.pop();
    writeFileSync(bad, JSON.stringify(doc));
    expect(() => readBlocklist(bad)).toThrow(/digest mismatch/);
    expect(() => readBlocklist(join(dir, 'missing.json'))).toThrow(/cannot read blocklist .*ENOENT/);
  });
});
