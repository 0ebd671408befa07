import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FeedError } from '../../src/errors.js';
import { MAX_LINE_CHARS } from '../../src/feeds/line-driver.js';
import { readPlainBytes, type LineScreen } from '../../src/feeds/plain-bytes.js';
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
  screen?: ScreenPlan,
): Promise<{ values: [string, number][]; tokens: number }> {
  const values: [string, number][] = [];
  let tokens = 0;
  const takes = (text: string): boolean => take && BARE.test(text) && !text.startsWith('!');
  await readPlainBytes(
    chunked(buf, cuts),
    {},
    {
      token(b, start, end, line) {
        const text = b.toString('latin1', start, end);
        if (!takes(text)) return false;
        tokens++;
        values.push([text, line]);
        return true;
      },
      value(value, line) {
        values.push([value, line]);
      },
      screen:
        screen &&
        fakeScreen(screen, takes, (text, line) => {
          tokens++;
          values.push([text, line]);
        }),
    },
  );
  return { values, tokens };
}

/** How a fake line screen behaves: ready from its `readyAfter`-th look, failing every `failEvery`-th buffer. */
interface ScreenPlan {
  readyAfter: number;
  failEvery: number;
}

/**
 * A LineScreen that answers on its own schedule, in another turn of the event loop like the thread,
 * with its own split of the lines (LF ends a line, one CR before it is dropped): the code of a line
 * the sink takes is its text's index in a list, so `take` can only reproduce it from the right line.
 */
function fakeScreen(
  plan: ScreenPlan,
  takes: (text: string) => boolean,
  took: (text: string, line: number) => void,
): LineScreen {
  const texts: string[] = [];
  let looks = 0;
  let submits = 0;
  return {
    get ready() {
      return looks++ >= plan.readyAfter;
    },
    async submit(lines) {
      submits++;
      await new Promise((r) => setImmediate(r));
      if (plan.failEvery > 0 && submits % plan.failEvery === 0) throw new Error('screen failed');
      const parts = Buffer.from(lines).toString('latin1').split('\n').slice(0, -1);
      return Float64Array.from(parts, (part) => {
        const text = part.endsWith('\r') ? part.slice(0, -1) : part;
        return text.length > 0 && takes(text) ? texts.push(text) - 1 : -1;
      });
    },
    take(code, line) {
      took(texts[code] ?? '?', line);
    },
  };
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
        fc.record({ readyAfter: fc.integer({ min: 0, max: 3 }), failEvery: fc.integer({ min: 0, max: 3 }) }),
        async (lines, cuts, gzip, finalNewline, plan) => {
          const parts = lines.flatMap((l, i) => (i === 0 ? [l] : [Buffer.from('\n'), l]));
          if (finalNewline) parts.push(Buffer.from('\n'));
          const text = Buffer.concat(parts);
          const buf = gzip ? gzipSync(text) : text;
          const expected = await plainValuesOf(buf, cuts);
          expect((await viaBytes(buf, cuts)).values).toEqual(expected);
          expect((await viaBytes(buf, cuts, false)).values).toEqual(expected);
          // With a screen taking lines ahead (late to start, failing now and then): the same.
          expect((await viaBytes(buf, cuts, true, plan)).values).toEqual(expected);
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
    // With lines still with a screen when the long one shows, they count before it.
    const many = Buffer.concat([
      Buffer.from('1.2.3.4\n'.repeat(5000)),
      Buffer.alloc(MAX_LINE_CHARS + 10, 0x61),
    ]);
    const screened = readPlainBytes(
      chunked(many, [1000, 20_000, 39_000, 45_000]),
      {},
      {
        token: () => false,
        value: () => undefined,
        screen: fakeScreen(
          { readyAfter: 0, failEvery: 0 },
          () => true,
          () => undefined,
        ),
      },
    );
    await expect(screened).rejects.toThrow(/line 5001 is longer than/);
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
