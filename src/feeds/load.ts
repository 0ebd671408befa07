/**
 * Loading one configured source into a record sink, with the last-good rule: a source that
 * fails (network, HTTP, an HTML page instead of the feed, parse, truncated gzip) or whose valid
 * indicators shrink by more than `maxShrink` keeps its last-good content; without a last-good copy
 * it throws FeedError. A failed feed is never read as empty (an empty list under `sync` would delete
 * every block). The checks of a fresh copy live in fresh-check.ts.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { FeedError } from '../errors.js';
import type { ByteInput } from './bytes.js';
import type { CacheMeta, CachePaths } from './cache.js';
import { cachePaths, readLastGood, writeMeta } from './cache.js';
import { htmlProblem, IndicatorCounter, noIndicatorsNotice, shrinkProblem } from './fresh-check.js';
import { parseStreamBatches } from './parse.js';
import type { SourceConfig } from './source-schema.js';
import type { FeedNotice, RawRecord } from './types.js';
import { ensureDir } from '../util/dirs.js';

/** Receives a source's records; `reset` discards what was added (a fresh copy turned out bad). */
export interface RecordSink {
  reset(): void;
  add(record: RawRecord): void;
  /**
   * Optional streaming form: reads a whole byte input into the destination itself (the compile's
   * streaming path, blocklist/stream.ts), so no record is held. Given only content that will not be
   * taken back — a file source, the last-good copy, a fresh copy a counting pass has accepted — since
   * what it stores cannot be reset. It must enforce `maxBytes` while reading.
   */
  read?(input: ByteInput, options: { fileName: string; maxBytes: number }): Promise<Parsed>;
}

/** What happened to one source. */
export interface SourceReport {
  name: string;
  /** `fresh` downloaded and accepted; `not-modified` 304, last-good used; `last-good` fallback after a problem; `file` read from disk/stdin. */
  origin: 'fresh' | 'not-modified' | 'last-good' | 'file';
  records: number;
  notices: FeedNotice[];
  /** Why the last-good copy was used. */
  problem?: string;
}

/** What loading needs from its caller. */
export interface LoadContext {
  /** The state folder; the cache lives in `<stateDir>/feeds/`. */
  stateDir: string;
  now: Date;
  /** Resolves header values written as `env:NAME` / `file:PATH`. */
  resolveSecret: (ref: string) => string;
  log?: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
  /** First retry delay (tests make it tiny). */
  retryBaseMs?: number;
  /** The stream a `file: '-'` source reads (default `process.stdin`). */
  stdin?: Readable;
  /**
   * Read-only runs (plan, audit, check): the download goes to the system's temporary folder and the
   * last-good cache is read but never written, so the state folder stays byte-identical.
   */
  readOnly?: boolean;
}

/** What parsing one copy of a source gave. */
export interface Parsed {
  records: number;
  notices: FeedNotice[];
}

async function parseInto(
  input: ByteInput,
  source: SourceConfig,
  fileName: string,
  sink: RecordSink,
): Promise<Parsed> {
  const notices: FeedNotice[] = [];
  let records = 0;
  sink.reset();
  const options = {
    format: source.format,
    fileName,
    onNotice: (n: FeedNotice) => notices.push(n),
    maxJsonBytes: source.maxBytes,
    maxBytes: source.maxBytes,
  };
  for await (const batch of parseStreamBatches(input, options)) {
    for (const r of batch) sink.add(r);
    records += batch.length;
  }
  return { records, notices };
}

/** Parses `input` into `sink`: through its streaming `read` when it has one, else record by record. */
function consume(
  input: ByteInput,
  source: SourceConfig,
  fileName: string,
  sink: RecordSink,
): Promise<Parsed> {
  return sink.read !== undefined
    ? sink.read(input, { fileName, maxBytes: source.maxBytes })
    : parseInto(input, source, fileName, sink);
}

async function parseFile(
  path: string,
  source: SourceConfig,
  fileName: string,
  sink: RecordSink,
): Promise<Parsed> {
  // Opened and awaited before a stream exists: `createReadStream(path)` reports a missing or unreadable
  // file as an 'error' event at once, and a sink that awaits before it reads (compile's streamInto loads
  // its parser first) has no listener yet, so the event would end the process instead of failing the
  // source. A stream over an open handle does no I/O until it is read, so its errors reach the reader.
  const stream = (await open(path, 'r')).createReadStream();
  try {
    return await consume(stream, source, fileName, sink);
  } finally {
    stream.destroy();
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A system error as its code (`ENOENT`, like `--input` says it; the path is already named), else its message. */
function readFailure(err: unknown): string {
  const e = err as NodeJS.ErrnoException | null;
  return typeof e?.code === 'string' && typeof e.syscall === 'string' ? e.code : message(err);
}

function resolveHeaders(source: SourceConfig, ctx: LoadContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(source.headers ?? {}))
    out[k] = /^(env|file):/.test(v) ? ctx.resolveSecret(v) : v;
  return out;
}

async function loadFile(
  source: SourceConfig,
  file: string,
  ctx: LoadContext,
  sink: RecordSink,
): Promise<SourceReport> {
  try {
    const parsed =
      file === '-'
        ? await consume(ctx.stdin ?? process.stdin, source, 'stdin', sink)
        : await parseFile(file, source, file, sink);
    return { name: source.name, origin: 'file', ...parsed };
  } catch (err) {
    throw new FeedError(
      `source ${source.name}: cannot read ${file === '-' ? 'stdin' : file}: ${readFailure(err)}`,
      source.name,
      {
        cause: err,
      },
    );
  }
}

/** Replays the last-good copy after `problem`, or throws FeedError when there is none. */
async function fallBack(
  source: SourceConfig,
  paths: CachePaths,
  lastGood: CacheMeta | undefined,
  problem: string,
  ctx: LoadContext,
  sink: RecordSink,
): Promise<SourceReport> {
  if (!lastGood) {
    sink.reset();
    throw new FeedError(`source ${source.name}: ${problem} (and no last-good copy)`, source.name);
  }
  ctx.log?.warn(
    { source: source.name, problem, lastGoodFrom: lastGood.fetchedAt },
    'feed failed, using last-good copy',
  );
  const parsed = await replay(source, paths, sink, problem);
  return { name: source.name, origin: 'last-good', ...parsed, problem };
}

/** Parses the last-good body into `sink`; a damaged cache is a FeedError naming both problems. */
async function replay(
  source: SourceConfig,
  paths: CachePaths,
  sink: RecordSink,
  problem?: string,
): Promise<Parsed> {
  try {
    return await parseFile(paths.body, source, source.url ?? source.name, sink);
  } catch (err) {
    sink.reset();
    const first = problem === undefined ? '' : `${problem}; `;
    throw new FeedError(
      `source ${source.name}: ${first}last-good copy unreadable: ${readFailure(err)}`,
      source.name,
    );
  }
}

/**
 * The records of the last-good copy that hold an indicator; 0 when it cannot be read, since an
 * unreadable copy could not stand in for the fresh one anyway (its replay would fail).
 */
async function countIndicators(source: SourceConfig, paths: CachePaths): Promise<number> {
  const counter = new IndicatorCounter();
  try {
    await parseFile(paths.body, source, source.url ?? source.name, counter);
  } catch {
    return 0;
  }
  return counter.valid;
}

/**
 * Loads one source into `sink` (after `sink.reset()`). URL sources use the last-good cache in
 * `<stateDir>/feeds/`; file sources are read directly. See the module doc for the failure rules.
 */
export async function loadSource(
  source: SourceConfig,
  ctx: LoadContext,
  sink: RecordSink,
): Promise<SourceReport> {
  if (source.file !== undefined) return loadFile(source, source.file, ctx, sink);
  const url = source.url;
  if (url === undefined) throw new FeedError(`source ${source.name}: neither url nor file`, source.name);
  const paths = cachePaths(ctx.stateDir, source.name);
  if (!ctx.readOnly) ensureDir(paths.dir);
  const lastGood = await readLastGood(paths);
  const tmp = ctx.readOnly
    ? join(tmpdir(), `iocwall-feed-${randomBytes(6).toString('hex')}.tmp`)
    : `${paths.body}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    let fetched;
    try {
      // axios is loaded only when a URL source is fetched: file-only compiles never pay for it.
      const { fetchToFile } = await import('./fetch.js');
      fetched = await fetchToFile({
        url,
        headers: resolveHeaders(source, ctx),
        timeoutMs: source.timeoutMs,
        maxBytes: source.maxBytes,
        retries: source.retries,
        destPath: tmp,
        ...(ctx.retryBaseMs !== undefined ? { retryBaseMs: ctx.retryBaseMs } : {}),
        ...(lastGood?.etag !== undefined ? { etag: lastGood.etag } : {}),
        ...(lastGood?.lastModified !== undefined ? { lastModified: lastGood.lastModified } : {}),
        onRetry: (attempt, reason) =>
          ctx.log?.warn({ source: source.name, attempt, reason }, 'retrying feed download'),
      });
    } catch (err) {
      return await fallBack(source, paths, lastGood, message(err), ctx, sink);
    }
    if (fetched.status === 'not-modified' && lastGood) {
      const parsed = await replay(source, paths, sink);
      if (!ctx.readOnly)
        await writeMeta(paths, {
          ...lastGood,
          fetchedAt: ctx.now.toISOString(),
          recordCount: parsed.records,
        });
      return { name: source.name, origin: 'not-modified', ...parsed };
    }
    if (fetched.status === 'not-modified')
      return await fallBack(source, paths, lastGood, 'HTTP 304 without a cached copy', ctx, sink);
    // A 200 with a sign-in or error page is a failed download, never a feed of markup lines.
    const html = await htmlProblem(tmp, fetched.contentType, source.maxBytes);
    if (html !== undefined)
      return await fallBack(source, paths, lastGood, `download failed: ${html}`, ctx, sink);
    let parsed: Parsed;
    // A streaming sink cannot take records back: count the fresh copy first, stream it once accepted.
    const counter = new IndicatorCounter(sink.read !== undefined ? undefined : sink);
    try {
      parsed = await parseFile(tmp, source, url, counter);
    } catch (err) {
      return await fallBack(source, paths, lastGood, `parse failed: ${message(err)}`, ctx, sink);
    }
    const shrank = await shrinkProblem(counter.valid, lastGood?.recordCount ?? 0, source.maxShrink, () =>
      countIndicators(source, paths),
    );
    if (shrank !== undefined) return await fallBack(source, paths, lastGood, shrank, ctx, sink);
    if (counter.valid === 0) {
      const notice = noIndicatorsNotice(parsed.records);
      ctx.log?.warn({ source: source.name, records: parsed.records }, 'feed has no valid indicators');
      parsed = { ...parsed, notices: [...parsed.notices, notice] };
    }
    if (sink.read !== undefined) {
      try {
        parsed = { ...(await parseFile(tmp, source, url, sink)), notices: parsed.notices };
      } catch (err) {
        throw new FeedError(`source ${source.name}: ${message(err)}`, source.name, { cause: err });
      }
    }
    // plan and audit write nothing: the fresh copy is parsed from the temp folder and not kept.
    if (ctx.readOnly) return { name: source.name, origin: 'fresh', ...parsed };
    await rename(tmp, paths.body);
    await writeMeta(paths, {
      ...(fetched.etag !== undefined ? { etag: fetched.etag } : {}),
      ...(fetched.lastModified !== undefined ? { lastModified: fetched.lastModified } : {}),
      fetchedAt: ctx.now.toISOString(),
      recordCount: parsed.records,
      sha256: fetched.sha256,
    });
    ctx.log?.info({ source: source.name, records: parsed.records, bytes: fetched.bytes }, 'feed updated');
    return { name: source.name, origin: 'fresh', ...parsed };
  } finally {
    await rm(tmp, { force: true });
  }
}
