/**
 * The low-severity holes of issue 14 (item 9), each through the CLI: warnings that were missing, and the
 * exit code of a configuration error that only showed up per target.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { implementedVendors } from '../../src/vendors/index.js';
import { VENDOR_IDS } from '../../src/vendors/types.js';
import { cli, labFixture, type LabFixture } from '../integration/helpers.js';

describe('warnings and exit codes', () => {
  let fx: LabFixture;
  beforeAll(async () => {
    fx = await labFixture({ vendors: ['opnsense', 'mikrotik'] }, ['45.76.10.7']);
  });
  afterAll(async () => {
    await fx.lab.stop();
  });

  it('check --config warns when a target has TLS verification off', async () => {
    fx.editConfig((c) => {
      (c.targets as Record<string, unknown>[])[0]!.tls = { insecure: true };
    });
    const res = await fx.run('check', '45.76.10.7');
    expect(res.stderr).toMatch(/TLS VERIFICATION IS OFF/);
    fx.editConfig((c) => {
      (c.targets as Record<string, unknown>[])[0]!.tls = {
        fingerprint: `sha256:${fx.device('opnsense').fingerprint!}`,
      };
    });
    expect((await fx.run('check', '45.76.10.7')).stderr).not.toMatch(/TLS VERIFICATION IS OFF/);
  });

  it('a secret file every user can read draws a warning', async () => {
    const file = join(fx.dir, 'iocwall.secrets', 'lab-mikrotik.password');
    chmodSync(file, 0o644);
    const res = await fx.run('audit');
    expect(res.stderr).toMatch(
      /secret file:iocwall\.secrets\/lab-mikrotik\.password is readable by every user/,
    );
    chmodSync(file, 0o600);
    expect((await fx.run('audit')).stderr).not.toMatch(/readable by every user/);
  });

  it('a missing secret of one target is a configuration error: exit 1 before any device is touched', async () => {
    const file = join(fx.dir, 'iocwall.secrets', 'lab-mikrotik.password');
    const writes = fx.device('opnsense').writeCount();
    rmSync(file);
    fx.setFeed(['45.76.10.7', '45.76.11.7']);
    const res = await fx.run('sync');
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/secret file:iocwall\.secrets\/lab-mikrotik\.password cannot be read/);
    expect(fx.device('opnsense').writeCount()).toBe(writes);
  });

  it('a vendor this release does not implement is a configuration error: exit 1', async () => {
    const missing = VENDOR_IDS.find((v) => !implementedVendors().includes(v)) ?? 'fortinet';
    fx.editConfig((c) => {
      const targets = c.targets as Record<string, unknown>[];
      targets.splice(1, 1); // the target whose secret is gone
      targets.push({ ...targets[0], name: 'other-fw', vendor: missing, credentials: {} });
    });
    const res = await fx.run('plan');
    expect(res.code).toBe(1);
    // An id the schema knows but no module implements is named; an unknown id lists the vendors there are.
    if (missing === 'fortinet') for (const v of implementedVendors()) expect(res.stderr).toContain(v);
    else expect(res.stderr).toMatch(new RegExp(missing));
  });
});

describe('binary garbage as input', () => {
  it('warns that the input is not text, on stderr and in the summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iocwall-garbage-'));
    const path = join(dir, 'garbage.bin');
    const bytes = Buffer.alloc(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 256;
    writeFileSync(path, bytes);
    const res = await cli(['compile', '--input', path, '--log-level', 'warn']);
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/looks binary/);
    expect(res.stdout).toMatch(/warnings: 1/);
  });

  it('says truthfully what happens to the text lines in a file with binary bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iocwall-garbage-'));
    const path = join(dir, 'mixed.bin');
    writeFileSync(path, Buffer.from('c2.badguys-net.com\n\x00\x01binary\xff\n185.220.101.2\n', 'latin1'));
    const res = await cli(['compile', '--input', path, '--json', '--log-level', 'warn']);
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/looks binary[^\n]*lines are still read/);
    const doc = JSON.parse(res.stdout) as { entries: { value: string }[]; rejected: unknown[] };
    expect(doc.entries.map((e) => e.value).sort()).toEqual(['185.220.101.2', 'c2.badguys-net.com']);
    expect(doc.rejected.length).toBeGreaterThan(0);
  });
});
