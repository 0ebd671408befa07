/**
 * The IOC sets shipped in `iocs/` (config `builtin:`), located relative to the package root so the
 * same code works from `src/` under vitest and from `dist/src/` after `tsc`.
 */
import { join } from 'node:path';
import { ConfigError } from '../../errors.js';
import type { RawRecord } from '../../feeds/types.js';
import { readIocSet, splitAllowlist } from './ioc-set.js';
import { BUILTIN_SET_FILES, packageRoot } from './shipped.js';

export { BUILTIN_SET_FILES, knownDataErrors, packageRoot, type KnownDataError } from './shipped.js';

/** A shipped set as the compiler uses it. */
export interface BuiltinSet {
  records: RawRecord[];
  /** Values the set says must never be blocked (the vendor's own domains). */
  allowlist: { domains: string[]; ips: string[] };
  /** The set's own name: the source name of every entry it contributes (iocs/3cx/README.md). */
  sourceName: string;
}

/** Reads a shipped set by its config name; ConfigError when it is unknown or missing. */
export function loadBuiltinSet(name: string): BuiltinSet {
  const rel = BUILTIN_SET_FILES[name];
  if (rel === undefined) throw new ConfigError(`unknown builtin IOC set ${name}`);
  const set = readIocSet(join(packageRoot(), rel));
  return { records: set.records, allowlist: splitAllowlist(set.allowlist), sourceName: set.sourceName };
}
