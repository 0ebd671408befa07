/**
 * What the schema of `sources:` cannot say well by itself. A source that fits no option of its union is
 * reported against the option zod guesses was meant, or as a bare `Invalid input` when it cannot guess:
 * `builtin: 3cxx` (an unknown set) came back as `Unrecognized key: "builtin"` from the URL/file schema,
 * a typo beside a valid `builtin` (or a bad `format` of a file source) as `Invalid input`. The `builtin`
 * key says which was meant, so each source is reported against that schema alone.
 */
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { sourceSchema } from '../feeds/source-schema.js';
import { builtinSourceSchema } from './schema.js';

type Issue = z.core.$ZodIssue;

/** The schema a source written as `raw` means: a shipped set when it has a `builtin` key. */
function meantSchema(raw: unknown): typeof builtinSourceSchema | typeof sourceSchema | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  return 'builtin' in raw ? builtinSourceSchema : sourceSchema;
}

/**
 * `issues` of the config `raw`, with the issues of every source replaced by those of the schema it means
 * (in the place of its first one).
 */
export function sourceIssues(raw: unknown, issues: readonly Issue[]): Issue[] {
  const sources = (raw as { sources?: unknown } | null | undefined)?.sources;
  if (!Array.isArray(sources)) return [...issues];
  const own = new Map<number, Issue[]>();
  for (const [index, source] of sources.entries()) {
    const result = meantSchema(source)?.safeParse(source);
    if (result?.success === false)
      own.set(
        index,
        result.error.issues.map((i) => ({ ...i, path: ['sources', index, ...i.path] })),
      );
  }
  const out: Issue[] = [];
  for (const issue of issues) {
    const index = issue.path[0] === 'sources' ? issue.path[1] : undefined;
    const mine = typeof index === 'number' ? own.get(index) : undefined;
    if (typeof index !== 'number' || mine === undefined) {
      out.push(issue);
      continue;
    }
    out.push(...mine);
    own.set(index, []); // in once; the union's own issues on this source are dropped
  }
  return out;
}

/**
 * Refuses two sources with one name: a URL source's last-good copy (`feeds/<name>.body`) and a source's
 * retention state are kept under its name, so two such sources would read and overwrite each other's.
 * Compared without case, as the cache is a file name and some file systems ignore case.
 */
export function refuseDuplicateSources(sources: readonly { name: string }[], where: string): void {
  const seen = new Map<string, string>();
  for (const { name } of sources) {
    const first = seen.get(name.toLowerCase());
    if (first !== undefined)
      throw new ConfigError(
        `invalid config${where}: duplicate source name ${name}${first === name ? '' : ` (as ${first}: case is not told apart)`}: each source needs its own name (its feed cache and retention state are kept under it)`,
      );
    seen.set(name.toLowerCase(), name);
  }
}
