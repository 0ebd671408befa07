/**
 * The pushed-indicators store: per-target expiry, and a v1 file (one expiry for every target) read as v2.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addPushed, pushedFor, readPushed, withdrawPushed } from '../../src/blocklist/pushed.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'iocwall-pushed-'));
const now = new Date('2026-03-29T00:00:00Z');
const entry = (expiresAt: string | null) => ({
  type: 'ip' as const,
  value: '45.77.8.8',
  sources: ['push:a'],
  expiresAt,
});

describe('src/blocklist/pushed', () => {
  it('keeps one expiry per target: re-pushing to one target changes only its own', () => {
    const dir = tmp();
    addPushed(dir, [entry('2026-04-08T00:00:00.000Z')], ['fw1', 'fw2'], now);
    addPushed(dir, [entry('2026-04-01T00:00:00.000Z')], ['fw1'], now);
    const later = new Date('2026-04-03T00:00:00Z');
    expect(pushedFor(dir, 'fw1', later)).toEqual([]);
    expect(pushedFor(dir, 'fw2', later)).toEqual([entry('2026-04-08T00:00:00.000Z')]);
    expect(pushedFor(dir, 'fw1', now)).toEqual([entry('2026-04-01T00:00:00.000Z')]);
  });

  it('reads a v1 file with its one expiry on every target, and writes it back as v2', () => {
    const dir = tmp();
    const v1 = {
      schema: 'iocwall.pushed/v1',
      entries: [
        { entry: entry('2026-04-08T00:00:00.000Z'), pushedAt: now.toISOString(), targets: ['fw1', 'fw2'] },
      ],
    };
    writeFileSync(join(dir, 'pushed.json'), JSON.stringify(v1));
    expect(readPushed(dir)[0]?.targets).toEqual([
      { name: 'fw1', expiresAt: '2026-04-08T00:00:00.000Z' },
      { name: 'fw2', expiresAt: '2026-04-08T00:00:00.000Z' },
    ]);
    addPushed(dir, [entry(null)], ['fw2'], now);
    const written = JSON.parse(readFileSync(join(dir, 'pushed.json'), 'utf8')) as { schema: string };
    expect(written.schema).toBe('iocwall.pushed/v2');
    const later = new Date('2026-05-01T00:00:00Z');
    expect(pushedFor(dir, 'fw1', later)).toEqual([]);
    expect(pushedFor(dir, 'fw2', later)).toEqual([entry(null)]);
  });

  it('counts as withdrawn only the entries the targets held', () => {
    const dir = tmp();
    addPushed(dir, [entry(null)], ['fw1'], now);
    expect(withdrawPushed(dir, new Set(['45.77.8.8']), ['fw2'])).toBe(0);
    expect(withdrawPushed(dir, new Set(['45.77.8.8']), ['fw1'])).toBe(1);
    expect(readPushed(dir)).toEqual([]);
  });
});
