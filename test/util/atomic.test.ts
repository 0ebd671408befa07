import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendLine, writeFileAtomic } from '../../src/util/atomic.js';

describe('writeFileAtomic', () => {
  it('replaces a file with the new content, making its folder first', () => {
    const root = mkdtempSync(join(tmpdir(), 'iocwall-atomic-'));
    const path = join(root, 'state', 'plan.json');
    writeFileAtomic(path, 'old ✓\n');
    writeFileAtomic(path, 'new ✓\n');
    expect(readFileSync(path, 'utf8')).toBe('new ✓\n');
    expect(readdirSync(join(root, 'state'))).toEqual(['plan.json']);
  });

  it('leaves no temp file and the target untouched when the rename fails', () => {
    const root = mkdtempSync(join(tmpdir(), 'iocwall-atomic-'));
    const path = join(root, 'taken');
    mkdirSync(path);
    writeFileSync(join(path, 'inside'), 'x');
    expect(() => writeFileAtomic(path, 'content')).toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(readdirSync(root)).toEqual(['taken']);
    expect(readdirSync(path)).toEqual(['inside']);
  });
});

describe('appendLine', () => {
  it('appends one line per call, making the folder first', () => {
    const root = mkdtempSync(join(tmpdir(), 'iocwall-atomic-'));
    const path = join(root, 'journal', 'log.jsonl');
    appendLine(path, '{"a":1}');
    appendLine(path, '{"b":2}');
    expect(readFileSync(path, 'utf8')).toBe('{"a":1}\n{"b":2}\n');
  });
});

describe('writeFileAtomic sweeps what a killed writer left', () => {
  it('removes an old temp file of the same file, keeps a fresh one (a concurrent writer)', () => {
    const root = mkdtempSync(join(tmpdir(), 'iocwall-atomic-'));
    const path = join(root, 'retention.json');
    const old = `retention.json.4242.${Date.now() - 3_600_000}.tmp`;
    const fresh = `retention.json.4243.${Date.now()}.tmp`;
    writeFileSync(join(root, old), '{"half":');
    writeFileSync(join(root, fresh), '{"in progress":');
    writeFileSync(join(root, 'other.json.1.1.tmp'), 'not ours');
    writeFileAtomic(path, '{}\n');
    expect(readdirSync(root).sort()).toEqual([fresh, 'other.json.1.1.tmp', 'retention.json'].sort());
  });
});
