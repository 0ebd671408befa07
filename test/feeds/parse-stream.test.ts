import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FeedError } from '../../src/errors.js';
import type { ParseOptions } from '../../src/feeds/parse.js';
import { parseStream, parseStreamBatches, parseText } from '../../src/feeds/parse.js';
import type { FeedNotice, FormatId, RawRecord } from '../../src/feeds/types.js';
import { fixture, chunked } from './helpers.js';

async function collect(input: Readable, options: ParseOptions) {
  const records: RawRecord[] = [];
  const notices: FeedNotice[] = [];
  let format: FormatId | undefined;
  for await (const r of parseStream(input, {
    ...options,
    onNotice: (n) => notices.push(n),
    onFormat: (f) => (format = f),
  }))
    records.push(r);
  return { format, records, notices };
}

describe('src/feeds/parse streaming', () => {
  it('any chunking of a fixture gives the same result as parseText (multi-byte chars and CRLF split too)', async () => {
    const text = `${fixture('formats/threatfox__recent.fixture.csv')}"2026-07-04 19:15:03", "9", "zürich-ünïcode.example", "domain"\r\n`;
    const buf = Buffer.from(text);
    const expected = parseText(text, { format: 'auto' });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: buf.length - 1 }), { maxLength: 12 }),
        async (cuts) => {
          const got = await collect(chunked(buf, cuts), { format: 'auto' });
          expect(got).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('streams gzip bodies (magic bytes), and a truncated gzip is a clear FeedError', async () => {
    const text = fixture('formats/spamhaus__drop.excerpt.txt');
    const gz = gzipSync(Buffer.from(text));
    const got = await collect(chunked(gz, [1, 10, 100]), { format: 'auto' });
    expect(got.format).toBe('spamhaus');
    expect(got.records).toEqual(parseText(text, { format: 'spamhaus' }).records);
    const truncated = gz.subarray(0, gz.length - 20);
    await expect(collect(chunked(truncated), { format: 'auto' })).rejects.toThrow(FeedError);
    await expect(collect(chunked(truncated), { format: 'auto' })).rejects.toThrow(
      /truncated or corrupt gzip/,
    );
  });

  it('malformed UTF-8 becomes replacement characters, not a crash', async () => {
    const buf = Buffer.concat([
      Buffer.from('good.example\nbad'),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from('.example\n'),
    ]);
    const got = await collect(chunked(buf, [15, 17]), { format: 'plain' });
    expect(got.records).toEqual([
      { value: 'good.example', line: 1 },
      { value: 'bad\uFFFD\uFFFD\uFFFD.example', line: 2 },
    ]);
  });

  it('buffers JSON formats and parses them whole; malformed JSON is a FeedError; the JSON cap holds', async () => {
    const text = fixture('handwritten/talos-3cx.stix21.json');
    const buf = Buffer.from(text);
    const got = await collect(chunked(buf, [5, 50, 500]), { format: 'auto' });
    expect(got).toEqual(parseText(text, { format: 'stix' }));
    await expect(collect(chunked(buf.subarray(0, 300)), { format: 'auto' })).rejects.toThrow(
      /^stix: malformed JSON/,
    );
    await expect(collect(chunked(buf, [100]), { format: 'stix', maxJsonBytes: 200 })).rejects.toThrow(
      /200-byte JSON cap/,
    );
  });

  it('an empty stream is an empty plain feed; the EDROP stub streams to zero records with its notices', async () => {
    expect(await collect(Readable.from([]), { format: 'auto' })).toEqual({
      format: 'plain',
      records: [],
      notices: [],
    });
    const stub = await collect(
      chunked(Buffer.from(fixture('formats/spamhaus__edrop-2024-10-merged-stub.txt'))),
      { format: 'auto' },
    );
    expect(stub.records).toEqual([]);
    expect(stub.notices.map((n) => n.level)).toEqual(['warn', 'warn']);
  });

  it('a multi-megabyte feed streams in batches with exact line numbers; the decoded-size cap holds', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 120_000; i++) lines.push(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    const buf = Buffer.from(`# big\n${lines.join('\n')}\n`);
    expect(buf.length).toBeGreaterThan(1024 * 1024);
    const parts: Buffer[] = [];
    for (let i = 0; i < buf.length; i += 65536) parts.push(buf.subarray(i, i + 65536));
    let count = 0;
    let batches = 0;
    let last: RawRecord | undefined;
    for await (const batch of parseStreamBatches(Readable.from(parts), { format: 'plain' })) {
      batches++;
      count += batch.length;
      last = batch.at(-1);
    }
    expect(count).toBe(120_000);
    expect(batches).toBeGreaterThan(10);
    expect(last).toEqual({ value: lines.at(-1), line: 120_001 });
    await expect(collect(Readable.from(parts), { format: 'plain', maxBytes: 1_000_000 })).rejects.toThrow(
      /1000000-byte cap/,
    );
  });

  it('refuses a "line" over 1 MiB (not a line format)', async () => {
    await expect(
      collect(Readable.from([Buffer.alloc(1_100_000, 0x61)]), { format: 'plain' }),
    ).rejects.toThrow(/longer than 1048576 characters/);
  });
});
