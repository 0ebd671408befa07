import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { iocSetSchema } from '../../../src/blocklist/shipped/ioc-set.js';
import { BUILTIN_SET_FILES, knownDataErrors, packageRoot } from '../../../src/blocklist/shipped/shipped.js';

describe('the shipped sets’ data errors (read without the schema)', () => {
  it('are exactly the `rejected` entries the IOC-set schema reads from every shipped set', () => {
    const expected = new Map<string, { rejectAs: string; why: string }>();
    for (const rel of Object.values(BUILTIN_SET_FILES)) {
      const set = iocSetSchema.parse(JSON.parse(readFileSync(join(packageRoot(), rel), 'utf8')));
      for (const r of set.rejected)
        expected.set(r.value.toLowerCase(), { rejectAs: r.rejectAs, why: r.reason });
    }
    expect(expected.size).toBeGreaterThan(0);
    expect(new Map(knownDataErrors())).toEqual(expected);
    expect(knownDataErrors().get('acharryblogs.com')?.rejectAs).toBe('invalid');
  });
});
