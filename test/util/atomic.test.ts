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
