/**
 * The last check before the wire, written once for every vendor: every value a set change carries must
 * be in the blocklist's canonical form, or the apply is refused before any adapter sends anything.
 *
 * Why here as well as in the compiler: the compiler and guard already refuse such values, but a plan file,
 * a future code path or a bug must not be able to smuggle a value with another protocol's metacharacters
 * (a newline in a RouterOS word, `"` or `<` in XML, `\n` in an Unbound or alias list) onto a firewall.
 * Canonical values hold only `[0-9a-f.:/]` or `[a-z0-9.-]`, so nothing in them needs escaping anywhere.
 */
import { GuardViolationError } from '../errors.js';
import { classify } from '../indicators/classify.js';
import type { Change, FirewallAdapter, SetFamily } from './types.js';

/**
 * Whether `value` is exactly the canonical form of one indicator of this family: the classifier, run on
 * it, finds one indicator whose canonical value is the value itself (what `compile` writes).
 */
export function isCanonicalValue(family: SetFamily, value: string): boolean {
  const c = classify(value, family === 'domain' ? 'domain' : 'ip');
  const ind = c.ok && c.indicators.length === 1 ? c.indicators[0] : undefined;
  if (ind?.value !== value) return false;
  if (family === 'domain') return ind.type === 'domain';
  return ind.type === 'ip' && ind.family === (family === 'ipv4' ? 4 : 6);
}

/** The first value of a change that is not canonical, if any. */
function firstBadValue(change: Change): string | undefined {
  if (change.kind !== 'set') return undefined;
  return [...change.add, ...change.entries].find((v) => !isCanonicalValue(change.family, v));
}

/**
 * Wraps an adapter so that `apply` refuses (exit 3, before anything is sent) a change carrying a value
 * that is not canonical for its set.
 */
export function withCanonicalValues(adapter: FirewallAdapter, target: string): FirewallAdapter {
  return {
    vendor: adapter.vendor,
    read: () => adapter.read(),
    close: () => adapter.close(),
    apply: async (changes, desired) => {
      for (const change of changes) {
        const bad = firstBadValue(change);
        if (bad !== undefined)
          throw new GuardViolationError(
            `target ${target}: refused before sending: ${JSON.stringify(bad)} is not a canonical ${change.kind === 'set' ? change.family : ''} value`,
          );
      }
      return adapter.apply(changes, desired);
    },
  };
}
