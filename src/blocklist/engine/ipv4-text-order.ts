/**
 * Sorting IPv4 networks held as numbers in the order of their text (code units), without making the
 * text. Canonical documents order every value by its text; a million rejected addresses should cost
 * a few numbers each, not a string.
 */

/** Fits in the low word of a sort key beside the 6-bit prefix rank. */
const MAX_NATIVE_ROWS = 1 << 26;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Code-unit comparison of two decimal strings, as canonical order compares text. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function rankOfDecimalStrings(n: number): Uint16Array {
  const byText = Array.from({ length: n }, (_, i) => i).sort((a, b) => compareText(String(a), String(b)));
  const rank = new Uint16Array(n);
  byText.forEach((v, r) => (rank[v] = r));
  return rank;
}

/** Rank of each number 0–255 among their decimal strings in code-unit order ("0" < "1" < "10" < …). */
const OCTET_RANK = rankOfDecimalStrings(256);
/** The same for prefix lengths 0–31 (32 is written without a prefix). */
const PREFIX_RANK = rankOfDecimalStrings(32);

/**
 * A number ordered like the text of `start/prefix` (`1.2.3.4`, `10.0.0.0/8`) in code units: the
 * octets' string ranks, then no prefix before any prefix, prefixes by their string rank. Exact
 * because `.`, `/` and the end of the text all sort before every digit, so the texts compare octet
 * string by octet string. Equal keys mean equal texts.
 */
export function ipv4TextKey(start: number, prefix: number): number {
  const quad =
    (OCTET_RANK[start >>> 24] ?? 0) * 16777216 +
    (OCTET_RANK[(start >>> 16) & 255] ?? 0) * 65536 +
    (OCTET_RANK[(start >>> 8) & 255] ?? 0) * 256 +
    (OCTET_RANK[start & 255] ?? 0);
  return quad * 64 + (prefix === 32 ? 0 : 1 + (PREFIX_RANK[prefix] ?? 0));
}

/**
 * Positions `0..n-1` ascending by `keys` (38-bit {@link ipv4TextKey}s), ties by position. Natively
 * sorted 64-bit words — the 32-bit octet part above, the prefix rank and the position below — written
 * through a `Uint32Array` view, so no BigInt is made; a comparator sort only beyond 2^26 rows.
 */
export function sortByTextKey(keys: Float64Array): Uint32Array {
  const n = keys.length;
  if (n >= MAX_NATIVE_ROWS || !LITTLE_ENDIAN) {
    return Uint32Array.from({ length: n }, (_, k) => k).sort(
      (a, b) => (keys[a] ?? 0) - (keys[b] ?? 0) || a - b,
    );
  }
  const words = new BigUint64Array(n);
  const halves = new Uint32Array(words.buffer);
  for (let k = 0; k < n; k++) {
    const key = keys[k] ?? 0;
    const quad = Math.floor(key / 64);
    halves[2 * k] = (key - quad * 64) * MAX_NATIVE_ROWS + k;
    halves[2 * k + 1] = quad;
  }
  words.sort();
  const order = new Uint32Array(n);
  for (let k = 0; k < n; k++) order[k] = (halves[2 * k] ?? 0) % MAX_NATIVE_ROWS;
  return order;
}
