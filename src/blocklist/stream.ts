/**
 * The one way a feed's bytes reach the collector, for `--input` files and for the config's `sources:`
 * alike: streamed, never held. A plain list goes through the byte reader (feeds/plain-bytes.ts: a
 * canonical value never becomes a string or a record); every other format is parsed in small batches
 * of records that the collector consumes as they come. Memory then follows what is kept — distinct
 * entries and a bounded reject log — not the feed's length; a size cap (`maxBytes`, after
 * decompression) is enforced while the bytes stream, so it stops a feed before memory does.
 */
import type { ByteInput } from '../feeds/bytes.js';
import { readPlainBytes } from '../feeds/plain-bytes.js';
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
  if (o.format === 'plain') {
    // A line of a big plain list is about 15 bytes.
    if (o.sizeHint !== undefined && o.sizeHint > 0) collector.aggregator.expect(o.sizeHint / 15);
    // Plain lists (the million-line case): values go straight to the collector, no record objects.
    await readPlainBytes(open(), parseOptions, {
      token(b, start, end) {
        if (!collector.recordToken(b, start, end, track)) return false;
        records++;
        return true;
      },
      value(value, line) {
        collector.recordValue(value, line, track);
        records++;
      },
    });
    return records;
  }
  const { parseStreamBatches } = await import('../feeds/parse.js');
  for await (const batch of parseStreamBatches(open(), { ...parseOptions, format: o.format })) {
    for (const r of batch) collector.record(r, track);
    records += batch.length;
  }
  return records;
}
