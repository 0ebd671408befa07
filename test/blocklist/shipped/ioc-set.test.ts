import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FeedError } from '../../../src/errors.js';
import { iocSetToSource, readIocSet, splitAllowlist } from '../../../src/blocklist/shipped/ioc-set.js';

const set3cx = fileURLToPath(new URL('../../../iocs/3cx/3cx-c2.json', import.meta.url));
const setUnc = fileURLToPath(new URL('../../../iocs/3cx/unc4736-related.json', import.meta.url));

describe('readIocSet: the shipped 3CX set', () => {
  const src = readIocSet(set3cx);

  it('names its source and carries every indicator with a hint and a first-seen date', () => {
    expect(src.sourceName).toBe('3cx-2023-03');
    expect(src.records).toHaveLength(27);
    for (const r of src.records) {
      expect(['domain', 'ip']).toContain(r.hint);
      expect(r.firstSeen).toMatch(/^2023-0[34]-\d\d$/);
    }
    expect(src.records.map((r) => r.line)).toEqual(src.records.map((_r, i) => i + 1));
  });

  it('turns doNotBlock into the allowlist and leaves data errors and URLs out', () => {
    expect(src.allowlist).toEqual([
      '38.108.185.79',
      '38.108.185.115',
      'od.lk',
      'github.com',
      'raw.githubusercontent.com',
      'www.3cx.com',
      '3cx.com',
    ]);
    const values = src.records.map((r) => r.value);
    expect(values).not.toContain('acharryblogs.com');
    expect(values).not.toContain('philip.je');
    expect(values.some((v) => v.includes('IconStorages'))).toBe(false);
  });

  it('filters by confidence', () => {
    const high = readIocSet(set3cx, { minConfidence: 'high' }).records.map((r) => r.value);
    expect(high).toHaveLength(23);
    expect(high).not.toContain('172.93.201.88');
    expect(high).not.toContain('msedgeupdate.net');
    const medium = readIocSet(set3cx, { minConfidence: 'medium' }).records.map((r) => r.value);
    expect(medium).toContain('23.254.211.230');
    expect(medium).not.toContain('172.93.201.88');
  });

  it('reads the separate UNC4736 set', () => {
    const unc = readIocSet(setUnc);
    expect(unc.sourceName).toBe('unc4736-related');
    expect(unc.records.map((r) => r.value)).toContain('curvefinances.com');
    expect(src.records.map((r) => r.value)).not.toContain('curvefinances.com');
  });
});

describe('readIocSet: validation', () => {
  const base = { schema: 'iocwall.ioc-set/v1', name: 'x', indicators: [] };

  it('accepts a minimal set and maps expiresAt to validUntil', () => {
    const src = iocSetToSource(
      {
        ...base,
        indicators: [
          {
            value: 'evil.com',
            type: 'domain',
            confidence: 'low',
            publishers: ['me'],
            expiresAt: '2024-01-01T00:00:00Z',
          },
        ],
      },
      'inline',
    );
    expect(src.records).toEqual([
      { value: 'evil.com', line: 1, hint: 'domain', validUntil: '2024-01-01T00:00:00Z' },
    ]);
    expect(src.allowlist).toEqual([]);
  });

  it.each([
    [{ ...base, schema: 'other' }],
    [{ ...base, indicators: [{ value: 'evil.com', type: 'url', confidence: 'low', publishers: ['me'] }] }],
    [
      {
        ...base,
        indicators: [{ value: 'evil.com', type: 'domain', confidence: 'sure', publishers: ['me'] }],
      },
    ],
    [{ ...base, indicators: [{ value: 'evil.com', type: 'domain', confidence: 'low', publishers: [] }] }],
    [
      {
        ...base,
        indicators: [{ value: 'evil.com', type: 'domain', confidence: 'low', publishers: ['me'], extra: 1 }],
      },
    ],
    [{ ...base, name: 'Has Spaces' }],
  ])('refuses %j with a FeedError', (json) => {
    expect(() => iocSetToSource(json, 'inline')).toThrow(FeedError);
  });

  it('reports unreadable files as FeedError', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iocset-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ not json');
    expect(() => readIocSet(bad)).toThrow(FeedError);
    expect(() => readIocSet(join(dir, 'missing.json'))).toThrow(FeedError);
  });
});

describe('splitAllowlist', () => {
  it('splits and canonicalises', () => {
    expect(splitAllowlist(['38.108.185.79', 'WWW.3CX.COM.', '2001:DB8::1', '10.0.0.1/8'])).toEqual({
      domains: ['www.3cx.com'],
      ips: ['38.108.185.79', '2001:db8::1', '10.0.0.0/8'],
    });
    expect(() => splitAllowlist(['not a value'])).toThrow(FeedError);
  });
});
