/**
 * What a STIX indicator blocks, through the real parser and `compile --json`: only comparisons that
 * name an exact value (`=`, `IN`, `ISSUBSET` of a network) block, joined by AND, OR or FOLLOWEDBY;
 * every other comparison, a non-STIX pattern type and an indicator outside its validity period is a
 * rejected row with a reason — never blocked, never dropped silently.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../integration/helpers.js';

interface Out {
  entries: { value: string; expiresAt?: string | null }[];
  rejected: { value: string; reason: string; detail?: string }[];
}

let n = 0;
function indicator(pattern: string, extra: Record<string, unknown> = {}) {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${++n}`,
    pattern_type: 'stix',
    pattern,
    valid_from: '2026-01-01T00:00:00Z',
    ...extra,
  };
}

async function compileStix(objects: unknown[], now = '2026-06-01T00:00:00Z'): Promise<Out> {
  const dir = mkdtempSync(join(tmpdir(), 'iocwall-stix-'));
  const path = join(dir, 'stix2.json');
  writeFileSync(path, JSON.stringify({ type: 'bundle', id: 'bundle--1', objects }));
  const res = await cli(['compile', '--input', path, '--json', '--now', now, '--log-level', 'silent']);
  expect(res.code).toBe(0);
  return JSON.parse(res.stdout) as Out;
}

const rejectedAs = (out: Out, value: string) =>
  out.rejected.filter((r) => r.value === value).map((r) => [r.reason, r.detail]);

const unsupported = (op: string) =>
  `unsupported STIX comparison "${op}" (only =, IN, ISSUBSET and AND/OR/FOLLOWEDBY of them block)`;

describe('STIX comparisons that do not name the value to block are rejected, never blocked', () => {
  it('!=, LIKE, MATCHES, ISSUPERSET, <, NOT =, NOT IN and a snort pattern_type: one rejected row each', async () => {
    const snort = 'alert tcp any any -> 45.76.10.9 any (msg:"c2"; sid:1000001;)';
    const out = await compileStix([
      indicator("[domain-name:value != 'notequal-bad.com']"),
      indicator("[domain-name:value LIKE '%.likebad.com']"),
      indicator("[domain-name:value MATCHES '^matches-bad\\\\.com$']"),
      indicator("[ipv4-addr:value ISSUPERSET '45.76.10.1']"),
      indicator("[ipv4-addr:value < '45.76.10.2']"),
      indicator("[domain-name:value NOT = 'not-equal-bad.com']"),
      indicator("[domain-name:value NOT IN ('notin-bad.com')]"),
      indicator(snort, { pattern_type: 'snort' }),
    ]);
    expect(out.entries).toEqual([]);
    expect(rejectedAs(out, 'notequal-bad.com')).toEqual([['invalid', unsupported('!=')]]);
    expect(rejectedAs(out, '%.likebad.com')).toEqual([['invalid', unsupported('LIKE')]]);
    expect(rejectedAs(out, '^matches-bad\\.com$')).toEqual([['invalid', unsupported('MATCHES')]]);
    expect(rejectedAs(out, '45.76.10.1')).toEqual([['invalid', unsupported('ISSUPERSET')]]);
    expect(rejectedAs(out, '45.76.10.2')).toEqual([['invalid', unsupported('<')]]);
    expect(rejectedAs(out, 'not-equal-bad.com')).toEqual([['invalid', unsupported('NOT =')]]);
    expect(rejectedAs(out, 'notin-bad.com')).toEqual([['invalid', unsupported('NOT IN')]]);
    expect(rejectedAs(out, snort)).toEqual([['invalid', 'pattern_type snort is not STIX']]);
    expect(out.rejected).toHaveLength(8);
  });

  it('= and IN inside FOLLOWEDBY, WITHIN and REPEATS still block; ISSUBSET blocks the network', async () => {
    const out = await compileStix([
      indicator(
        "([domain-name:value = 'followed-c2.com'] FOLLOWEDBY [ipv4-addr:value IN ('45.76.10.3', '45.76.10.4')]) WITHIN 300 SECONDS",
      ),
      indicator("[domain-name:value = 'repeats-c2.com'] REPEATS 3 TIMES"),
      indicator("[ipv4-addr:value ISSUBSET '45.76.12.0/24']"),
    ]);
    expect(out.entries.map((e) => e.value)).toEqual([
      'followed-c2.com',
      'repeats-c2.com',
      '45.76.10.3',
      '45.76.10.4',
      '45.76.12.0/24',
    ]);
    expect(out.rejected).toEqual([]);
  });

  it('AND: each observable of an AND is blocked; a port next to an address narrows nothing', async () => {
    const out = await compileStix([
      indicator("[domain-name:value = 'and-left-c2.com' AND domain-name:value = 'and-right-c2.com']"),
      indicator("[ipv4-addr:value = '45.76.10.5'] AND [domain-name:value = 'and-obs-c2.com']"),
      indicator("[ipv4-addr:value = '45.76.10.6' AND network-traffic:dst_port = 443]"),
    ]);
    expect(out.entries.map((e) => e.value)).toEqual([
      'and-left-c2.com',
      'and-obs-c2.com',
      'and-right-c2.com',
      '45.76.10.5',
      '45.76.10.6',
    ]);
    expect(out.rejected).toEqual([]);
  });

  it('an indicator with nothing to block, or without a pattern, is a rejected row', async () => {
    const out = await compileStix([
      indicator('[network-traffic:dst_port = 4444]'),
      { type: 'indicator', spec_version: '2.1', id: 'indicator--no-pattern', pattern_type: 'stix' },
    ]);
    expect(out.entries).toEqual([]);
    expect(rejectedAs(out, '[network-traffic:dst_port = 4444]')).toEqual([
      ['invalid', 'the STIX pattern names no value to block (only EXISTS, ports or protocols)'],
    ]);
    expect(rejectedAs(out, 'indicator--no-pattern')).toEqual([
      ['invalid', 'STIX indicator without a readable pattern'],
    ]);
  });
});

describe('STIX validity: valid_from and START begin it, valid_until and STOP end it (--now)', () => {
  const future = indicator("[domain-name:value = 'future-c2.com']", { valid_from: '2030-01-01T00:00:00Z' });

  it('valid_from in the future: rejected as expired "not valid until …", blocked once --now reaches it', async () => {
    const before = await compileStix([future]);
    expect(before.entries).toEqual([]);
    expect(rejectedAs(before, 'future-c2.com')).toEqual([
      ['expired', 'not valid until 2030-01-01T00:00:00.000Z'],
    ]);
    const after = await compileStix([future], '2030-01-02T00:00:00Z');
    expect(after.entries.map((e) => e.value)).toEqual(['future-c2.com']);
    expect(after.rejected).toEqual([]);
  });

  it('START/STOP qualifiers narrow the validity period of their observation only', async () => {
    const out = await compileStix([
      indicator(
        "[domain-name:value = 'start-later-c2.com'] START t'2027-01-01T00:00:00Z' STOP t'2028-01-01T00:00:00Z' OR [domain-name:value = 'unqualified-c2.com']",
      ),
      indicator(
        "[domain-name:value = 'stopped-c2.com'] START t'2025-01-01T00:00:00Z' STOP t'2026-02-01T00:00:00Z'",
      ),
      indicator(
        "[domain-name:value = 'window-c2.com'] START t'2026-01-01T00:00:00Z' STOP t'2026-12-01T00:00:00Z'",
      ),
    ]);
    expect(out.entries.map((e) => [e.value, e.expiresAt])).toEqual([
      ['unqualified-c2.com', null],
      ['window-c2.com', '2026-12-01T00:00:00.000Z'],
    ]);
    expect(rejectedAs(out, 'start-later-c2.com')).toEqual([
      ['expired', 'not valid until 2027-01-01T00:00:00.000Z'],
    ]);
    expect(rejectedAs(out, 'stopped-c2.com')).toEqual([['expired', 'valid until 2026-02-01T00:00:00.000Z']]);
  });

  it('a valid_from that is not a time: invalid, not "valid already"', async () => {
    const out = await compileStix([
      indicator("[domain-name:value = 'odd-time-c2.com']", { valid_from: 'someday' }),
    ]);
    expect(out.entries).toEqual([]);
    expect(rejectedAs(out, 'odd-time-c2.com')).toEqual([
      ['invalid', 'STIX valid_from "someday" is not a time'],
    ]);
  });
});

describe('a revoked STIX indicator', () => {
  it('is a rejected row (expired, revoked by its publisher) for each value it names, never blocked', async () => {
    const out = await compileStix([
      indicator("[domain-name:value = 'revoked-c2.com' OR ipv4-addr:value = '45.76.10.8']", {
        revoked: true,
      }),
      indicator("[domain-name:value = 'live-c2.com']"),
    ]);
    expect(out.entries.map((e) => e.value)).toEqual(['live-c2.com']);
    expect(rejectedAs(out, 'revoked-c2.com')).toEqual([['expired', 'revoked by its publisher']]);
    expect(rejectedAs(out, '45.76.10.8')).toEqual([['expired', 'revoked by its publisher']]);
  });
});
