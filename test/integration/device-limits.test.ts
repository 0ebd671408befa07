/**
 * What a device cannot enforce is said on every run, in every output: a RouterOS 6 router without its
 * ipv6 package holds no IPv6 block, so `sync`, `audit` (text, JSON, report) say which values it cannot
 * enforce even when it is in sync, and say nothing when the blocklist has no IPv6.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labFixture, type LabFixture } from './helpers.js';

const WARNING = 'device cannot hold IPv6: 1 IPv6 entry is not pushed';

describe('a device without IPv6', () => {
  let fx: LabFixture;
  beforeAll(async () => {
    fx = await labFixture({ vendors: ['mikrotik'], firmware: { mikrotik: '6.49+no-ipv6' } }, [
      '45.76.10.7',
      '2a0b:4d07::1',
      'c2.badguys-net.com',
    ]);
  });
  afterAll(async () => {
    await fx.lab.stop();
  });

  it('is told on sync and on a read-only audit that finds it in sync, in text, JSON and report', async () => {
    const sync = await fx.run('sync');
    expect(sync.code).toBe(0);
    expect(sync.stdout).toMatch(/lab-mikrotik \[mikrotik, lab\]: applied \(\+2 -0, 1 rule change\)/);
    expect(sync.stdout).toContain(`  warning: ${WARNING}`);

    const audit = await fx.run('audit');
    expect(audit.code).toBe(0);
    expect(audit.stdout).toContain('lab-mikrotik [mikrotik, lab]: in-sync');
    expect(audit.stdout).toContain(`  warning: ${WARNING}`);

    const json = JSON.parse((await fx.run('audit', '--json')).stdout) as {
      targets: { status: string; warnings?: string[] }[];
    };
    expect(json.targets[0]).toMatchObject({ status: 'in-sync', warnings: [WARNING] });

    const report = join(fx.dir, 'audit.md');
    expect((await fx.run('audit', '--report', report)).code).toBe(0);
    expect(readFileSync(report, 'utf8')).toContain(`**Not enforced here:** ${WARNING}`);

    const again = await fx.run('sync');
    expect(again.stdout).toContain('lab-mikrotik [mikrotik, lab]: in-sync');
    expect(again.stdout).toContain(`  warning: ${WARNING}`);
  });

  it('says nothing when the blocklist has no IPv6', async () => {
    // A lab of its own: a value that left its feed stays (retention), and with it the warning.
    const v4only = await labFixture({ vendors: ['mikrotik'], firmware: { mikrotik: '6.49+no-ipv6' } }, [
      '45.76.10.7',
      'c2.badguys-net.com',
    ]);
    try {
      const sync = await v4only.run('sync');
      expect(sync.code).toBe(0);
      expect(sync.stdout).toMatch(/applied \(\+2 -0, 1 rule change\)\n$/);
      const json = JSON.parse((await v4only.run('audit', '--json')).stdout) as {
        targets: { status: string; warnings?: string[] }[];
      };
      expect(json.targets[0]?.status).toBe('in-sync');
      expect(json.targets[0]?.warnings).toBeUndefined();
    } finally {
      await v4only.lab.stop();
    }
  });
});
