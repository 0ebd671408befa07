/** Shared helpers of the feed tests: fixture loading (from test/fixtures only) and record shorthands. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RawRecord, ValueHint } from '../../src/feeds/types.js';

/** The project's fixture folder for IOC files. */
export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'iocs');

/** Reads a fixture (`formats/…`, `3cx/…`, `handwritten/…`) as UTF-8 text. */
export function fixture(path: string): string {
  return readFileSync(join(FIXTURES, path), 'utf8');
}

/** Path of a fixture. */
export function fixturePath(path: string): string {
  return join(FIXTURES, path);
}

/** `[value, hint]` pairs of records, for exact comparisons. */
export function pairs(records: readonly RawRecord[]): [string, ValueHint | undefined][] {
  return records.map((r) => [r.value, r.hint]);
}

/** Pairs every value with one hint. */
export function withHint(
  values: readonly string[],
  hint: ValueHint | undefined,
): [string, ValueHint | undefined][] {
  return values.map((v) => [v, hint]);
}
