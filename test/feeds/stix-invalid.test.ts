/**
 * Bad STIX (issue 14, item 8): an indicator whose `valid_until` is not a time, or whose pattern does not
 * parse, is rejected with the reason `invalid` and a detail — never an entry that never expires.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { patternComparisons } from '../../src/feeds/parsers/stix-pattern.js';
import { cli } from '../integration/helpers.js';

function indicator(pattern: string, extra: Record<string, unknown> = {}) {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${Math.random().toString(16).slice(2)}`,
    pattern_type: 'stix',
    pattern,
    valid_from: '2026-01-01T00:00:00Z',
    ...extra,
  };
}

async function compileStix(objects: unknown[]) {
  const dir = mkdtempSync(join(tmpdir(), 'iocwall-stix-'));
  const path = join(dir, 'bundle.json');
  writeFileSync(path, JSON.stringify({ type: 'bundle', id: 'bundle--1', objects }));
  // A clock after the indicators' valid_from: before it they are not valid yet (stix-blocking.test.ts).
  const now = ['--now', '2026-06-01T00:00:00Z'];
  const res = await cli([
    'compile',
    '--input',
    path,
    '--format',
    'stix',
    ...now,
    '--json',
    '--log-level',
    'silent',
  ]);
  expect(res.code).toBe(0);
  return JSON.parse(res.stdout) as {
    entries: { value: string; expiresAt?: string | null }[];
    rejected: { value: string; reason: string; detail?: string }[];
  };
}

describe('bad STIX indicators are rejected with a reason', () => {
  it('valid_until that is not a time: invalid, not "never expires"', async () => {
    const out = await compileStix([
      indicator("[ipv4-addr:value = '45.76.10.7']", { valid_until: 'not-a-date' }),
      indicator("[domain-name:value = 'msstorageazure.com']", { valid_until: '2099-01-01T00:00:00Z' }),
    ]);
    expect(out.entries.map((e) => e.value)).toEqual(['msstorageazure.com']);
    expect(out.rejected).toEqual([
      expect.objectContaining({
        value: '45.76.10.7',
        reason: 'invalid',
        detail: expect.stringMatching(/valid_until/),
      }),
    ]);
  });

  it.each([
    "[ipv4-addr:value = '45.76.10.8' AND ]",
    "[ipv4-addr:value = '45.76.10.8'] AND",
    "[ipv4-addr:value = '45.76.10.8' AND AND domain-name:value = 'x.example']",
    "[ipv4-addr:value = '45.76.10.8'",
    "ipv4-addr:value = '45.76.10.8'",
    "[ipv4-addr:value = '45.76.10.8'] [domain-name:value = 'x.example']",
  ])('a broken pattern %s: invalid, no entry', async (pattern) => {
    const out = await compileStix([indicator(pattern)]);
    expect(out.entries).toEqual([]);
    expect(out.rejected).toEqual([
      expect.objectContaining({ reason: 'invalid', detail: expect.stringMatching(/STIX pattern/) }),
    ]);
  });

  it('well-formed patterns still read: AND, OR, parentheses, IN, qualifiers', () => {
    const ok = [
      "[ipv4-addr:value = '1.2.3.4' AND network-traffic:dst_port = 443]",
      "([domain-name:value = 'a.example'] OR [domain-name:value = 'b.example']) WITHIN 300 SECONDS",
      "[ipv4-addr:value IN ('1.2.3.4', '5.6.7.8')] REPEATS 2 TIMES",
      "[(ipv4-addr:value = '1.2.3.4' OR ipv4-addr:value = '1.2.3.5') AND file:name NOT = 'x']",
      "[file:hashes.'SHA-256' = 'aa'] FOLLOWEDBY [url:value = 'http://x.example/'] START t'2026-01-01T00:00:00Z' STOP t'2026-02-01T00:00:00Z'",
    ];
    for (const p of ok) expect(patternComparisons(p), p).toBeDefined();
  });
});
