/**
 * The byte form of the canonical document's lines (`BlocklistDocument.writeEntries`/`writeRejected`):
 * the same text as `entryChunks`/`rejectedChunks` in document.ts, formatted straight into a reusable
 * buffer (byte-writer.ts) instead of a million strings joined twice. document-bytes.test.ts holds the
 * two forms byte-identical.
 */
import { formatCidr6 } from './cidr6.js';
import type { Aggregated } from './aggregate.js';
import type { ByteWriter } from './byte-writer.js';
import { entryJson, rejectedJson } from './canonical.js';
import type { SourceSets } from './provenance.js';
import type { RejectLog } from './rejects.js';

/** Formats ms times as ISO-8601, remembering the last one (runs of equal times are the norm). */
export class TimeFormatter {
  private lastMs = NaN;
  private lastIso = '';

  /** ISO text, or undefined for `Infinity` (none). */
  iso(ms: number): string | undefined {
    if (ms === Infinity) return undefined;
    if (ms !== this.lastMs) {
      this.lastMs = ms;
      this.lastIso = new Date(ms).toISOString();
    }
    return this.lastIso;
  }
}

/** The constant start of an IP entry, encoded once. */
const IP_HEAD = Buffer.from('{"type":"ip","value":"');

/** Writes the separator before entry number `n` of a body (see `bodyParts` in canonical.ts). */
/** The JSON line of IPv6 entry `i` (few enough that both serialisations share this one string path). */
export function ipv6EntryJson(
  v6: Aggregated['v6'],
  i: number,
  sets: SourceSets,
  seen: TimeFormatter,
  exp: TimeFormatter,
): string {
  const value = formatCidr6(v6.start[i] ?? 0n, v6.prefix[i] ?? 0);
  return entryJson(
    'ip',
    `"${value}"`,
    sets.jsonOf(v6.set[i] ?? 0),
    seen.iso(v6.firstSeen[i] ?? 0),
    exp.iso(v6.expiresAt[i] ?? 0) ?? null,
  );
}

function separator(w: ByteWriter, n: number): void {
  w.ascii(n === 0 ? '\n' : ',\n');
}

/**
 * The entries of `entryChunks`, byte for byte, in the file layout (`\n` e1 `,\n` e2 … `\n`), written
 * straight into `w`: IPs are formatted into bytes and the constant tail of an entry (sources, times)
 * is encoded once per source set, so a million entries allocate no strings.
 */
export function writeEntries(agg: Aggregated, sets: SourceSets, w: ByteWriter): void {
  const { domains, v4, v6 } = agg;
  const exp = new TimeFormatter();
  const seen = new TimeFormatter();
  // The tails are cut from `entryJson` itself, so both serialisations agree by construction.
  const domainHead = '{"type":"domain","value":""';
  const ipHead = '{"type":"ip","value":""';
  const tailOf = (type: 'domain' | 'ip', set: number, first: number, expires: number): string =>
    entryJson(type, '""', sets.jsonOf(set), seen.iso(first), exp.iso(expires) ?? null).slice(
      (type === 'domain' ? domainHead : ipHead).length,
    );
  const plainTails = new Map<number, Buffer>();
  const plainTail = (type: 'domain' | 'ip', set: number): Buffer => {
    const key = type === 'domain' ? -1 - set : set;
    let b = plainTails.get(key);
    if (b === undefined) {
      b = Buffer.from(tailOf(type, set, Infinity, Infinity), 'utf8');
      plainTails.set(key, b);
    }
    return b;
  };
  let n = 0;
  const names = domains.value;
  for (let i = 0; i < names.length;) {
    const run = plainRun(domains, i);
    if (run > 1) {
      // A run of plain entries of one source set: one native join writes them all.
      const tail = tailOf('domain', domains.set[i] ?? 0, Infinity, Infinity);
      writeDomainRun(w, names.slice(i, i + run), tail, n, domains.plain);
      n += run;
      i += run;
      continue;
    }
    separator(w, n++);
    w.ascii('{"type":"domain","value":');
    w.jsonString(names[i] ?? '');
    const set = domains.set[i] ?? 0;
    const first = domains.firstSeen[i] ?? Infinity;
    const expires = domains.expiresAt[i] ?? Infinity;
    if (first === Infinity && expires === Infinity) w.bytes(plainTail('domain', set));
    else w.utf8(tailOf('domain', set, first, expires));
    i++;
  }
  for (let i = 0; i < v4.length; i++) {
    separator(w, n++);
    w.bytes(IP_HEAD);
    w.ipv4(v4.start[i] ?? 0);
    const p = v4.prefix[i] ?? 32;
    if (p !== 32) {
      w.ascii('/');
      w.small(p);
    }
    w.ascii('"');
    const set = v4.set[i] ?? 0;
    const first = v4.firstSeen.get(i);
    const expires = v4.expiresAt.get(i);
    if (first === Infinity && expires === Infinity) w.bytes(plainTail('ip', set));
    else w.utf8(tailOf('ip', set, first, expires));
  }
  for (let i = 0; i < v6.start.length; i++) {
    separator(w, n++);
    w.utf8(ipv6EntryJson(v6, i, sets, seen, exp));
  }
  if (n > 0) w.ascii('\n');
}

/** Longest run of entries this joins at once: big enough to amortise, small enough to stay flat. */
const RUN = 4096;

/** Anything but printable ASCII (all a JSON tail can hold besides non-ASCII text). */
const NON_ASCII = /[^ -~]/;

/** Characters `JSON.stringify` would escape (or that are not ASCII): a run holding one is not joined. */
const NOT_PLAIN = /[^\x20-\x21\x23-\x5b\x5d-\x7e]/;

/** Length of the run of plain entries (no times, same set) starting at `i` (at most {@link RUN}). */
function plainRun(d: Aggregated['domains'], i: number): number {
  const set = d.set[i];
  let j = i;
  while (
    j < d.value.length &&
    j - i < RUN &&
    d.set[j] === set &&
    d.firstSeen[j] === Infinity &&
    d.expiresAt[j] === Infinity
  )
    j++;
  return j - i;
}

/**
 * Writes `names` (consecutive plain domain entries sharing `tail`) as `{"type":"domain","value":"n1"tail,\n…`.
 * Names needing JSON escapes fall back to one entry at a time (`plain`: the set knows there are none).
 */
function writeDomainRun(w: ByteWriter, names: string[], tail: string, n: number, plain: boolean): void {
  const head = '{"type":"domain","value":"';
  if (!plain && NOT_PLAIN.test(names.join(' '))) {
    names.forEach((name, k) => {
      separator(w, n + k);
      w.ascii('{"type":"domain","value":');
      w.jsonString(name);
      w.utf8(tail);
    });
    return;
  }
  const text = `${n === 0 ? '\n' : ',\n'}${head}${names.join(`"${tail},\n${head}`)}"${tail}`;
  // Latin-1 bytes equal UTF-8 ones only for ASCII; a source name like `données` needs real UTF-8.
  if (NON_ASCII.test(tail)) w.utf8(text);
  else w.latin1(text);
}

/** The lines of `rejectedChunks`, byte for byte, in the file layout (like `writeEntries`). */
export function writeRejected(
  rejects: RejectLog,
  order: readonly number[],
  sets: SourceSets,
  w: ByteWriter,
): void {
  // Tails by set and reason, then by detail: details are a handful of shared label strings, so this
  // is two array reads and one Map hit per row, with no key string built.
  const tails: Map<string | undefined, Buffer>[] = [];
  const head = Buffer.from('{"value":');
  for (let k = 0; k < order.length; k++) {
    const i = order[k] ?? 0;
    separator(w, k);
    w.bytes(head);
    w.jsonString(rejects.value[i] ?? '');
    const slot = (rejects.set[i] ?? 0) * 32 + (rejects.reason[i] ?? 0);
    const byDetail = (tails[slot] ??= new Map());
    const detail = rejects.detail[i];
    let tail = byDetail.get(detail);
    if (tail === undefined) {
      tail = rejectedTail(rejects, i, sets);
      byDetail.set(detail, tail);
    }
    w.bytes(tail);
  }
  if (order.length > 0) w.ascii('\n');
}

/** The encoded `,"source":…}` tail of rejected value `i`. */
function rejectedTail(rejects: RejectLog, i: number, sets: SourceSets): Buffer {
  const detail = rejects.detail[i];
  const full = rejectedJson({
    value: '',
    source: sets.sourceName(rejects.set[i] ?? 0),
    reason: rejects.reasonAt(i),
    ...(detail === undefined ? {} : { detail }),
  });
  return Buffer.from(full.slice('{"value":""'.length), 'utf8');
}
