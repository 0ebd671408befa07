/**
 * Detection ahead of the parse (src/feeds/detect-ahead.ts) decides what the streaming parser decides
 * from the same head, and hands every byte back, in order, whatever the chunking.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { feedBytes } from '../../src/feeds/bytes.js';
import { detectAhead } from '../../src/feeds/detect-ahead.js';
import { parseStreamBatches } from '../../src/feeds/parse.js';
import type { FormatId } from '../../src/feeds/types.js';
import { chunked } from './helpers.js';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

const FIXTURES = files(join(import.meta.dirname, '..', 'fixtures', 'iocs'));

/** The format the streaming parser settles on for `buf` (format `auto`). */
async function parsersFormat(buf: Buffer, cuts: number[], fileName: string): Promise<FormatId | undefined> {
  let format: FormatId | undefined;
  for await (const _ of parseStreamBatches(chunked(buf, cuts), {
    format: 'auto',
    fileName,
    onFormat: (f) => (format = f),
  }));
  return format;
}

async function concat(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(c);
  return Buffer.concat(parts);
}

describe('detectAhead', () => {
  it('picks the format the streaming parser picks and gives back every byte (fixtures, any chunking)', async () => {
    expect(FIXTURES.length).toBeGreaterThan(15);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...FIXTURES),
        fc.array(fc.integer({ min: 1, max: 70_000 }), { maxLength: 6 }),
        fc.boolean(),
        async (file, cuts, gzip) => {
          const text = readFileSync(file);
          const buf = gzip ? gzipSync(text) : text;
          const name = file.split('/').pop() ?? file;
          const detected = await detectAhead(feedBytes(chunked(buf, cuts)), name);
          expect(detected.format, file).toBe(await parsersFormat(buf, cuts, name));
          expect((await concat(detected.chunks)).equals(text)).toBe(true);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('looks at 64 Ki characters at most: a list whose head is plain stays plain', async () => {
    // A plain head, then a JSON-looking line far past the head: still plain, bytes all returned.
    const text = Buffer.from(`${'198.51.100.1\n'.repeat(6000)}{"type":"bundle"}\n`);
    const detected = await detectAhead(feedBytes(chunked(text, [1000, 50_000])), 'feed.txt');
    expect(detected.format).toBe('plain');
    expect((await concat(detected.chunks)).equals(text)).toBe(true);
  });
});
