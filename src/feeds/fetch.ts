/**
 * HTTP download of one feed through axios into a file: timeouts (connect/response and idle
 * body), a size cap (after Content-Encoding decompression), conditional GET (ETag /
 * If-Modified-Since), limited redirects to http/https only, and retries with exponential backoff
 * on 5xx, timeouts and connection resets — never on 4xx.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import axios, { AxiosError } from 'axios';
import { FeedError } from '../errors.js';
import { packageVersion } from '../util/package-root.js';

/** What to download and how. */
export interface FetchOptions {
  url: string;
  /** Extra request headers, secrets already resolved. */
  headers?: Record<string, string>;
  timeoutMs: number;
  maxBytes: number;
  retries: number;
  /** First backoff delay; doubles per attempt (default 500 ms). */
  retryBaseMs?: number;
  /** Validators of the last-good copy, for a conditional GET. */
  etag?: string;
  lastModified?: string;
  /** Where the body goes (created or truncated). */
  destPath: string;
  /** Called before each retry (for logging). */
  onRetry?: (attempt: number, reason: string) => void;
}

/** The outcome of a successful download. */
export type FetchResult =
  | { status: 'not-modified' }
  | {
      status: 'fresh';
      etag?: string;
      lastModified?: string;
      /** The response's Content-Type, as sent: the loader refuses an HTML page (fresh-check.ts). */
      contentType?: string;
      bytes: number;
      sha256: string;
    };

/** Most redirects followed. */
export const MAX_REDIRECTS = 5;
const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/** A failed attempt: `retryable` says whether another attempt may help. */
class AttemptError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

function classify(err: unknown): AttemptError {
  if (err instanceof AttemptError) return err;
  if (err instanceof FeedError) return new AttemptError(err.message, false);
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof AxiosError && /maxContentLength/.test(message)) return new AttemptError(message, false);
  if (typeof code === 'string' && code.startsWith('Z_'))
    return new AttemptError(`truncated or corrupt gzip body (${message})`, false);
  const retryable =
    (typeof code === 'string' && RETRYABLE_CODES.has(code)) ||
    /socket hang up|aborted|timeout/i.test(message);
  return new AttemptError(typeof code === 'string' ? `${code}: ${message}` : message, retryable);
}

/** Throws unless `url` is http(s): `data:`, `file:` and friends are refused before axios sees them. */
export function assertHttpUrl(url: string): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new FeedError(`not a valid URL: ${url.slice(0, 100)}`);
  }
  if (protocol !== 'http:' && protocol !== 'https:')
    throw new FeedError(`refused URL scheme ${protocol} (only http and https)`);
}

/** A strict decoder for the response's Content-Encoding (truncated data is an error, unlike axios's). */
function contentDecoder(encoding: unknown): Transform | undefined {
  const e = typeof encoding === 'string' ? encoding.trim().toLowerCase() : '';
  if (e === '' || e === 'identity') return undefined;
  if (e === 'gzip' || e === 'x-gzip') return createGunzip();
  if (e === 'deflate') return createInflate();
  if (e === 'br') return createBrotliDecompress();
  throw new AttemptError(`unsupported Content-Encoding ${e.slice(0, 40)}`, false);
}

/**
 * No keep-alive: a run fetches each feed once, and a kept connection outlives the download. After a 304
 * (whose response the code below destroys unread) the socket is never handed back to Node's default
 * keep-alive pool, so it held the process open until the server's idle timeout (75 s behind nginx) after
 * the command had finished.
 */
const FEED_AGENTS = {
  httpAgent: new http.Agent({ keepAlive: false }),
  httpsAgent: new https.Agent({ keepAlive: false }),
};

/** Feed operators see which iocwall release asks (read once: package.json does not change under us). */
let userAgent: string | undefined;

async function attempt(o: FetchOptions): Promise<FetchResult> {
  const headers: Record<string, string> = {
    'User-Agent': (userAgent ??= `iocwall/${packageVersion()}`),
    'Accept-Encoding': 'gzip, deflate, br',
    ...o.headers,
  };
  if (o.etag !== undefined) headers['If-None-Match'] = o.etag;
  if (o.lastModified !== undefined) headers['If-Modified-Since'] = o.lastModified;
  const controller = new AbortController();
  const res = await axios.request<Readable>({
    url: o.url,
    method: 'GET',
    responseType: 'stream',
    timeout: o.timeoutMs,
    maxRedirects: MAX_REDIRECTS,
    maxContentLength: o.maxBytes,
    // Our own strict decoders: axios decompresses leniently and accepts a truncated gzip body.
    decompress: false,
    ...FEED_AGENTS,
    validateStatus: () => true,
    headers,
    signal: controller.signal,
    beforeRedirect: (options) => {
      const protocol = (options as { protocol?: unknown }).protocol;
      if (protocol !== 'http:' && protocol !== 'https:')
        throw new FeedError(`redirect to a non-http URL refused`);
    },
  });
  const body = res.data;
  if (res.status === 304) {
    body.destroy();
    if (o.etag === undefined && o.lastModified === undefined)
      throw new AttemptError('HTTP 304 to an unconditional request', false);
    return { status: 'not-modified' };
  }
  if (res.status < 200 || res.status > 299) {
    body.destroy();
    throw new AttemptError(`HTTP ${res.status}`, res.status >= 500);
  }
  let decoder: Transform | undefined;
  try {
    decoder = contentDecoder(res.headers['content-encoding']);
  } catch (err) {
    body.destroy();
    throw err;
  }
  // From here the idle timer below alone times the body out: axios's socket timeout, left running, raced
  // it and surfaced as a bare reset ("aborted") instead of a timeout when this thread was busy.
  (res.request as { setTimeout?: (ms: number) => unknown } | undefined)?.setTimeout?.(0);
  const hash = createHash('sha256');
  let bytes = 0;
  let idle: NodeJS.Timeout | undefined;
  let lastData = Date.now();
  const arm = (meter: Transform) => {
    clearTimeout(idle);
    lastData = Date.now();
    idle = setTimeout(() => {
      meter.destroy(new AttemptError(`timeout: no data for ${o.timeoutMs} ms`, true));
      controller.abort();
    }, o.timeoutMs);
  };
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > o.maxBytes) {
        done(new AttemptError(`body larger than the ${o.maxBytes}-byte cap`, false));
        return;
      }
      hash.update(chunk);
      arm(this);
      done(null, chunk);
    },
  });
  arm(meter);
  try {
    if (decoder) await pipeline(body, decoder, meter, createWriteStream(o.destPath));
    else await pipeline(body, meter, createWriteStream(o.destPath));
  } catch (err) {
    // axios's socket timeout may beat the idle timer and surface as a bare reset: say what it was.
    if (!(err instanceof AttemptError) && Date.now() - lastData >= o.timeoutMs * 0.9)
      throw new AttemptError(`timeout: no data for ${o.timeoutMs} ms`, true);
    throw err;
  } finally {
    clearTimeout(idle);
  }
  const etag = res.headers.etag as unknown;
  const lastModified = res.headers['last-modified'] as unknown;
  const contentType = res.headers['content-type'] as unknown;
  return {
    status: 'fresh',
    ...(typeof etag === 'string' ? { etag } : {}),
    ...(typeof lastModified === 'string' ? { lastModified } : {}),
    ...(typeof contentType === 'string' ? { contentType } : {}),
    bytes,
    sha256: hash.digest('hex'),
  };
}

/**
 * Downloads `o.url` into `o.destPath`. Retries retryable failures `o.retries` times with
 * exponential backoff. Throws FeedError with a one-line reason (no header values in it).
 */
export async function fetchToFile(o: FetchOptions): Promise<FetchResult> {
  assertHttpUrl(o.url);
  const base = o.retryBaseMs ?? 500;
  for (let n = 0; ; n++) {
    try {
      return await attempt(o);
    } catch (err) {
      const failure = classify(err);
      if (!failure.retryable || n >= o.retries) {
        const tries = n > 0 ? ` after ${n + 1} attempts` : '';
        // No `cause`: an axios error carries the request config, secret headers included.
        throw new FeedError(`download failed${tries}: ${failure.message}`);
      }
      o.onRetry?.(n + 1, failure.message);
      await new Promise((r) => setTimeout(r, base * 2 ** n));
    }
  }
}
