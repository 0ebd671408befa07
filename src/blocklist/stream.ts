/**
 * The one way a feed's bytes reach the collector, for `--input` files and for the config's `sources:`
 * alike: streamed, never held. A plain list goes through the byte reader (feeds/plain-bytes.ts: a
 * canonical value never becomes a string or a record); every other format is parsed in small batches
 * of records that the collector consumes as they come. Memory then follows what is kept — distinct
 * entries and a bounded reject log — not the feed's length; a size cap (`maxBytes`, after
 * decompression) is enforced while the bytes stream, so it stops a feed before memory does.
 */
import type { ByteInput } from '../feeds/bytes.js';
import { readPlainBytes, readPlainChunks, type PlainSink } from '../feeds/plain-bytes.js';
import type { FeedNotice, FormatId } from '../feeds/types.js';
import type { Collector, SourceTrack } from './collect.js';

/** How to read one feed. */
export interface StreamOptions {
  format: FormatId | 'auto';
  /** Shown in notices and used by format detection. */
  fileName: string;
  /** Cap on the (decompressed) bytes; default none. */
  maxBytes?: number;
  onNotice: (n: FeedNotice) => void;
  /** Expected size in bytes, when known: sizes the aggregator's columns once (a hint only). */
  sizeHint?: number;
}

/**
 * Streams the input `open` gives into `collector` as source `track`; returns the number of records
 * read. `open` is called where reading starts, after any `await`: a file stream opened earlier would
 * report a missing file as an 'error' event nobody listens to yet, which ends the process.
 */
export async function streamInto(
  open: () => ByteInput,
  collector: Collector,
  track: SourceTrack,
  o: StreamOptions,
): Promise<number> {
  let records = 0;
  const parseOptions = {
    fileName: o.fileName,
    onNotice: o.onNotice,
    ...(o.maxBytes !== undefined ? { maxBytes: o.maxBytes, maxJsonBytes: o.maxBytes } : {}),
  };
  // Left to `auto`, the format is detected here from the feed's first bytes, so that a plain list
  // takes the byte reader as it does with `--format plain` (the bytes are then read on from the start).
  let chunks: AsyncIterable<Buffer> | undefined;
  let format = o.format;
  if (format === 'auto') {
    const [{ feedBytes }, { detectAhead }] = await Promise.all([
      import('../feeds/bytes.js'),
      import('../feeds/detect-ahead.js'),
    ]);
    const detected = await detectAhead(feedBytes(open(), o.maxBytes, o.onNotice), o.fileName);
    format = detected.format;
    chunks = detected.chunks;
  }
  if (format === 'plain') {
    // A line of a big plain list is about 15 bytes.
    if (o.sizeHint !== undefined && o.sizeHint > 0) collector.aggregator.expect(o.sizeHint / 15);
    // Plain lists (the million-line case): values go straight to the collector, no record objects.
    const sink: PlainSink = {
      token(b, start, end) {
        if (!collector.recordToken(b, start, end, track)) return false;
        records++;
        return true;
      },
      value(value, line) {
        collector.recordValue(value, line, track);
        records++;
      },
    };
    if (chunks === undefined) await readPlainBytes(open(), parseOptions, sink);
    else await readPlainChunks(chunks, parseOptions, sink);
    return records;
  }
  const { parseChunkBatches, parseStreamBatches } = await import('../feeds/parse.js');
  const batches =
    chunks === undefined
      ? parseStreamBatches(open(), { ...parseOptions, format })
      : parseChunkBatches(chunks, { ...parseOptions, format });
  for await (const batch of batches) {
    for (const r of batch) collector.record(r, track);
    records += batch.length;
  }
  return records;
}
