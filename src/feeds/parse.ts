/**
 * Parsing entry points: a whole text (`parseText`) or a stream (`parseStream`, `parseStreamBatches`).
 * Line formats are parsed line by line as the bytes arrive (a 1 GB feed needs no 1 GB heap);
 * JSON formats (MISP, STIX, ThreatFox JSON) are buffered up to a cap, then parsed.
 * Bytes are decoded as UTF-8 with replacement characters: malformed input never crashes, the
 * normaliser rejects the damaged values.
 */
import { StringDecoder } from 'node:string_decoder';
import { FeedError } from '../errors.js';
import type { ByteInput } from './bytes.js';
import { feedBytes } from './bytes.js';
import { DETECT_HEAD_CHARS, detectFormat } from './detect.js';
import { LineDriver } from './line-driver.js';
import type { ParserSink } from './parsers/line-parser.js';
import { parserFor } from './parsers/index.js';
import { plainValueParser } from './parsers/plain.js';
import type { FeedNotice, FormatId, ParsedFeed, RawRecord } from './types.js';

export { detectFormat } from './detect.js';

export { DETECT_HEAD_CHARS } from './detect.js';
/** Default cap for buffered JSON feeds. */
export const DEFAULT_MAX_JSON_BYTES = 256 * 1024 * 1024;

/** Options of every parse. */
export interface ParseOptions {
  /** The format, or `auto` to detect it from the first 64 KiB (and the file name). */
  format: FormatId | 'auto';
  /** Helps detection (`.csv`, `.ipset`, …) and error messages. */
  fileName?: string;
  /** Receives each notice as it is found. */
  onNotice?: (n: FeedNotice) => void;
  /** Receives the format once it is known (useful with `auto`). */
  onFormat?: (f: FormatId) => void;
  /** Cap for buffered JSON formats, in bytes (default 256 MiB). */
  maxJsonBytes?: number;
  /** Cap for the whole input after gzip decompression, in bytes (default none). */
  maxBytes?: number;
}

function resolveFormat(head: string, options: ParseOptions): FormatId {
  const format =
    options.format === 'auto'
      ? detectFormat(head.slice(0, DETECT_HEAD_CHARS), options.fileName)
      : options.format;
  options.onFormat?.(format);
  return format;
}

/** Parses a whole text. Throws FeedError on malformed JSON input. */
export function parseText(text: string, options: ParseOptions): ParsedFeed {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const format = resolveFormat(body, options);
  const parser = parserFor(format);
  if (parser.kind === 'json') {
    const feed = { ...parser.parse(body), format };
    for (const n of feed.notices) options.onNotice?.(n);
    return feed;
  }
  const records: RawRecord[] = [];
  const notices: FeedNotice[] = [];
  const sink: ParserSink = {
    emit: (r) => records.push(r),
    notice: (n) => {
      notices.push(n);
      options.onNotice?.(n);
    },
  };
  const driver = new LineDriver(parser.create(sink));
  driver.push(body);
  driver.end();
  return { format, records, notices };
}

/**
 * Streams records in batches (one batch per input chunk): the cheap way to move millions of
 * records. Throws FeedError for truncated gzip, malformed JSON, over-cap input.
 */
export async function* parseStreamBatches(
  input: ByteInput,
  options: ParseOptions,
): AsyncGenerator<RawRecord[]> {
  yield* parseChunkBatches(feedBytes(input, options.maxBytes, options.onNotice), options);
}

/**
 * {@link parseStreamBatches} for the feed's bytes as `feedBytes` yields them (already decompressed
 * and held to `maxBytes`): for a caller that has looked at the start of a feed to detect its format.
 */
export async function* parseChunkBatches(
  chunks: AsyncIterable<Buffer>,
  options: ParseOptions,
): AsyncGenerator<RawRecord[]> {
  const decoder = new StringDecoder('utf8');
  const maxJson = options.maxJsonBytes ?? DEFAULT_MAX_JSON_BYTES;
  let head = '';
  let bytes = 0;
  let format: FormatId | undefined;
  let driver: LineDriver | undefined;
  let jsonParts: string[] | undefined;
  let batch: RawRecord[] = [];
  const sink: ParserSink = {
    emit: (r) => batch.push(r),
    notice: (n) => options.onNotice?.(n),
  };

  const start = (text: string) => {
    format = resolveFormat(text, options);
    const parser = parserFor(format);
    if (parser.kind === 'json') jsonParts = [text];
    else {
      driver = new LineDriver(parser.create(sink));
      driver.push(text);
    }
  };

  for await (const chunk of chunks) {
    bytes += chunk.length;
    const text = decoder.write(chunk);
    if (format === undefined) {
      head += text;
      if (head.length >= DETECT_HEAD_CHARS || options.format !== 'auto') {
        start(head);
        head = '';
      }
    } else if (jsonParts) {
      if (bytes > maxJson) throw new FeedError(`${format} feed is larger than the ${maxJson}-byte JSON cap`);
      jsonParts.push(text);
    } else driver?.push(text);
    if (batch.length > 0) {
      yield batch;
      batch = [];
    }
  }
  const tail = decoder.end();
  if (format === undefined) start(head + tail);
  else if (jsonParts) jsonParts.push(tail);
  else driver?.push(tail);
  if (jsonParts && format !== undefined) {
    if (bytes > maxJson) throw new FeedError(`${format} feed is larger than the ${maxJson}-byte JSON cap`);
    const parser = parserFor(format);
    if (parser.kind === 'json') {
      const feed = parser.parse(jsonParts.join(''));
      for (const n of feed.notices) options.onNotice?.(n);
      if (feed.records.length > 0) yield feed.records;
    }
    return;
  }
  driver?.end();
  if (batch.length > 0) yield batch;
}

/**
 * Streams the values of a `plain` feed to `onValue(value, line)`: what `parseStreamBatches` yields for
 * `format: 'plain'`, value for value, without a record object or a batch per chunk. Throws FeedError
 * like `parseStreamBatches` (truncated gzip, over-cap input, a line too long).
 */
export async function parsePlainValues(
  input: ByteInput,
  options: Omit<ParseOptions, 'format'>,
  onValue: (value: string, line: number) => void,
): Promise<void> {
  options.onFormat?.('plain');
  const decoder = new StringDecoder('utf8');
  const driver = new LineDriver(plainValueParser(onValue));
  for await (const chunk of feedBytes(input, options.maxBytes, options.onNotice))
    driver.push(decoder.write(chunk));
  driver.push(decoder.end());
  driver.end();
}

/**
 * Streams records one by one. Hand-rolled rather than `yield*` over the batches: an async
 * generator costs a full generator resumption per record, this costs one resolved promise.
 */
export function parseStream(input: ByteInput, options: ParseOptions): AsyncGenerator<RawRecord> {
  const batches = parseStreamBatches(input, options);
  let batch: RawRecord[] = [];
  let i = 0;
  const pull = async (): Promise<IteratorResult<RawRecord>> => {
    for (;;) {
      const r = await batches.next();
      if (r.done === true) return { value: undefined, done: true };
      batch = r.value;
      i = 0;
      const first = batch[i++];
      if (first !== undefined) return { value: first, done: false };
    }
  };
  const gen: AsyncGenerator<RawRecord> = {
    next: () => {
      const record = batch[i];
      if (record === undefined) return pull();
      i++;
      return Promise.resolve({ value: record, done: false });
    },
    return: async (value?: unknown) => {
      batch = [];
      await batches.return(undefined);
      return { value, done: true };
    },
    throw: async (err?: unknown) => {
      batch = [];
      await batches.return(undefined);
      throw err;
    },
    [Symbol.asyncIterator]: () => gen,
  };
  return gen;
}
