/**
 * A fresh download that is not the feed: an HTML sign-in page answered with 200, a copy that lost its
 * indicators while keeping its line count, an empty body. Through the real loader, over loopback.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { FeedError } from '../../src/errors.js';
import type { LoadContext, RecordSink } from '../../src/feeds/load.js';
import { loadSource } from '../../src/feeds/load.js';
import { parseStreamBatches } from '../../src/feeds/parse.js';
import { sourceSchema } from '../../src/feeds/source-schema.js';
import type { RawRecord } from '../../src/feeds/types.js';
import { startFeedServer, type FeedServer } from './helpers.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let handler: Handler = (_req, res) => res.end();
let server: FeedServer;
let base = '';
let stateDir = '';

class ArraySink implements RecordSink {
  records: RawRecord[] = [];
  reset() {
    this.records = [];
  }
  add(r: RawRecord) {
    this.records.push(r);
  }
}

/** What compile gives: reads whole inputs, never takes a record back. */
class StreamingSink implements RecordSink {
  values: string[] = [];
  reset() {}
  add(): void {
    throw new Error('a streaming sink is never given records one by one');
  }
  async read(input: NodeJS.ReadableStream, options: { fileName: string; maxBytes: number }) {
    let records = 0;
    for await (const batch of parseStreamBatches(input, { format: 'auto', ...options })) {
      for (const r of batch) this.values.push(r.value);
      records += batch.length;
    }
    return { records, notices: [] };
  }
}

const ips = (n: number) =>
  Array.from({ length: n }, (_, i) => `45.76.${i >> 8}.${i & 255}`).join('\n') + '\n';
/** A sign-in page of 44 lines, as a feed host behind SSO answers when the session has expired. */
const SIGN_IN = [
  '<!DOCTYPE html>',
  '<html lang="en">',
  '<head><meta charset="utf-8"><title>Sign in</title></head>',
  '<body>',
  ...Array.from(
    { length: 38 },
    (_, i) => `<div class="f${i}"><label>Field ${i}</label><input name="f${i}"></div>`,
  ),
  '<form method="post" action="/login"><button>Sign in</button></form>',
  '</body></html>',
].join('\n');
const warn = vi.fn();
const ctx = (extra: Partial<LoadContext> = {}): LoadContext => ({
  stateDir,
  now: new Date('2026-01-01T00:00:00Z'),
  resolveSecret: (ref) => ref,
  retryBaseMs: 1,
  log: { warn, info: () => undefined },
  ...extra,
});
const source = (extra: Record<string, unknown> = {}) =>
  sourceSchema.parse({ name: 'feed', url: `${base}/feed`, ...extra });
const cached = (file: string) => readFile(join(stateDir, 'feeds', file), 'utf8');

beforeAll(async () => {
  server = await startFeedServer((req, res) => handler(req, res));
  base = server.base;
});
afterAll(() => server.close());
beforeEach(async () => {
  warn.mockClear();
  stateDir = await mkdtemp(join(tmpdir(), 'iocwall-fresh-'));
});
afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

describe('an HTML page answered with 200', () => {
  it('keeps and uses the last-good copy, leaves the cache unchanged, and warns naming the source', async () => {
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(ips(20));
    await loadSource(source(), ctx(), new ArraySink());
    const [body, meta] = [await cached('feed.body'), await cached('feed.meta.json')];
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(SIGN_IN);
    for (const sink of [new ArraySink(), new StreamingSink()]) {
      const report = await loadSource(source(), ctx(), sink);
      expect(report).toMatchObject({ origin: 'last-good', records: 20 });
      expect(report.problem).toBe(
        'download failed: the server sent an HTML page (Content-Type text/html), not a feed',
      );
      const values = sink instanceof ArraySink ? sink.records.map((r) => r.value) : sink.values;
      expect(values).toEqual(ips(20).trim().split('\n'));
    }
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ source: 'feed', problem: expect.stringMatching(/HTML page/) }),
      'feed failed, using last-good copy',
    );
    expect(await cached('feed.body')).toBe(body);
    expect(await cached('feed.meta.json')).toBe(meta);
  });

  it('with no last-good copy is a one-line FeedError, and nothing is stored', async () => {
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(SIGN_IN);
    const sink = new ArraySink();
    const err = await loadSource(source(), ctx(), sink).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FeedError);
    expect((err as Error).message).toBe(
      'source feed: download failed: the server sent an HTML page (Content-Type text/html), not a feed (and no last-good copy)',
    );
    expect(sink.records).toEqual([]);
    expect(await readdir(join(stateDir, 'feeds'))).toEqual([]);
  });

  it('is recognised by its first bytes after decompression, whatever the Content-Type says', async () => {
    const cases: [string, Handler, RegExp][] = [
      [
        'gzip-by-magic',
        (_req, res) =>
          res.writeHead(200, { 'content-type': 'text/plain' }).end(gzipSync(`\uFEFF \r\n\t${SIGN_IN}`)),
        /body starts with <!DOCTYPE html/,
      ],
      [
        'content-encoding',
        (_req, res) =>
          res
            .writeHead(200, { 'content-encoding': 'gzip' })
            .end(gzipSync('\n<HTML><body>Sign in</body></HTML>\n')),
        /body starts with <html/,
      ],
      [
        'xhtml',
        (_req, res) =>
          res.writeHead(200, { 'content-type': 'application/xhtml+xml' }).end('<?xml version="1.0"?>'),
        /Content-Type application\/xhtml\+xml/,
      ],
    ];
    for (const [name, h, problem] of cases) {
      handler = h;
      await expect(loadSource(source({ name }), ctx(), new ArraySink())).rejects.toThrow(problem);
    }
    // Markup further down a feed is not an HTML page: only the start of the body counts.
    handler = (_req, res) => res.writeHead(200).end(`# list, see <html> docs\n${ips(3)}`);
    expect(await loadSource(source({ name: 'plain' }), ctx(), new ArraySink())).toMatchObject({
      origin: 'fresh',
      records: 3,
    });
  });
});

describe('the shrink check counts valid indicators', () => {
  it('refuses a fresh copy whose lines no longer hold indicators, though it has as many lines', async () => {
    handler = (_req, res) => res.writeHead(200).end(ips(100));
    await loadSource(source(), ctx(), new ArraySink());
    const meta = await cached('feed.meta.json');
    // Not HTML by its start, 110 lines, 30 indicators: the rest is markup (invalid) and free text.
    const junk = [
      ...Array.from({ length: 40 }, () => '<div class="error">Subscription expired</div>'),
      ...Array.from({ length: 40 }, () => 'Rate limit exceeded, retry later'),
      ips(30).trim(),
    ].join('\n');
    handler = (_req, res) => res.writeHead(200).end(junk);
    for (const sink of [new ArraySink(), new StreamingSink()]) {
      const report = await loadSource(source(), ctx(), sink);
      expect(report).toMatchObject({
        origin: 'last-good',
        records: 100,
        problem: 'fresh copy has 30 valid indicators, last-good 100: shrank by more than 50%',
      });
    }
    expect(await cached('feed.meta.json')).toBe(meta);
  });

  it('replaces a last-good copy that was itself a page of markup (stored before this check)', async () => {
    await mkdir(join(stateDir, 'feeds'));
    await writeFile(join(stateDir, 'feeds', 'feed.body'), SIGN_IN);
    const stale = { fetchedAt: '2025-12-01T00:00:00.000Z', recordCount: 44, sha256: '0'.repeat(64) };
    await writeFile(join(stateDir, 'feeds', 'feed.meta.json'), JSON.stringify(stale));
    handler = (_req, res) => res.writeHead(200).end(ips(20));
    const sink = new ArraySink();
    expect(await loadSource(source(), ctx(), sink)).toMatchObject({ origin: 'fresh', records: 20 });
    expect(sink.records).toHaveLength(20);
    expect(JSON.parse(await cached('feed.meta.json'))).toMatchObject({ recordCount: 20 });
  });
});

describe('a fresh copy with no valid indicator', () => {
  it('is kept on a first download, with a warning naming the source', async () => {
    handler = (req, res) => res.writeHead(200).end(req.url === '/empty' ? '' : 'Service unavailable today\n');
    const empty = await loadSource(source({ name: 'empty', url: `${base}/empty` }), ctx(), new ArraySink());
    expect(empty).toMatchObject({ origin: 'fresh', records: 0 });
    expect(empty.notices).toEqual([
      { level: 'warn', message: 'the download holds no records: check the URL still serves the feed' },
    ]);
    const text = await loadSource(source({ name: 'text' }), ctx(), new ArraySink());
    expect(text).toMatchObject({ origin: 'fresh', records: 1 });
    expect(text.notices).toEqual([
      {
        level: 'warn',
        message: "none of the download's 1 records is a valid indicator: check the URL still serves the feed",
      },
    ]);
    expect(warn.mock.calls.map(([obj]) => (obj as { source: string }).source)).toEqual(['empty', 'text']);
    expect(JSON.parse(await cached('empty.meta.json'))).toMatchObject({ recordCount: 0 });
  });
});
