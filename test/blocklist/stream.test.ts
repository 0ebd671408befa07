/**
 * streamInto (src/blocklist/stream.ts) with the format left to `auto`: a plain list takes the byte
 * reader, as with `--format plain`, and every other format the record parser, with the same records.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { SourceSets } from '../../src/blocklist/aggregate/provenance.js';
import { Collector } from '../../src/blocklist/collect.js';
import { createGuard, DEFAULT_GUARD_OPTIONS } from '../../src/blocklist/guard/guard.js';
import { streamInto } from '../../src/blocklist/stream.js';
import type { FormatId } from '../../src/feeds/types.js';

const FORMATS = join(import.meta.dirname, '..', 'fixtures', 'iocs', 'formats');

/** Streams `bytes` as `format`; returns the record count and how often each collector path ran. */
async function stream(bytes: Buffer, format: FormatId | 'auto', fileName: string) {
  const sets = new SourceSets();
  const collector = new Collector({
    sets,
    guard: createGuard(DEFAULT_GUARD_OPTIONS),
    nowMs: 0,
    updateState: false,
  });
  const token = vi.spyOn(collector, 'recordToken');
  const record = vi.spyOn(collector, 'record');
  const records = await streamInto(
    () => Readable.from([bytes]),
    collector,
    { name: 'x', set: sets.source('x') },
    {
      format,
      fileName,
      onNotice: () => undefined,
    },
  );
  return {
    records,
    token: token.mock.calls.length,
    record: record.mock.calls.length,
    agg: collector.aggregator,
  };
}

describe('streamInto with the format left to auto', () => {
  it('reads a plain list (gzipped too) through the byte reader, as --format plain does', async () => {
    const text = readFileSync(join(FORMATS, '..', '3cx', 'maltrail__hacked_3cx.txt'));
    for (const bytes of [text, gzipSync(text)]) {
      const auto = await stream(bytes, 'auto', 'hacked_3cx.txt');
      const plain = await stream(bytes, 'plain', 'hacked_3cx.txt');
      expect(auto.token).toBeGreaterThan(0);
      expect(auto.record).toBe(0);
      expect(auto.records).toBe(plain.records);
      expect(auto.token).toBe(plain.token);
    }
  });

  it('gives any other format to the record parser with the records an explicit format gives', async () => {
    const csv = readFileSync(join(FORMATS, 'feodo__ipblocklist.csv'));
    const auto = await stream(csv, 'auto', 'ipblocklist.csv');
    const explicit = await stream(csv, 'csv', 'ipblocklist.csv');
    expect(auto.token).toBe(0);
    expect(auto.record).toBeGreaterThan(0);
    expect(auto.records).toBe(explicit.records);
  });
});
