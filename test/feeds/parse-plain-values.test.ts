import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePlainValues, parseStreamBatches } from '../../src/feeds/parse.js';
import { chunked, plainLine, plainValuesOf } from './helpers.js';

async function viaRecords(buf: Buffer, cuts: number[]): Promise<[string, number][]> {
  const out: [string, number][] = [];
  for await (const batch of parseStreamBatches(chunked(buf, cuts), { format: 'plain' }))
    for (const r of batch) out.push([r.value, r.line]);
  return out;
}

describe('parsePlainValues', () => {
  it('gives the values and line numbers of parseStreamBatches(format: plain), any chunking (property)', async () => {
    const line = plainLine;
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { maxLength: 60 }),
        fc.array(fc.integer({ min: 1, max: 2000 }), { maxLength: 8 }),
        fc.boolean(),
        async (lines, cuts, gzip) => {
          const text = Buffer.from(lines.join('\n'));
          const buf = gzip ? gzipSync(text) : text;
          expect(await plainValuesOf(buf, cuts)).toEqual(await viaRecords(buf, cuts));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reports the format', async () => {
    let format: string | undefined;
    await parsePlainValues(
      Readable.from([Buffer.from('1.2.3.4\n')]),
      { onFormat: (f) => (format = f) },
      () => {},
    );
    expect(format).toBe('plain');
  });
});
