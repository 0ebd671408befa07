/**
 * Format auto-detection from the first ~64 KiB of a feed (and its file name as a tie-breaker).
 * Content wins over the extension: the markers of each format are specific enough, and a feed
 * saved under a wrong name is common.
 */
import { isIP } from 'node:net';
import type { FormatId } from './types.js';

/** How much text auto-detection looks at. */
export const DETECT_HEAD_CHARS = 64 * 1024;

/** How many leading data lines are sampled. */
const SAMPLE_LINES = 200;

function jsonFormat(text: string): FormatId {
  const lines = text.split('\n', 3).map((l) => l.trim());
  // JSON lines: the first line is a complete object and the next one starts another.
  if (lines.length > 1 && lines[0]?.startsWith('{') && lines[0].endsWith('}') && lines[1]?.startsWith('{')) {
    try {
      JSON.parse(lines[0]);
      if (!/"Event"|"query_status"|"spec_version"/.test(lines[0])) return 'spamhaus-json';
    } catch {
      // not JSON lines
    }
  }
  if (/"type"\s*:\s*"bundle"|"spec_version"\s*:|"pattern"\s*:\s*"\[/.test(text)) return 'stix';
  return 'misp'; // MISP, ThreatFox JSON and anything unrecognised: the MISP dispatcher explains
}

/**
 * Picks the format of a feed from its head. Never throws; unrecognisable text is `plain`
 * (whose parser passes every non-comment line on for the normaliser to judge).
 */
export function detectFormat(head: string, fileName?: string): FormatId {
  const text = head.replace(/^\uFEFF/, '');
  const start = text.trimStart();
  if (start.startsWith('{') || start.startsWith('[{') || /^\[\s*[{\]]/.test(start)) return jsonFormat(start);
  const name = (fileName ?? '').toLowerCase().replace(/\.gz$/, '');

  const all = text.split('\n');
  const comments: string[] = [];
  const data: string[] = [];
  for (const raw of all) {
    const l = raw.replace(/\r$/, '');
    const t = l.trim();
    if (t === '') continue;
    if (/^[#;!]/.test(t) || (t.startsWith('[') && t.endsWith(']') && !t.includes('|'))) comments.push(t);
    else data.push(l);
    if (data.length >= SAMPLE_LINES) break;
  }
  const share = (re: RegExp) => (data.length === 0 ? 0 : data.filter((l) => re.test(l)).length / data.length);

  if (data.some((l) => /^\$(TTL|ORIGIN)\b/i.test(l.trim())) || share(/\s(IN\s+)?(SOA|CNAME)\s/i) > 0.3)
    return 'rpz';
  if (comments.some((c) => /^\[(adblock|adguard|ublock)/i.test(c)) || share(/^\s*(@@)?\|\|/) > 0.3)
    return 'adblock';
  if (comments.some((c) => /spamhaus/i.test(c)) && share(/^\s*[0-9a-f:.]+\/\d+\s*;\s*SBL/i) >= 0.5)
    return 'spamhaus';
  if (data.length === 0 && comments.some((c) => /^;.*spamhaus/i.test(c))) return 'spamhaus';
  if (comments.some((c) => /FireHOL|\bipset\b/i.test(c)) || /\.(ipset|netset)$/.test(name)) return 'firehol';
  const hostsShare = share(/^\s*(0\.0\.0\.0|127\.0\.0\.1|::1?|255\.255\.255\.255)\s+\S/);
  if (hostsShare > 0.5) return 'hosts';
  if (isCsv(data, comments) || name.endsWith('.csv')) return 'csv';
  if (/\.(rpz|zone)$/.test(name)) return 'rpz';
  if (/\.hosts$|(^|\/)hosts$/.test(name)) return 'hosts';
  return 'plain';
}

/** CSV when most data lines have a comma and the first one (or a commented one) reads as a header or quoted row. */
function isCsv(data: string[], comments: string[]): boolean {
  if (data.length === 0) return false;
  const withComma = data.filter((l) => l.includes(',')).length / data.length;
  if (withComma < 0.8) return false;
  const first = data[0] ?? '';
  // `1.2.3.4,5.6.7.8` style lists are still CSV-ish; a header, a quote or several fields settles it.
  if (first.startsWith('"') || comments.some((c) => /^#\s*"?[a-z_]+"?\s*,/i.test(c))) return true;
  const fields = first.split(',');
  return fields.length >= 2 && !(fields.length === 1 && isIP(first) !== 0);
}
