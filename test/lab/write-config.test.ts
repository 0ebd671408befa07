/**
 * `iocwall lab --write-config FILE` replaces only a config an earlier lab wrote (its ports and secrets
 * change every time), never a file of the user's; and `--firmware` for a vendor left out of `--vendors`
 * is an error, not silently unused. Both are refused before any simulator starts.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { assertLabConfigWritable, writeLabConfig } from '../../src/lab/lab.js';

async function lab(args: string[]): Promise<{ code: number; stderr: string }> {
  const stderr = new PassThrough();
  let text = '';
  stderr.on('data', (c: Buffer) => (text += c.toString()));
  const code = await runCli(['--log-level', 'warn', 'lab', ...args], {
    stdout: new PassThrough(),
    stderr,
    isTTY: false,
  });
  return { code, stderr: text };
}

describe('lab --write-config', () => {
  it('refuses to replace a file it did not write, and leaves it as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iocwall-labcfg-'));
    const mine = join(dir, 'iocwall.yaml');
    writeFileSync(mine, 'instanceId: acme\ntargets: []\n');
    const res = await lab(['--vendors', 'opnsense', '--write-config', mine]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/iocwall\.yaml: the file exists and was not written by iocwall lab/);
    expect(readFileSync(mine, 'utf8')).toBe('instanceId: acme\ntargets: []\n');
  });

  it('replaces a config an earlier lab wrote', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iocwall-labcfg-'));
    const path = join(dir, 'lab.yaml');
    expect(() => assertLabConfigWritable(path)).not.toThrow();
    writeLabConfig(path, []);
    expect(() => assertLabConfigWritable(path)).not.toThrow();
    writeFileSync(path, `# my notes\n${readFileSync(path, 'utf8')}`);
    expect(() => assertLabConfigWritable(path)).toThrow(/not written by iocwall lab/);
  });

  it('refuses --firmware for a vendor it is not asked to start', async () => {
    const res = await lab(['--vendors', 'opnsense', '--firmware', 'mikrotik=6.49']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/--firmware mikrotik=…: mikrotik is not among --vendors opnsense/);
  });
});
