/**
 * Errors as a user meets them: the built binary in its own process, where module loading takes real
 * time (an in-process run has every module loaded already, and hid the first of these).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = new URL('../../dist/src/cli/main.js', import.meta.url).pathname;

function iocwall(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, '--log-level', 'warn', ...args], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the binary reports bad paths in one line', () => {
  it('a missing --input, whatever the format (auto loads its parsers first)', () => {
    for (const format of ['auto', 'plain', 'csv']) {
      const r = iocwall(['compile', '--format', format, '--input', '/nonexistent/feed.txt']);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('iocwall: cannot read input /nonexistent/feed.txt: ENOENT\n');
      expect(r.stdout).toBe('');
    }
  });

  it('a config file source that is missing or a folder (streamed after its parsers load)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iocwall-errors-'));
    for (const format of ['auto', 'plain', 'csv']) {
      const config = join(dir, `missing-${format}.yaml`);
      writeFileSync(config, `sources:\n  - { name: adv, file: advisory.txt, format: ${format} }\n`);
      for (const command of [['compile'], ['check', '192.0.2.1']]) {
        const r = iocwall([...command, '--config', config]);
        expect(r.code).toBe(1);
        expect(r.stderr).toBe(`iocwall: source adv: cannot read ${join(dir, 'advisory.txt')}: ENOENT\n`);
        expect(r.stdout).toBe('');
      }
    }
    const folder = join(dir, 'folder.yaml');
    writeFileSync(folder, 'sources:\n  - { name: adv, file: . }\n');
    const r = iocwall(['compile', '--config', folder]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`iocwall: source adv: cannot read ${dir}: EISDIR\n`);
  });

  it.runIf(existsSync('/proc/self'))('an --out folder that cannot be made (no endless retry)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iocwall-errors-'));
    const input = join(dir, 'list.txt');
    writeFileSync(input, 'evil-c2.example.net\n');
    const r = iocwall(['compile', '--input', input, '--out', '/proc/iocwall-no-such/blocklist.json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('iocwall: cannot write /proc/iocwall-no-such/blocklist.json: ENOENT\n');
  });
});
