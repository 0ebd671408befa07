import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FeedError } from '../../src/errors.js';
import type { LoadContext, RecordSink } from '../../src/feeds/load.js';
import { loadSource } from '../../src/feeds/load.js';
import { sourceSchema } from '../../src/feeds/source-schema.js';
import type { RawRecord } from '../../src/feeds/types.js';
import { fixture, fixturePath, startFeedServer, type FeedServer } from './helpers.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let handler: Handler = (_req, res) => res.end();
let requests: IncomingMessage[] = [];
let server: FeedServer;
let base = '';
let stateDir = '';

class ArraySink implements RecordSink {
  records: RawRecord[] = [];
  resets = 0;
  reset() {
    this.records = [];
    this.resets++;
  }
  add(r: RawRecord) {
    this.records.push(r);
  }
}

const ips = (n: number) => Array.from({ length: n }, (_, i) => `10.0.${i >> 8}.${i & 255}`).join('\n') + '\n';
const ctx = (extra: Partial<LoadContext> = {}): LoadContext => ({
  stateDir,
  now: new Date('2026-01-01T00:00:00Z'),
  resolveSecret: (ref) => `resolved(${ref})`,
  retryBaseMs: 1,
  ...extra,
});
const source = (extra: Record<string, unknown> = {}) =>
  sourceSchema.parse({ name: 'feed', url: `${base}/feed`, ...extra });

beforeAll(async () => {
  server = await startFeedServer((req, res) => {
    requests.push(req);
    handler(req, res);
  });
  base = server.base;
});
afterAll(() => server.close());
beforeEach(async () => {
  requests = [];
  stateDir = await mkdtemp(join(tmpdir(), 'iocwall-feeds-'));
});
afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

describe('src/feeds/load url sources', () => {
  it('stores a fresh copy, then uses ETag → 304 → last-good (not-modified)', async () => {
    handler = (req, res) => {
      if (req.headers['if-none-match'] === '"v1"') return res.writeHead(304).end();
      res.writeHead(200, { ETag: '"v1"' }).end(fixture('formats/spamhaus__drop.excerpt.txt'));
    };
    const sink = new ArraySink();
    const first = await loadSource(source(), ctx(), sink);
    expect(first).toEqual({ name: 'feed', origin: 'fresh', records: 30, notices: [] });
    const meta = JSON.parse(await readFile(join(stateDir, 'feeds', 'feed.meta.json'), 'utf8'));
    expect(meta).toMatchObject({ etag: '"v1"', recordCount: 30, fetchedAt: '2026-01-01T00:00:00.000Z' });
    expect(meta.sha256).toMatch(/^[0-9a-f]{64}$/);
    const second = await loadSource(source(), ctx(), sink);
    expect(second.origin).toBe('not-modified');
    expect(sink.records).toHaveLength(30);
    expect(requests[1]?.headers['if-none-match']).toBe('"v1"');
  });

  it('sends If-Modified-Since from Last-Modified', async () => {
    const lm = 'Wed, 08 Jan 2025 22:38:36 GMT';
    handler = (req, res) => {
      if (req.headers['if-modified-since'] === lm) return res.writeHead(304).end();
      res.writeHead(200, { 'Last-Modified': lm }).end('1.2.3.4\n');
    };
    const sink = new ArraySink();
    expect((await loadSource(source(), ctx(), sink)).origin).toBe('fresh');
    expect((await loadSource(source(), ctx(), sink)).origin).toBe('not-modified');
    expect(sink.records).toEqual([{ value: '1.2.3.4', line: 1 }]);
  });

  it('decodes Content-Encoding gzip and gzip bodies (magic bytes)', async () => {
    const body = gzipSync(fixture('3cx/talos__3cx-softphone-supply-chain-compromise.txt'));
    handler = (req, res) =>
      req.url === '/ce'
        ? res.writeHead(200, { 'Content-Encoding': 'gzip' }).end(body)
        : res.writeHead(200).end(body);
    const a = new ArraySink();
    expect((await loadSource(source({ url: `${base}/ce` }), ctx(), a)).records).toBe(40);
    const b = new ArraySink();
    expect((await loadSource(source({ name: 'gz', url: `${base}/feed.gz` }), ctx(), b)).records).toBe(40);
    expect(b.records).toEqual(a.records);
  });

  it('reads a ZIP-wrapped feed (as abuse.ch ships full exports) like the same feed unwrapped', async () => {
    const text = fixture('3cx/talos__3cx-softphone-supply-chain-compromise.txt');
    const zipped = Buffer.from(zipSync({ 'full.txt': [Buffer.from(text), { level: 6 }] }));
    handler = (req, res) => res.writeHead(200).end(req.url === '/full.zip' ? zipped : text);
    const a = new ArraySink();
    expect((await loadSource(source({ url: `${base}/plain.txt` }), ctx(), a)).records).toBe(40);
    const b = new ArraySink();
    expect((await loadSource(source({ name: 'zipped', url: `${base}/full.zip` }), ctx(), b)).records).toBe(
      40,
    );
    expect(b.records).toEqual(a.records);
  });

  it('retries 5xx with backoff, then succeeds', async () => {
    let n = 0;
    handler = (_req, res) =>
      ++n < 3 ? res.writeHead(503).end('busy') : res.writeHead(200).end('a.example\n');
    const report = await loadSource(source(), ctx(), new ArraySink());
    expect(report.origin).toBe('fresh');
    expect(requests).toHaveLength(3);
  });

  it('does not retry a 404; with no last-good copy it throws FeedError and leaves the sink empty', async () => {
    handler = (_req, res) => res.writeHead(404).end('no');
    const sink = new ArraySink();
    await expect(loadSource(source(), ctx(), sink)).rejects.toThrow(FeedError);
    await expect(loadSource(source(), ctx(), sink)).rejects.toThrow(
      /source feed: download failed: HTTP 404 \(and no last-good copy\)/,
    );
    expect(requests).toHaveLength(2);
    expect(sink.records).toEqual([]);
  });

  it('a timeout fails the download (retried), and the last-good copy is used', async () => {
    handler = (_req, res) => res.writeHead(200).end(ips(10));
    await loadSource(source(), ctx(), new ArraySink());
    handler = () => undefined; // never answers
    const sink = new ArraySink();
    const report = await loadSource(source({ timeoutMs: 150, retries: 1 }), ctx(), sink);
    expect(report).toMatchObject({ origin: 'last-good', records: 10 });
    expect(report.problem).toMatch(/after 2 attempts: .*timeout/i);
    expect(requests).toHaveLength(3);
    expect(sink.records).toHaveLength(10);
  });

  it('a stalled body after the headers times out too', async () => {
    handler = (_req, res) => {
      res.writeHead(200);
      res.write('1.2.3.4\n');
    };
    await expect(loadSource(source({ timeoutMs: 150, retries: 0 }), ctx(), new ArraySink())).rejects.toThrow(
      /timeout/i,
    );
  });

  it('refuses a body over maxBytes without retrying', async () => {
    handler = (_req, res) => res.writeHead(200).end(ips(500));
    await expect(loadSource(source({ maxBytes: 1000 }), ctx(), new ArraySink())).rejects.toThrow(/1000/);
    expect(requests).toHaveLength(1);
  });

  it('a truncated gzip body keeps the last-good copy; without one it is a FeedError', async () => {
    const good = gzipSync(ips(20));
    handler = (_req, res) => res.writeHead(200).end(good);
    await loadSource(source(), ctx(), new ArraySink());
    handler = (_req, res) => res.writeHead(200).end(good.subarray(0, good.length - 10));
    const sink = new ArraySink();
    const report = await loadSource(source(), ctx(), sink);
    expect(report.origin).toBe('last-good');
    expect(report.problem).toMatch(/truncated or corrupt gzip/);
    expect(sink.records).toHaveLength(20);
    await expect(loadSource(source({ name: 'other' }), ctx(), new ArraySink())).rejects.toThrow(
      /truncated or corrupt gzip/,
    );
    handler = (_req, res) =>
      res.writeHead(200, { 'Content-Encoding': 'gzip' }).end(good.subarray(0, good.length - 10));
    requests = [];
    await expect(loadSource(source({ name: 'ce' }), ctx(), new ArraySink())).rejects.toThrow(
      /truncated or corrupt gzip/,
    );
    expect(requests).toHaveLength(1);
  });

  it('a fresh copy that shrank by more than maxShrink is refused; the cache is unchanged', async () => {
    handler = (_req, res) => res.writeHead(200).end(ips(100));
    await loadSource(source(), ctx(), new ArraySink());
    const metaBefore = await readFile(join(stateDir, 'feeds', 'feed.meta.json'), 'utf8');
    handler = (_req, res) => res.writeHead(200).end(ips(40));
    const sink = new ArraySink();
    const report = await loadSource(source(), ctx(), sink);
    expect(report).toMatchObject({ origin: 'last-good', records: 100 });
    expect(report.problem).toBe('fresh copy has 40 valid indicators, last-good 100: shrank by more than 50%');
    expect(sink.records).toHaveLength(100);
    expect(sink.resets).toBe(2);
    expect(await readFile(join(stateDir, 'feeds', 'feed.meta.json'), 'utf8')).toBe(metaBefore);
    handler = (_req, res) => res.writeHead(200).end(ips(60));
    expect((await loadSource(source(), ctx(), new ArraySink())).origin).toBe('fresh');
  });

  it('zero records after a non-empty last-good is shrinkage even with maxShrink 1 (EDROP stub)', async () => {
    handler = (_req, res) => res.writeHead(200).end(fixture('formats/spamhaus__edrop-2023-12.excerpt.txt'));
    await loadSource(source(), ctx(), new ArraySink());
    handler = (_req, res) =>
      res.writeHead(200).end(fixture('formats/spamhaus__edrop-2024-10-merged-stub.txt'));
    const report = await loadSource(source({ maxShrink: 1 }), ctx(), new ArraySink());
    expect(report).toMatchObject({ origin: 'last-good', records: 27 });
    // with no last-good, the stub is accepted: zero records, its warnings and the loader's (no indicator)
    const stub = await loadSource(source({ name: 'stub' }), ctx(), new ArraySink());
    expect(stub).toMatchObject({ origin: 'fresh', records: 0 });
    expect(stub.notices.map((n) => n.level)).toEqual(['warn', 'warn', 'warn']);
    expect(stub.notices.at(-1)?.message).toMatch(/holds no records/);
  });

  it('streams a multi-megabyte feed', async () => {
    const body = ips(120_000);
    expect(body.length).toBeGreaterThan(1024 * 1024);
    handler = (_req, res) => res.writeHead(200).end(body);
    const sink = new ArraySink();
    const report = await loadSource(source(), ctx(), sink);
    expect(report.records).toBe(120_000);
    expect(sink.records.at(-1)).toEqual({ value: '10.0.468.191', line: 120_000 });
  });

  it('resolves secret header references and sends them; follows a redirect', async () => {
    handler = (req, res) =>
      req.url === '/feed'
        ? res.writeHead(302, { Location: '/real' }).end()
        : res.writeHead(200).end('a.example\n');
    const src = source({ headers: { 'Auth-Key': 'env:TF_KEY', 'X-Plain': 'literal' } });
    expect((await loadSource(src, ctx(), new ArraySink())).origin).toBe('fresh');
    expect(requests[0]?.headers['auth-key']).toBe('resolved(env:TF_KEY)');
    expect(requests[0]?.headers['x-plain']).toBe('literal');
    // The release asking, from package.json (not a literal the test shares with the code).
    const { version } = JSON.parse(
      await readFile(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as {
      version: string;
    };
    expect(requests[0]?.headers['user-agent']).toBe(`iocwall/${version}`);
    expect(requests[1]?.url).toBe('/real');
  });

  it('refuses data: URLs before any request', async () => {
    const src = { ...source(), url: 'data:text/plain,1.2.3.4' };
    await expect(loadSource(src, ctx(), new ArraySink())).rejects.toThrow(/refused URL scheme data:/);
    expect(requests).toHaveLength(0);
  });
});

describe('src/feeds/load file sources', () => {
  it('reads a file directly (no cache), and stdin for "-"', async () => {
    const sink = new ArraySink();
    const src = sourceSchema.parse({ name: 'f', file: fixturePath('3cx/splunk__3cx_ioc_domains.csv') });
    expect(await loadSource(src, ctx(), sink)).toEqual({
      name: 'f',
      origin: 'file',
      records: 38,
      notices: [],
    });
    const stdin = Readable.from([Buffer.from('1.2.3.4\n5.6.7.8\n')]);
    const fromStdin = await loadSource(sourceSchema.parse({ name: 's', file: '-' }), ctx({ stdin }), sink);
    expect(fromStdin.records).toBe(2);
    expect(sink.records).toEqual([
      { value: '1.2.3.4', line: 1 },
      { value: '5.6.7.8', line: 2 },
    ]);
  });

  it('an unreadable or malformed file is a FeedError naming the source', async () => {
    const missing = sourceSchema.parse({ name: 'm', file: join(stateDir, 'nope.txt') });
    await expect(loadSource(missing, ctx(), new ArraySink())).rejects.toThrow(
      /source m: cannot read .*nope\.txt/,
    );
    const bad = join(stateDir, 'bad.json');
    await writeFile(bad, '{"Event": {');
    const src = sourceSchema.parse({ name: 'b', file: bad });
    await expect(loadSource(src, ctx(), new ArraySink())).rejects.toThrow(/source b: .*misp: malformed JSON/);
  });
});

/** A streaming sink (what compile gives): reads whole inputs itself; `add`/`reset` must stay unused. */
class StreamingSink implements RecordSink {
  reads: string[] = [];
  values: string[] = [];
  reset() {}
  add(): void {
    throw new Error('a streaming sink is never given records one by one');
  }
  async read(input: NodeJS.ReadableStream, options: { fileName: string; maxBytes: number }) {
    this.reads.push(options.fileName);
    const { parseStreamBatches } = await import('../../src/feeds/parse.js');
    let records = 0;
    for await (const batch of parseStreamBatches(input, { format: 'auto', ...options })) {
      for (const r of batch) this.values.push(r.value);
      records += batch.length;
    }
    return { records, notices: [] };
  }
}

describe('src/feeds/load with a streaming sink', () => {
  it('streams a file source once, and a fresh URL copy once after counting it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'iocwall-stream-'));
    const file = join(dir, 'list.txt');
    await writeFile(file, ips(30));
    const fileSink = new StreamingSink();
    const fromFile = await loadSource(sourceSchema.parse({ name: 'f', file }), ctx(), fileSink);
    expect(fromFile.records).toBe(30);
    expect(fileSink.reads).toHaveLength(1);
    handler = (_req, res) => res.end(ips(40));
    const urlSink = new StreamingSink();
    const fresh = await loadSource(source(), ctx(), urlSink);
    expect(fresh).toMatchObject({ origin: 'fresh', records: 40 });
    expect(urlSink.reads).toHaveLength(1);
    expect(urlSink.values).toHaveLength(40);
    await rm(dir, { recursive: true, force: true });
  });

  it('streams nothing from a fresh copy that shrank: the last-good copy is streamed instead', async () => {
    handler = (_req, res) => res.end(ips(40));
    await loadSource(source(), ctx(), new ArraySink());
    handler = (_req, res) => res.end(ips(5));
    const sink = new StreamingSink();
    const report = await loadSource(source(), ctx(), sink);
    expect(report.origin).toBe('last-good');
    expect(sink.values).toHaveLength(40);
  });

  it('a missing file, or a last-good copy gone when it is replayed, is a FeedError, not a crash', async () => {
    // Compile's sink loads its parser modules before it reads: a file stream that failed to open in the
    // meantime emitted 'error' with no listener, and that ended the process.
    class LateSink extends StreamingSink {
      override async read(input: NodeJS.ReadableStream, options: { fileName: string; maxBytes: number }) {
        await new Promise((r) => setTimeout(r, 20));
        return super.read(input, options);
      }
    }
    const sink = new LateSink();
    const missing = join(stateDir, 'nope.txt');
    await expect(
      loadSource(sourceSchema.parse({ name: 'm', file: missing }), ctx(), sink),
    ).rejects.toMatchObject({ name: 'FeedError', message: `source m: cannot read ${missing}: ENOENT` });
    await expect(
      loadSource(sourceSchema.parse({ name: 'd', file: stateDir }), ctx(), sink),
    ).rejects.toMatchObject({ name: 'FeedError', message: `source d: cannot read ${stateDir}: EISDIR` });
    // A URL source: the 304 says "use your copy", and the copy is gone by then.
    handler = (req, res) => {
      if (req.headers['if-none-match'] !== '"v1"') return res.writeHead(200, { ETag: '"v1"' }).end(ips(3));
      void rm(join(stateDir, 'feeds', 'feed.body')).then(() => res.writeHead(304).end());
    };
    expect((await loadSource(source(), ctx(), new ArraySink())).origin).toBe('fresh');
    await expect(loadSource(source(), ctx(), sink)).rejects.toMatchObject({
      name: 'FeedError',
      message: 'source feed: last-good copy unreadable: ENOENT',
    });
    expect(sink.values).toEqual([]);
  });

  it('stops a gzip feed at the decompressed cap while streaming', async () => {
    // 2 KB of gzip that inflates to 100 KB: the download is under the cap, what it holds is not.
    handler = (_req, res) => res.end(gzipSync(Buffer.from('10.1.2.3\n'.repeat(12_000))));
    const sink = new StreamingSink();
    await expect(loadSource(source({ maxBytes: 2048 }), ctx(), sink)).rejects.toThrow(
      /larger than the 2048-byte cap after decompression/,
    );
    expect(sink.values).toHaveLength(0);
    const dir = await mkdtemp(join(tmpdir(), 'iocwall-stream-'));
    const file = join(dir, 'list.txt.gz');
    await writeFile(file, gzipSync(Buffer.from('10.1.2.3\n'.repeat(12_000))));
    await expect(
      loadSource(sourceSchema.parse({ name: 'f', file, maxBytes: 2048 }), ctx(), sink),
    ).rejects.toThrow(/source f: cannot read .*larger than the 2048-byte cap after decompression/);
    // The file is streamed: what came before the cap was read, nothing after it.
    expect(sink.values.length).toBeLessThan(2048 / 9 + 1);
    await rm(dir, { recursive: true, force: true });
  });
});
