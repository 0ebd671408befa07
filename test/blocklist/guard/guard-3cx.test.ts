import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createGuard, DEFAULT_GUARD_OPTIONS } from '../../../src/blocklist/guard/guard.js';
import { readIocSet, splitAllowlist } from '../../../src/blocklist/shipped/ioc-set.js';
import { classify } from '../../../src/indicators/classify.js';
import type { NetworkIndicator } from '../../../src/indicators/types.js';
import { CORE_3CX_DOMAINS } from '../../helpers/threecx.js';

const src = readIocSet(fileURLToPath(new URL('../../../iocs/3cx/3cx-c2.json', import.meta.url)));
const guard = createGuard({ ...DEFAULT_GUARD_OPTIONS, allowlist: splitAllowlist(src.allowlist) });

function ind(raw: string): NetworkIndicator {
  const c = classify(raw);
  if (!c.ok) throw new Error(`${raw} does not classify: ${c.detail}`);
  expect(c.indicators).toHaveLength(1);
  return c.indicators[0]!;
}

const CORE = CORE_3CX_DOMAINS;

describe('the 3CX set through classify and the guard', () => {
  it('ships the 21 core domains', () => {
    const values = new Set(src.records.map((r) => r.value));
    for (const d of CORE) expect(values.has(d)).toBe(true);
  });

  it.each(CORE)('accepts core domain %s', (d) => {
    expect(guard.check(ind(d))).toBeNull();
  });

  it('accepts every shipped indicator (domains, www hosts, IPs)', () => {
    for (const r of src.records) {
      const c = classify(r.value, r.hint);
      expect(c.ok).toBe(true);
      if (c.ok)
        for (const i of c.indicators)
          expect({ value: r.value, verdict: guard.check(i) }).toEqual({ value: r.value, verdict: null });
    }
  });

  it.each([
    ['38.108.185.79', 'allowlisted'],
    ['38.108.185.115', 'allowlisted'],
    ['od.lk', 'allowlisted'],
    ['github.com', 'allowlisted'],
    ['raw.githubusercontent.com', 'allowlisted'],
    ['www.3cx.com', 'allowlisted'],
    ['3cx.com', 'allowlisted'],
    ['https://www.3cx.com/blog/event-trainings/', 'allowlisted'],
  ])('refuses do-not-block value %s', (raw, reason) => {
    expect(guard.check(ind(raw))).toMatchObject({ reason });
  });

  it('refuses the shared platforms even without the set allowlist (warninglists)', () => {
    const plain = createGuard(DEFAULT_GUARD_OPTIONS);
    expect(plain.check(ind('github.com'))).toEqual({ reason: 'warninglisted', detail: 'lots-project' });
    expect(plain.check(ind('raw.githubusercontent.com'))).toEqual({
      reason: 'warninglisted',
      detail: 'lots-project',
    });
  });

  it('does not extend the vendor allowlist to look-alikes', () => {
    for (const v of ['code9.3cx.com.au', 'cefi.my3cx.fr', '3cx-en.com'])
      expect(guard.check(ind(v))).toBeNull();
  });
});
