import { describe, expect, it } from 'vitest';
import { GuardViolationError } from '../../src/errors.js';
import { isCanonicalValue, withCanonicalValues } from '../../src/vendors/values.js';
import type { Change, FirewallAdapter } from '../../src/vendors/types.js';

describe('src/vendors/values: the canonical-value check every adapter gets', () => {
  it('accepts the forms the compiler writes', () => {
    for (const v of ['23.254.211.230', '45.33.32.0/23', '0.0.0.0/0'])
      expect(isCanonicalValue('ipv4', v), v).toBe(true);
    for (const v of ['2a0c:5a80::1', '2001:db8::/48']) expect(isCanonicalValue('ipv6', v), v).toBe(true);
    for (const v of ['journalide.org', 'xn--bcher-kva.example', 'a-b.c0.io'])
      expect(isCanonicalValue('domain', v), v).toBe(true);
  });

  it('refuses metacharacters, non-canonical spellings and other families', () => {
    const ipv4 = [
      '1.2.3.4\n=disabled=yes',
      '1.2.3.4,10.0.0.0/8',
      '01.2.3.4',
      '1.2.3.4/033',
      '1.2.3.4/33',
      '1.2.3',
      ' 1.2.3.4',
      '2a0c::1',
    ];
    for (const v of ipv4) expect(isCanonicalValue('ipv4', v), JSON.stringify(v)).toBe(false);
    const ipv6 = ['2A0C::1', '2a0c:0:0::1', '2a0c::1/129', '2a0c::1"', '1.2.3.4'];
    for (const v of ipv6) expect(isCanonicalValue('ipv6', v), JSON.stringify(v)).toBe(false);
    const domains = [
      'Evil.example',
      'evil.example.',
      '*.evil.example',
      'evil..example',
      'evil.example"><x',
      'evil.example\nserver:',
      'a.-b.example',
    ];
    for (const v of domains) expect(isCanonicalValue('domain', v), JSON.stringify(v)).toBe(false);
  });

  it('stops an apply before the adapter sees a bad value, and passes good ones through', async () => {
    const seen: Change[][] = [];
    const inner: FirewallAdapter = {
      vendor: 'opnsense',
      read: () => Promise.reject(new Error('unused')),
      apply: (changes) => {
        seen.push([...changes]);
        return Promise.resolve({ calls: 1, warnings: [] });
      },
      close: () => Promise.resolve(),
    };
    const adapter = withCanonicalValues(inner, 'fw1');
    const change = (value: string): Change => ({
      kind: 'set',
      op: 'update',
      setId: 'dns',
      name: 'iocwall_dns',
      family: 'domain',
      add: [value],
      remove: [],
      entries: [value],
    });
    const desired = { target: 'fw1', vendor: 'opnsense' as const, marker: 'iocwall:x', sets: [], rules: [] };
    await expect(adapter.apply([change('evil.example\nserver:')], desired)).rejects.toBeInstanceOf(
      GuardViolationError,
    );
    expect(seen).toEqual([]);
    await expect(adapter.apply([change('evil.example')], desired)).resolves.toEqual({
      calls: 1,
      warnings: [],
    });
    expect(seen).toHaveLength(1);
  });
});
