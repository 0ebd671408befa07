import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explainValue } from '../../src/blocklist/explain.js';
import type { CompileInput } from '../../src/blocklist/compile.js';
import { defaultConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/log.js';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'iocs', '3cx');
const inputs: CompileInput[] = [
  'volexity__iocs.csv',
  'maltrail__hacked_3cx.txt',
  'splunk__3cx_ioc_domains.csv',
].map((f) => ({
  name: f.split('__')[0]!,
  path: join(FIX, f),
  format: 'auto',
}));
const explain = (value: string, extra: Partial<Parameters<typeof explainValue>[0]> = {}) =>
  explainValue({
    value,
    loaded: defaultConfig(mkdtempSync(join(tmpdir(), 'iocwall-x-'))),
    inputs,
    includeConfigSources: false,
    now: new Date('2024-01-01T00:00:00Z'),
    log: silentLogger,
    ...extra,
  });

describe('explainValue', () => {
  it('explains a value blocked directly, with every source and raw form', async () => {
    const e = await explain('journalide[.]org');
    expect(e.normalised).toEqual([{ type: 'domain', value: 'journalide.org' }]);
    expect(e.blocked).toBe(true);
    expect(e.coveredBy.map((m) => [m.entry.value, m.how])).toEqual([['journalide.org', 'exact']]);
    expect(e.listedBy.map((l) => [l.source, l.raw, l.status])).toEqual([
      ['maltrail', 'journalide.org', 'accepted'],
      ['splunk', 'journalide.org', 'accepted'],
      ['volexity', 'www.journalide.org', 'accepted'],
      ['volexity', 'journalide.org', 'accepted'],
    ]);
    expect(e.why).toBe('blocked: entry journalide.org (sources: maltrail, splunk, volexity)');
  });

  it('explains a subdomain covered by its parent entry', async () => {
    const e = await explain('cdn.journalide.org');
    expect(e.blocked).toBe(true);
    expect(e.coveredBy[0]?.how).toBe('parent-domain');
    expect(e.why).toMatch(/^blocked: covered by the parent domain entry journalide.org/);
  });

  it('explains why an allowlisted, data-error or unlisted value is not blocked', async () => {
    const vendor = await explain('www.3cx.com');
    expect(vendor.blocked).toBe(false);
    expect(vendor.rejected).toEqual([
      { value: 'www.3cx.com', source: 'splunk', reason: 'allowlisted', detail: 'allowlist 3cx.com' },
    ]);
    expect(vendor.why).toBe('not blocked: allowlisted (allowlist 3cx.com) in splunk');
    const philip = await explain('philip.je');
    expect(philip.blocked).toBe(false);
    expect(philip.rejected[0]?.reason).toBe('not-network');
    const unknown = await explain('benign-site.org');
    expect(unknown).toMatchObject({ blocked: false, listedBy: [], why: 'not blocked: no source lists it' });
  });

  it("gives the guard's verdict on a value whether or not a source lists it", async () => {
    const lan = await explain('10.0.0.1');
    expect(lan.listedBy).toEqual([]);
    expect(lan.guard).toEqual([
      { value: '10.0.0.1', allowed: false, reason: 'guarded', detail: '10.0.0.0/8 private (RFC 1918)' },
    ]);
    const platform = await explain('hxxps://github[.]com/x/y');
    expect(platform.guard).toEqual([
      { value: 'github.com', allowed: false, reason: 'warninglisted', detail: 'lots-project' },
    ]);
    expect((await explain('benign-site.org')).guard).toEqual([{ value: 'benign-site.org', allowed: true }]);
    expect((await explain('journalide.org')).guard).toEqual([{ value: 'journalide.org', allowed: true }]);
    // A range is several networks: one verdict each.
    const range = await explain('1.2.3.4-1.2.3.5');
    expect(range.guard.map((g) => [g.value, g.allowed])).toEqual([['1.2.3.4/31', true]]);
    expect((await explain('philip.je@proton.me')).guard).toEqual([]);
  });

  it('explains a value that is not a network indicator', async () => {
    const e = await explain('philip.je@proton.me');
    expect(e.normalised).toEqual([]);
    expect(e.invalid?.reason).toBe('not-network');
    expect(e.listedBy).toEqual([
      {
        source: 'volexity',
        raw: 'philip.je@proton.me',
        line: 4,
        status: 'not-network',
        detail: 'labelled "email" by the feed',
      },
    ]);
  });

  it('explains an address covered by a wider listed network and reports targets through the hook', async () => {
    const e = await explain('23.254.211.230', {
      targetsWithValue: (v) => Promise.resolve([{ target: `fw-${v}`, present: true }]),
    });
    expect(e.blocked).toBe(true);
    expect(e.listedBy[0]).toMatchObject({
      source: 'maltrail',
      raw: '23.254.211.230:443',
      indicator: '23.254.211.230',
    });
    expect(e.targets).toEqual([{ target: 'fw-23.254.211.230', present: true }]);
  });
});
