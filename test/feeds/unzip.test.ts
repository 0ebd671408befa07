/**
 * ZIP-wrapped feeds (src/feeds/unzip.ts): archives are built here with fflate from the real fixture
 * files, then read through the same byte source every parser uses.
 */
import { zipSync } from 'fflate';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FeedError } from '../../src/errors.js';
import { feedBytes } from '../../src/feeds/bytes.js';
import { parseStream, parseText } from '../../src/feeds/parse.js';
import type { RawRecord } from '../../src/feeds/types.js';
import { chunked, fixture } from './helpers.js';

const URLHAUS = 'formats/urlhaus__csv_online.excerpt.csv';
const TALOS = '3cx/talos__3cx-softphone-supply-chain-compromise.txt';

async function records(zip: Uint8Array, cuts: number[] = []): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  for await (const r of parseStream(chunked(Buffer.from(zip), cuts), { format: 'auto' })) out.push(r);
  return out;
}

async function bytesOf(zip: Uint8Array, maxBytes?: number): Promise<string> {
  const parts: Buffer[] = [];
  for await (const b of feedBytes(chunked(Buffer.from(zip)), maxBytes)) parts.push(b);
  return Buffer.concat(parts).toString('utf8');
}

const deflated = (name: string, text: string): Uint8Array =>
  zipSync({ [name]: [Buffer.from(text), { level: 6 }] });

describe('ZIP-wrapped feeds', () => {
  it('a zipped CSV gives exactly the records of the CSV itself, however the bytes arrive (property)', async () => {
    const text = fixture(URLHAUS);
    const plain = parseText(text, { format: 'auto' }).records;
    expect(plain.length).toBeGreaterThan(10);
    const zip = deflated('csv.txt', text);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(zip.length), { maxLength: 12 }), async (cuts) => {
        expect(await records(zip, cuts)).toEqual(plain);
      }),
      { numRuns: 40 },
    );
  });

  it('reads every file in order, stored or deflated, skipping folders, never joining two lines', async () => {
    const zip = zipSync({
      'feeds/': new Uint8Array(0),
      'feeds/a.txt': [Buffer.from('evil-a.example.com\nevil-b.example.com'), { level: 0 }],
      'feeds/b.txt': [Buffer.from('evil-c.example.com\n'), { level: 9 }],
    });
    expect(await bytesOf(zip)).toBe('evil-a.example.com\nevil-b.example.com\nevil-c.example.com\n');
    expect((await records(zip)).map((r) => r.value)).toEqual([
      'evil-a.example.com',
      'evil-b.example.com',
      'evil-c.example.com',
    ]);
  });

  it('the size cap counts the unzipped bytes', async () => {
    const zip = deflated('big.txt', 'a.example.com\n'.repeat(100_000));
    expect(zip.length).toBeLessThan(100_000);
    await expect(bytesOf(zip, 1_000_000)).rejects.toThrow(
      /feed is larger than the 1000000-byte cap after decompression/,
    );
  });

  it('a truncated, damaged, encrypted, empty or LZMA archive is a FeedError that says which', async () => {
    const zip = Buffer.from(deflated('talos.txt', fixture(TALOS)));
    const cases: [Uint8Array, RegExp][] = [];
    cases.push([zip.subarray(0, Math.floor(zip.length / 2)), /truncated/]);
    const damaged = Buffer.from(zip);
    // Inside the deflate stream (the local header is 30 bytes plus the name).
    for (let i = 60; i < 90; i++) damaged[i] = 0xff;
    cases.push([damaged, /damaged|truncated|cannot be read/]);
    const encrypted = Buffer.from(zip);
    encrypted.writeUInt16LE(encrypted.readUInt16LE(6) | 1, 6);
    cases.push([encrypted, /encrypted/]);
    const lzma = Buffer.from(zip);
    lzma.writeUInt16LE(14, 8);
    cases.push([lzma, /compression method 14; only stored and deflate are read/]);
    cases.push([zipSync({}), /holds no file/]);
    for (const [bytes, message] of cases) {
      const read = bytesOf(bytes);
      await expect(read).rejects.toThrow(FeedError);
      await expect(bytesOf(bytes)).rejects.toThrow(message);
    }
  });
});
