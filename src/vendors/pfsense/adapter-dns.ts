/**
 * The DNS set on pfSense: a marked block inside the DNS Resolver's `custom_options`, without pfBlockerNG.
 *
 *     # <set name> begin <marker>
 *     server:
 *     local-zone: "evil.example." always_nxdomain
 *     # <set name> end <marker>
 *
 * Why this shape (pfsense-facts.md §9):
 * - pfSense appends the custom options after the `forward-zone:` clauses (forwarding mode, domain
 *   overrides; pfsense/pfsense RELENG_2_7_2 `unbound.inc`), so the block opens its own `server:` clause;
 * - `always_nxdomain` answers NXDOMAIN for the name and every name below it (unbound.conf(5) 1.18.0);
 * - pfrest stores the text unchecked and a bad line stops Unbound while the API says applied, so names are
 *   validated here, the text outside the markers is never touched (read, merge, write: byte for byte), the
 *   administrator's lines are checked for lines Unbound cannot parse before anything is applied, and after
 *   the apply Unbound must be running, else the previous text is restored and applied again.
 */
import { VendorError } from '../../errors.js';
import { hasMarker } from '../ownership.js';
import type { ForeignObject, ObservedSet } from '../types.js';

/** One managed-looking block found in the text (ours or another instance's). */
export interface DnsBlock {
  name: string;
  /** Whether the begin line carries our marker. */
  ours: boolean;
  /** Line indexes of the begin and end lines (inclusive). */
  begin: number;
  end: number;
  /** Domains of well-formed `local-zone` lines, then any other line verbatim (an edit to be undone). */
  entries: string[];
}

const BEGIN = /^# (\S+) begin(?:\s+(.*))?$/;
const END = /^# (\S+) end(?:\s+(.*))?$/;
const ZONE = /^local-zone: "([^"]+)\." always_nxdomain$/;
/** A DNS label iocwall writes (LDH plus `_`, which real blocklists carry). */
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

/** Splits text into lines keeping the exact separators, so that unchanged parts are rejoined byte for byte. */
function lines(text: string): string[] {
  return text === '' ? [] : text.split('\n');
}

/** The blocks in `text` named one of `names` or carrying `marker`. */
export function findBlocks(text: string, names: readonly string[], marker: string): DnsBlock[] {
  const all = lines(text);
  const blocks: DnsBlock[] = [];
  for (let i = 0; i < all.length; i++) {
    const m = BEGIN.exec((all[i] ?? '').trimEnd());
    if (m?.[1] === undefined) continue;
    const name = m[1];
    const ours = hasMarker(m[2] ?? '', marker);
    if (!ours && !names.includes(name)) continue;
    let end = i + 1;
    while (end < all.length && END.exec((all[end] ?? '').trimEnd())?.[1] !== name) end++;
    const entries: string[] = [];
    for (const raw of all.slice(i + 1, end)) {
      const line = raw.trim();
      if (line === '' || line === 'server:') continue;
      const z = ZONE.exec(line);
      entries.push(z?.[1] === undefined ? line : z[1].toLowerCase());
    }
    blocks.push({
      name,
      ours,
      begin: i,
      end: Math.min(end, all.length - 1),
      entries: [...new Set(entries)].sort(),
    });
    i = end;
  }
  return blocks;
}

/** Our DNS sets (every marked block under its own name) and unmarked blocks holding our name. */
export function observeDnsBlocks(
  text: string,
  name: string,
  marker: string,
  effective: boolean,
  foreign: ForeignObject[],
): ObservedSet[] {
  const sets: ObservedSet[] = [];
  for (const b of findBlocks(text, [name], marker)) {
    if (!b.ours) {
      foreign.push({
        kind: 'set',
        name: b.name,
        detail: `DNS Resolver custom options hold a block named ${b.name} without marker ${marker}`,
      });
      continue;
    }
    // Unbound down, disabled or with unapplied settings: nothing of the block is in effect.
    sets.push({
      id: 'dns',
      name: b.name,
      handle: 'custom_options',
      entries: b.entries,
      runtimeEntries: effective ? b.entries : [],
    });
  }
  return sets;
}

/** Checks domains before they are written; a bad one would stop Unbound. */
export function validateDomains(target: string, domains: readonly string[]): void {
  for (const d of domains) {
    const labels = d.split('.');
    if (d.length > 253 || labels.length < 2 || !labels.every((l) => LABEL.test(l))) {
      throw new VendorError(
        `pfsense ${target}: refusing to write DNS name ${JSON.stringify(d)}: not a valid host name`,
        {
          vendor: 'pfsense',
          target,
          operation: 'validate domains',
          transient: false,
        },
      );
    }
  }
}

/** The block text for `domains`. */
export function renderBlock(name: string, marker: string, domains: readonly string[]): string[] {
  return [
    `# ${name} begin ${marker}`,
    'server:',
    ...domains.map((d) => `local-zone: "${d}." always_nxdomain`),
    `# ${name} end ${marker}`,
  ];
}

/**
 * The new text: our block of `name` replaced in place (or appended), or removed when `domains` is null.
 * Every byte outside our block is kept.
 */
export function mergeBlock(
  text: string,
  name: string,
  marker: string,
  domains: readonly string[] | null,
): string {
  const all = lines(text);
  const ours = findBlocks(text, [name], marker).find((b) => b.ours && b.name === name);
  const block = domains === null ? [] : renderBlock(name, marker, domains);
  if (ours !== undefined)
    return [...all.slice(0, ours.begin), ...block, ...all.slice(ours.end + 1)].join('\n');
  if (block.length === 0) return text;
  if (all.length === 0) return block.join('\n');
  // Appended after a newline of our own when the text does not end with one.
  return text.endsWith('\n') ? `${text}${block.join('\n')}\n` : `${text}\n${block.join('\n')}`;
}

/**
 * Lines Unbound's parser cannot read (not blank, not a comment, not `clause:` or `keyword: value` with
 * balanced quotes), outside our blocks. A lexical check only: pfrest offers no unbound-checkconf.
 */
export function unparseableLines(text: string, marker: string): string[] {
  const all = lines(text);
  const ours = findBlocks(text, [], marker).filter((b) => b.ours);
  const bad: string[] = [];
  all.forEach((raw, i) => {
    if (ours.some((b) => i >= b.begin && i <= b.end)) return;
    const line = raw.trim().replace(/#.*$/, '').trim();
    if (line === '') return;
    const quotes = (line.match(/"/g) ?? []).length;
    if (!/^[a-z0-9-]+:(\s.*)?$/i.test(line) || quotes % 2 !== 0) bad.push(`line ${i + 1}: ${raw.trim()}`);
  });
  return bad;
}
