import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../src/blocklist/lifetime/expiry.js';
import { RetentionStore, retentionPath } from '../../../src/blocklist/lifetime/retention.js';
import { ConfigError } from '../../../src/errors.js';

const t0 = Date.parse('2024-06-01T00:00:00Z');

describe('RetentionStore', () => {
  it('keeps first sightings across runs and reports vanished values until their retention ends', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iocwall-ret-'));
    let store = RetentionStore.load(dir);
    expect(store.see('feed', 'evil.example', t0)).toBe(t0);
    store.see('feed', '198.51.100.7', t0, t0 - DAY_MS);
    store.save();

    store = RetentionStore.load(dir);
    expect(store.firstSeen('feed', '198.51.100.7')).toBe(t0 - DAY_MS);
    expect(store.see('feed', 'evil.example', t0 + DAY_MS)).toBe(t0);
    // 198.51.100.7 left the feed: retained for 7 days after it was last seen.
    expect(store.retained('feed', t0 + DAY_MS, 7)).toEqual([
      { value: '198.51.100.7', firstSeen: t0 - DAY_MS, lastSeen: t0, retainUntil: t0 + 7 * DAY_MS },
    ]);
    store.save();

    store = RetentionStore.load(dir);
    store.see('feed', 'evil.example', t0 + 8 * DAY_MS);
    expect(store.retained('feed', t0 + 8 * DAY_MS, 7)).toEqual([]);
    store.save();
    expect(
      Object.keys(
        (JSON.parse(readFileSync(retentionPath(dir), 'utf8')) as { sources: Record<string, object> }).sources
          .feed ?? {},
      ),
    ).toEqual(['evil.example']);
  });

  it('treats a value seen in this run as present even when the clock did not move', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iocwall-ret-'));
    const first = RetentionStore.load(dir);
    first.see('feed', 'a.example', t0);
    first.see('feed', 'b.example', t0);
    first.save();
    const second = RetentionStore.load(dir);
    second.see('feed', 'a.example', t0);
    expect(second.retained('feed', t0, 7).map((r) => r.value)).toEqual(['b.example']);
  });

  it('forgets sources removed from the config', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iocwall-ret-'));
    const store = RetentionStore.load(dir);
    store.see('gone', 'x.example', t0);
    store.see('kept', 'y.example', t0);
    store.prune(new Set(['kept']));
    store.save();
    expect(
      Object.keys((JSON.parse(readFileSync(retentionPath(dir), 'utf8')) as { sources: object }).sources),
    ).toEqual(['kept']);
  });

  it('refuses a damaged state file instead of silently starting over', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iocwall-ret-'));
    writeFileSync(retentionPath(dir), '{"schema":"iocwall.retention/v1","sources":{"a":{"x":[1]}}}');
    expect(() => RetentionStore.load(dir)).toThrow(ConfigError);
  });
});
