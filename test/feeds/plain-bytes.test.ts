import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FeedError } from '../../src/errors.js';
import { MAX_LINE_CHARS } from '../../src/feeds/line-driver.js';
import { readPlainBytes } from '../../src/feeds/plain-bytes.js';
import { chunked, plainLine, plainValuesOf } from './helpers.js';

/** What a sink may take (PlainSink.token): one bare printable-ASCII token, not starting with `!`. */
const BARE = /^[\x21-\x22\x24-\x3a\x3c-\x7e][\x21-\x22\x24-\x3a\x3c-\x7e]*$/;

/**
 * The same via the byte reader. `take`: whether the sink takes the lines it may take (as the
 * collector does for canonical values) or none (every line then goes through the text path).
 */
async function viaBytes(
  buf: Buffer,
  cuts: number[],
  take = true,
): Promise<{ values: [string, number][]; tokens: number }> {
  const values: [string, number][] = [];
  let tokens = 0;
  await readPlainBytes(
    chunked(buf, cuts),
    {},
    {
      token(b, start, end, line) {
        const text = b.toString('latin1', start, end);
        if (!take || !BARE.test(text) || text.startsWith('!')) return false;
        tokens++;
        values.push([text, line]);
        return true;
      },
      value(value, line) {
        values.push([value, line]);
      },
    },
  );
  return { values, tokens };
}

function fixtureFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? fixtureFiles(path) : [path];
  });
}

describe('readPlainBytes', () => {
  it('gives the values and line numbers of parsePlainValues, any chunking (property)', async () => {
    const line = plainLine;
    // Raw bytes too: invalid UTF-8, a truncated sequence before a newline, a BOM mid-file.
    const rawLine = fc.oneof(
      line.map((l) => Buffer.from(l)),
      fc.uint8Array({ maxLength: 12 }).map((a) => Buffer.from(a)),
      fc.constantFrom(Buffer.from([0xe2, 0x82]), Buffer.from([0xef, 0xbb, 0xbf, 0x61, 0x2e, 0x63, 0x6f])),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(rawLine, { maxLength: 60 }),
        fc.array(fc.integer({ min: 1, max: 400 }), { maxLength: 12 }),
        fc.boolean(),
        fc.boolean(),
        async (lines, cuts, gzip, finalNewline) => {
          const parts = lines.flatMap((l, i) => (i === 0 ? [l] : [Buffer.from('\n'), l]));
          if (finalNewline) parts.push(Buffer.from('\n'));
          const text = Buffer.concat(parts);
          const buf = gzip ? gzipSync(text) : text;
          const expected = await plainValuesOf(buf, cuts);
          expect((await viaBytes(buf, cuts)).values).toEqual(expected);
          expect((await viaBytes(buf, cuts, false)).values).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('offers lines as bytes first: the million-line case makes no strings', async () => {
    const text = Buffer.from('1.2.3.4\r\nevil.example\n# c\n 5.6.7.8\n!x\n10.0.0.0/8\nbom\u00a0x\n');
    const { values, tokens } = await viaBytes(text, [5, 9]);
    expect(values).toEqual([
      ['1.2.3.4', 1],
      ['evil.example', 2],
      ['5.6.7.8', 4],
      ['10.0.0.0/8', 6],
      ['bom\u00a0x', 7],
    ]);
    // `1.2.3.4` (CR stripped), `evil.example`, `10.0.0.0/8`; the rest took the text path.
    expect(tokens).toBe(3);
  });

  it('agrees with parsePlainValues on every fixture file', async () => {
    const files = fixtureFiles(join(import.meta.dirname, '..', 'fixtures', 'iocs'));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const buf = readFileSync(file);
      expect((await viaBytes(buf, [1000, 4097])).values, file).toEqual(
        await plainValuesOf(buf, [1000, 4097]),
      );
    }
  });

  it('refuses a line longer than the limit, as the text path does', async () => {
    const long = Buffer.concat([Buffer.from('1.2.3.4\n'), Buffer.alloc(MAX_LINE_CHARS + 10, 0x61)]);
    const run = readPlainBytes(
      Readable.from([long.subarray(0, 70_000), long.subarray(70_000)]),
      {},
      {
        token: () => false,
        value: () => undefined,
      },
    );
    await expect(run).rejects.toThrow(FeedError);
    await expect(run).rejects.toThrow(/line 2 is longer than/);
    // Multi-byte characters: 1.5 MB of bytes is fewer than the limit in characters, so accepted.
    const wide = Buffer.from(`${'é'.repeat(MAX_LINE_CHARS * 0.75)}\n`);
    expect((await viaBytes(wide, [65536])).values).toEqual(await plainValuesOf(wide, [65536]));
  });

  it('reports the format', async () => {
    let format: string | undefined;
    await readPlainBytes(
      Readable.from([Buffer.from('1.2.3.4\n')]),
      { onFormat: (f) => (format = f) },
      { token: () => false, value: () => undefined },
    );
    expect(format).toBe('plain');
  });
});
