/**
 * The seam every line-oriented parser implements. The driver (`../parse.ts`) splits the input
 * into lines (CR stripped, BOM removed from line 1) and calls `line` for each; parsers keep
 * whatever state their format needs (CSV header, RPZ origin, footers) between calls.
 */
import type { FeedNotice, RawRecord, ValueHint } from '../types.js';

/** Where a parser sends what it finds. */
export interface ParserSink {
  /** One record; the parser has trimmed its value and never passes an empty one. */
  emit(record: RawRecord): void;
  /** A remark about the feed as a whole. */
  notice(notice: FeedNotice): void;
}

/** A stateful parser for one feed, fed one line at a time. */
export interface LineParser {
  /** `text` has no line terminator; `lineNo` is 1-based. */
  line(text: string, lineNo: number): void;
  /** Called once after the last line (footers, summaries, count checks). */
  end(): void;
}

/** Creates a fresh parser for one feed. */
export type LineParserFactory = (sink: ParserSink) => LineParser;

/** True for the characters `String.prototype.trim` removes that occur in feeds (space, tab, CR, LF, NBSP, BOM). */
export function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 13 || code === 10 || code === 0xa0 || code === 0xfeff;
}

/** Index of the first whitespace character at or after `from`, or -1. */
export function indexOfSpace(text: string, from = 0): number {
  for (let i = from; i < text.length; i++) {
    if (isSpace(text.charCodeAt(i))) return i;
  }
  return -1;
}

/** Splits on runs of whitespace, dropping empty tokens. */
export function tokens(text: string): string[] {
  return text.split(/\s+/).filter((t) => t.length > 0);
}

/**
 * Counts a kind of skipped line and reports one summary notice at the end, so a feed with
 * thousands of exception rules does not drown the report but nothing is skipped silently.
 */
export class SkipCounter {
  private readonly counts = new Map<string, { n: number; example: string }>();

  /** Records one skipped item of `kind` (the first example is kept for the message). */
  add(kind: string, example: string): void {
    const c = this.counts.get(kind);
    if (c) c.n++;
    else this.counts.set(kind, { n: 1, example });
  }

  /** Emits one notice per kind: `level` `warn` for kinds in `warnKinds`, else `info`. */
  flush(sink: ParserSink, warnKinds: readonly string[] = []): void {
    for (const [kind, { n, example }] of this.counts) {
      sink.notice({
        level: warnKinds.includes(kind) ? 'warn' : 'info',
        message: `${n} ${kind} ignored (first: ${example.replace(/\s+/g, ' ').slice(0, 120)})`,
      });
    }
  }
}

/** Converts `2024-02-08 19:20:49`, `2022-01-13 20:16:02 UTC` or an ISO-8601 string to ISO-8601 UTC; undefined if unparseable. */
export function toIsoTime(text: string | null | undefined): string | undefined {
  if (text == null) return undefined;
  const t = text.trim();
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(UTC|Z|[+-]\d{2}:?\d{2})?$/i.exec(
    t,
  );
  let candidate: string;
  if (m) {
    const zone = m[3] === undefined || /^(utc|z)$/i.test(m[3]) ? 'Z' : m[3];
    candidate = `${m[1] ?? ''}T${m[2] ?? ''}${zone}`;
  } else if (/^\d{4}-\d{2}-\d{2}$/.test(t)) {
    candidate = `${t}T00:00:00Z`;
  } else if (/^\d{9,11}$/.test(t)) {
    candidate = new Date(Number(t) * 1000).toISOString();
  } else {
    candidate = t;
  }
  const d = new Date(candidate);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** Maps a type label a feed gives (CSV type column, ThreatFox `ioc_type`, MISP type) to a hint. */
export function hintForLabel(label: string): ValueHint | undefined {
  const l = label.trim().toLowerCase();
  if (l === '') return undefined;
  if (/^(hostname|domain|fqdn|domain-name|host|dns|domain name)$/.test(l)) return 'domain';
  if (
    /^(ip|ipv4|ipv6|ip-dst|ip-src|ip:port|ipv4-addr|ipv6-addr|ip address|ip_address|cidr|netblock|ip-dst\|port|ip-src\|port)$/.test(
      l,
    )
  )
    return 'ip';
  if (/^(url|uri|url_address)$/.test(l)) return 'url';
  if (
    /^(md5|sha1|sha224|sha256|sha384|sha512|file|hash|imphash|ssdeep|tlsh|sha256_hash|md5_hash|sha1_hash)$/.test(
      l,
    )
  )
    return 'hash';
  if (l.startsWith('filehash')) return 'hash';
  if (/^(email|emailwhois|email-src|email-dst|e-mail|email address|whois-registrant-email)$/.test(l))
    return 'email';
  return 'other';
}
