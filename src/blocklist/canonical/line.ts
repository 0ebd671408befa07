/**
 * The one formatter of the canonical line (`iocwall.blocklist/v1`): every entry and rejected-value line
 * of every blocklist iocwall writes — `--json`, `--out`, the digest, a blocklist object re-serialised —
 * is a head, the value's JSON, and a tail made here. The fast writers (document-bytes.ts) copy these
 * heads and tails as bytes around values they format themselves; they never spell a key.
 *
 * - Entry: `{"type":"domain","value":V,"subdomains":true,"sources":[…],"firstSeen":"…","expiresAt":…}`
 *   (`subdomains` for domains only, `firstSeen` only when known, `expiresAt` `null` when none).
 * - Rejected value: `{"value":V,"source":"…","reason":"…","detail":"…"}` (`detail` only when present).
 * - Layout of a list of lines: `\n` before the first, `,\n` between two, `\n` after the last, nothing
 *   when empty — valid JSON with one line per value (see canonical.ts).
 */
import type { RejectReason } from '../reasons.js';

/** The start of a domain entry line, up to its value. */
export const DOMAIN_HEAD = '{"type":"domain","value":';
/** The start of an IP entry line, up to its value. */
export const IP_HEAD = '{"type":"ip","value":';
/** The start of a rejected-value line, up to its value. */
export const REJECTED_HEAD = '{"value":';

/** The head of an entry line of `type`. */
export function entryHead(type: 'domain' | 'ip'): string {
  return type === 'domain' ? DOMAIN_HEAD : IP_HEAD;
}

/**
 * Everything after an entry's value: `subdomains` (domains only; always true in a compiled list),
 * the sources as JSON (already sorted), `firstSeen` when known, and `expiresAt` (null: never).
 */
export function entryTail(
  type: 'domain' | 'ip',
  sourcesJson: string,
  firstSeen: string | undefined,
  expiresAt: string | null,
  subdomains = true,
): string {
  const sub = type === 'domain' ? `,"subdomains":${subdomains}` : '';
  const seen = firstSeen === undefined ? '' : `,"firstSeen":${JSON.stringify(firstSeen)}`;
  return `${sub},"sources":${sourcesJson}${seen},"expiresAt":${JSON.stringify(expiresAt)}}`;
}

/** One whole entry line from its value's JSON and the parts of {@link entryTail}. */
export function entryLine(
  type: 'domain' | 'ip',
  valueJson: string,
  sourcesJson: string,
  firstSeen: string | undefined,
  expiresAt: string | null,
  subdomains = true,
): string {
  return `${entryHead(type)}${valueJson}${entryTail(type, sourcesJson, firstSeen, expiresAt, subdomains)}`;
}

/** Everything after a rejected value: its source, reason and detail (when present). */
export function rejectedTail(source: string, reason: RejectReason, detail: string | undefined): string {
  const d = detail === undefined ? '' : `,"detail":${JSON.stringify(detail)}`;
  return `,"source":${JSON.stringify(source)},"reason":${JSON.stringify(reason)}${d}}`;
}

/** One whole rejected-value line. */
export function rejectedLine(value: string, source: string, reason: RejectReason, detail?: string): string {
  return `${REJECTED_HEAD}${JSON.stringify(value)}${rejectedTail(source, reason, detail)}`;
}

/** What goes before line number `n` (from 0) of a list of lines. */
export function lineSeparator(n: number): string {
  return n === 0 ? '\n' : ',\n';
}
