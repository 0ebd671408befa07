/** Shared helpers of the feed tests: fixture loading (from test/fixtures only) and record shorthands. */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { Readable } from 'node:stream';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePlainValues } from '../../src/feeds/parse.js';
import type { RawRecord, ValueHint } from '../../src/feeds/types.js';

/** The project's fixture folder for IOC files. */
export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'iocs');

/** Reads a fixture (`formats/…`, `3cx/…`, `handwritten/…`) as UTF-8 text. */
export function fixture(path: string): string {
  return readFileSync(join(FIXTURES, path), 'utf8');
}

/** Path of a fixture. */
export function fixturePath(path: string): string {
  return join(FIXTURES, path);
}

/** `[value, hint]` pairs of records, for exact comparisons. */
export function pairs(records: readonly RawRecord[]): [string, ValueHint | undefined][] {
  return records.map((r) => [r.value, r.hint]);
}

/** Pairs every value with one hint. */
export function withHint(
  values: readonly string[],
  hint: ValueHint | undefined,
): [string, ValueHint | undefined][] {
  return values.map((v) => [v, hint]);
}

/** A stream of `buf` cut at the given offsets (to test parsers against arbitrary chunking). */
export function chunked(buf: Buffer, cuts: number[] = []): Readable {
  const points = [...new Set(cuts.filter((c) => c > 0 && c < buf.length))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let last = 0;
  for (const p of [...points, buf.length]) {
    parts.push(buf.subarray(last, p));
    last = p;
  }
  return Readable.from(parts.filter((p) => p.length > 0));
}

/** The values and line numbers `parsePlainValues` gives for `buf` cut into chunks at `cuts`. */
export async function plainValuesOf(buf: Buffer, cuts: number[]): Promise<[string, number][]> {
  const out: [string, number][] = [];
  await parsePlainValues(chunked(buf, cuts), {}, (value, line) => out.push([value, line]));
  return out;
}

/** Lines of a plain list that exercise every rule of the text path (comments, scores, CR, BOM, NBSP, …). */
export const plainLine = fc.oneof(
  fc.constantFrom(
    '',
    '# comment',
    '; c',
    '! adblock',
    '!x.example',
    '  1.2.3.4  # c2',
    'evil.com;90',
    '1.2.3.4\t12',
    'a b c',
    'x.org\r',
    'x.org\r\r',
    'a\rb.example',
    '\r',
    'hxxp://evil[.]example/a#b',
  ),
  fc.constantFrom('zürich.example', '\uFEFFbom.example', '\u00a0nbsp.example', 'a\u00a0b', '\u2028x.example'),
  fc.ipV4(),
  fc.domain(),
  fc.stringMatching(/^[\x20-\x7e\t\r]{0,30}$/),
);

/** A feed server on loopback for the tests' lifetime: `onRequest` answers; `base` is its URL. */
export interface FeedServer {
  base: string;
  close(): Promise<void>;
}

/** Starts a {@link FeedServer} on a free loopback port. */
export async function startFeedServer(
  onRequest: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<FeedServer> {
  const server = createServer(onRequest);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
