import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureDir } from '../../src/util/dirs.js';

describe('ensureDir', () => {
  it('creates missing parents, with the mode given, and accepts a folder that exists', () => {
    const root = mkdtempSync(join(tmpdir(), 'iocwall-dirs-'));
    const deep = join(root, 'a', 'b', 'c');
    ensureDir(deep, 0o700);
    expect(statSync(deep).isDirectory()).toBe(true);
    expect(statSync(join(root, 'a')).mode & 0o777).toBe(0o700);
    ensureDir(deep);
    ensureDir(root);
    expect(existsSync(deep)).toBe(true);
  });

  it('throws when a file is in the way', () => {
    const root = mkdtempSync(join(tmpdir(), 'iocwall-dirs-'));
    writeFileSync(join(root, 'file'), 'x');
    expect(() => ensureDir(join(root, 'file', 'sub'))).toThrow(/ENOTDIR/);
  });

  // Node 20's recursive mkdir spins forever here (mkdir answers ENOENT under /proc).
  it.runIf(existsSync('/proc/self'))(
    'fails at once where mkdir answers ENOENT for an existing parent',
    () => {
      expect(() => ensureDir('/proc/iocwall-no-such/dir')).toThrow(/ENOENT/);
    },
  );
});
