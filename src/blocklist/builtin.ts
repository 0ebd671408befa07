/**
 * The IOC sets shipped in `iocs/` (config `builtin:`), located relative to the package root so the
 * same code works from `src/` under vitest and from `dist/src/` after `tsc`.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../errors.js';
import type { RawRecord } from '../feeds/types.js';
import { iocSetSchema, readIocSet, splitAllowlist } from './ioc-set.js';
import { readFileSync } from 'node:fs';

/** A shipped set as the compiler uses it. */
export interface BuiltinSet {
  records: RawRecord[];
  /** Values the set says must never be blocked (the vendor's own domains). */
  allowlist: { domains: string[]; ips: string[] };
  /** The set's own name: the source name of every entry it contributes (iocs/3cx/README.md). */
  sourceName: string;
}

/** File of each shipped set, relative to the package root. */
export const BUILTIN_SET_FILES: Record<string, string> = {
  '3cx': 'iocs/3cx/3cx-c2.json',
  'unc4736-related': 'iocs/3cx/unc4736-related.json',
};

let root: string | undefined;

/** The folder holding iocwall's package.json (walking up from this module). */
export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new ConfigError('cannot locate the iocwall package folder (package.json)');
    dir = up;
  }
}

/** Reads a shipped set by its config name; ConfigError when it is unknown or missing. */
export function loadBuiltinSet(name: string): BuiltinSet {
  const rel = BUILTIN_SET_FILES[name];
  if (rel === undefined) throw new ConfigError(`unknown builtin IOC set ${name}`);
  const set = readIocSet(join(packageRoot(), rel));
  return { records: set.records, allowlist: splitAllowlist(set.allowlist), sourceName: set.sourceName };
}

/** A value publishers listed by mistake, as curated in the shipped sets' `rejected` lists. */
export interface KnownDataError {
  rejectAs: 'invalid' | 'not-network';
  why: string;
}

let dataErrors: Map<string, KnownDataError> | undefined;

/**
 * Every known data error of every shipped set (e.g. Maltrail's `acharryblogs.com`, a truncated
 * `zacharryblogs.com`). Curated values, not a heuristic: a guess such as "a domain minus its first letter"
 * would throw away real typosquatting indicators.
 */
export function knownDataErrors(): ReadonlyMap<string, KnownDataError> {
  if (dataErrors) return dataErrors;
  const found = new Map<string, KnownDataError>();
  for (const rel of Object.values(BUILTIN_SET_FILES)) {
    const parsed = iocSetSchema.safeParse(JSON.parse(readFileSync(join(packageRoot(), rel), 'utf8')));
    if (!parsed.success) throw new ConfigError(`shipped IOC set ${rel} is damaged`);
    for (const r of parsed.data.rejected)
      found.set(r.value.toLowerCase(), { rejectAs: r.rejectAs, why: r.reason });
  }
  return (dataErrors = found);
}
