/**
 * Where the shipped IOC sets live, and the publisher data errors they curate — without the IOC-set
 * schema (zod): every compile that sees a host name needs the data errors, and reading one field of
 * two small files strictly by hand costs nothing, where loading zod is a noticeable part of start-up. The
 * whole sets are validated with the schema where they are compiled (builtin.ts, ioc-set.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../errors.js';

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
    for (const r of rejectedOf(rel))
      found.set(r.value.toLowerCase(), { rejectAs: r.rejectAs, why: r.reason });
  }
  return (dataErrors = found);
}

/** The `rejected` list of a shipped set, each entry checked field by field; ConfigError when damaged. */
function rejectedOf(rel: string): { value: string; reason: string; rejectAs: KnownDataError['rejectAs'] }[] {
  const damaged = (): ConfigError => new ConfigError(`shipped IOC set ${rel} is damaged`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(packageRoot(), rel), 'utf8'));
  } catch {
    throw damaged();
  }
  if (typeof raw !== 'object' || raw === null) throw damaged();
  const list = (raw as { rejected?: unknown }).rejected ?? [];
  if (!Array.isArray(list)) throw damaged();
  return list.map((item: unknown) => {
    if (typeof item !== 'object' || item === null) throw damaged();
    const { value, reason, rejectAs } = item as Record<string, unknown>;
    if (typeof value !== 'string' || value === '' || typeof reason !== 'string' || reason === '')
      throw damaged();
    if (rejectAs !== 'invalid' && rejectAs !== 'not-network') throw damaged();
    return { value, reason, rejectAs };
  });
}
