/**
 * The checks a fresh download of a URL source passes before it may replace the last-good copy
 * (load.ts): it is not an HTML page (a sign-in or error page answered with HTTP 200), and it has not
 * lost most of its indicators. Both look at what the compile would block, not at how many lines
 * parsed: every line of an HTML page parses as a record (the plain parser keeps anything that looks
 * like an entry), so a record count reads a sign-in page as a feed of 44 entries.
 */
import { open } from 'node:fs/promises';
import { classify } from '../indicators/classify.js';
import { feedBytes } from './bytes.js';
import type { FeedNotice, RawRecord } from './types.js';

/** Media types of an HTML page. No iocwall format is HTML, so such an answer is never a feed. */
const HTML_MEDIA_TYPES = new Set(['text/html', 'application/xhtml+xml']);
/** How an HTML document starts (compared lowercased, after blanks and a BOM). */
const HTML_STARTS = ['<!doctype html', '<html'];
/** Enough of the start to compare with HTML_STARTS. */
const HEAD_BYTES = 16;
/** Leading blanks read at most: a feed is not expected to open with more, and the check must stay cheap. */
const MAX_LEADING_BLANKS = 64 * 1024;

function isBlank(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0x0c || b === 0x0b;
}

/**
 * The first non-blank bytes of the file at `path` after decompression (gzip and ZIP by their magic
 * bytes, as the parse reads them), lowercased. A file the parse cannot read gives '': the parse then
 * fails with the real reason.
 */
async function headOf(path: string, maxBytes: number): Promise<string> {
  const stream = (await open(path, 'r')).createReadStream();
  let head = '';
  let scanned = 0;
  try {
    for await (const chunk of feedBytes(stream, maxBytes)) {
      let i = scanned === 0 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf ? 3 : 0;
      scanned += chunk.length;
      if (head === '') while (i < chunk.length && isBlank(chunk[i] ?? 0)) i++;
      head += chunk.toString('latin1', i, Math.min(chunk.length, i + HEAD_BYTES - head.length));
      if (head.length >= HEAD_BYTES || (head === '' && scanned >= MAX_LEADING_BLANKS)) break;
    }
  } catch {
    return '';
  } finally {
    stream.destroy();
  }
  return head.toLowerCase();
}

/**
 * Why a fresh download at `path`, answered with `contentType`, is an HTML page rather than a feed, or
 * undefined when it is not one: a `text/html` or `application/xhtml+xml` Content-Type, or a body that
 * starts with `<!doctype html` or `<html`. A captive portal, an expired subscription or a CDN error page
 * answers 200 with such a page; taken as a feed it would replace every indicator with its markup.
 */
export async function htmlProblem(
  path: string,
  contentType: string | undefined,
  maxBytes: number,
): Promise<string | undefined> {
  const media = contentType?.split(';')[0]?.trim().toLowerCase();
  if (media !== undefined && HTML_MEDIA_TYPES.has(media))
    return `the server sent an HTML page (Content-Type ${media}), not a feed`;
  const head = await headOf(path, maxBytes);
  if (HTML_STARTS.some((s) => head.startsWith(s)))
    return `the server sent an HTML page (the body starts with ${head.startsWith('<html') ? '<html' : '<!DOCTYPE html'}), not a feed`;
  return undefined;
}

/**
 * Whether a record holds a network indicator: what the compile would accept before its guard
 * (a record the feed itself marked unusable, or a value that is free text, markup or a hash, is not one).
 */
export function isIndicator(record: RawRecord): boolean {
  return record.problem === undefined && classify(record.value, record.hint).ok;
}

/**
 * A record sink that counts the records holding an indicator, passing every record on to `inner`
 * when there is one (the counting pass of a streaming sink has none: it keeps nothing).
 */
export class IndicatorCounter {
  /** Records that hold an indicator since the last `reset`. */
  valid = 0;

  constructor(private readonly inner?: { reset(): void; add(record: RawRecord): void }) {}

  /** Starts the count again (and resets `inner`). */
  reset(): void {
    this.valid = 0;
    this.inner?.reset();
  }

  /** Counts `record` and passes it on. */
  add(record: RawRecord): void {
    if (isIndicator(record)) this.valid++;
    this.inner?.add(record);
  }
}

/**
 * Why a fresh copy with `valid` indicator records is a shrink against the last-good copy, or undefined.
 * The last-good meta keeps its record count, not its indicators; its indicators are at most its records,
 * so `countLastGood` (a parse of the last-good body) runs only when the fresh copy falls short of the
 * record count. Comparing indicators with indicators also lets a last-good copy that was a page of
 * markup (stored before this check existed) be replaced by the real feed.
 */
export async function shrinkProblem(
  valid: number,
  lastGoodRecords: number,
  maxShrink: number,
  countLastGood: () => Promise<number>,
): Promise<string | undefined> {
  // Zero indicators after a non-empty copy is a shrink even with maxShrink 1 (the EDROP stub).
  const keeps = (before: number) => before === 0 || (valid > 0 && valid >= (1 - maxShrink) * before);
  if (keeps(lastGoodRecords)) return undefined;
  const before = await countLastGood();
  if (keeps(before)) return undefined;
  return `fresh copy has ${valid} valid indicators, last-good ${before}: shrank by more than ${Math.round(maxShrink * 100)}%`;
}

/** The warning of a fresh copy accepted with no indicator at all (a first download, or after an empty copy). */
export function noIndicatorsNotice(records: number): FeedNotice {
  return {
    level: 'warn',
    message:
      records === 0
        ? 'the download holds no records: check the URL still serves the feed'
        : `none of the download's ${records} records is a valid indicator: check the URL still serves the feed`,
  };
}
