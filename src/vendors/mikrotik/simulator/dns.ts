/**
 * The router's resolver as its static entries make it answer (`/ip/dns/static`, manual `ip/dns`
 * "Static"): entries are tried in table order and the first that matches the name and the query type
 * decides; anything else is resolved upstream (the lab's fixed answer).
 */
import { plainAnswer, type DnsVerdict } from '../../simkit/dns-responder.js';
import type { RouterOsRelease } from '../releases.js';
import type { SimRouter } from './router.js';

const yes = (v: string | undefined): boolean => v === 'true' || v === 'yes';

/**
 * Whether one static entry matches `name` (as asked: case kept, no trailing dot).
 * - `name` entries compare case-insensitively (DNS names are, RFC 4343); with `match-subdomain` (7.5+,
 *   changelog "dns - added "match-subdomain" option for static entries") every subdomain matches too.
 * - `regexp` entries match case-sensitively (wiki Manual:IP/DNS: "regexp entries are case sensitive"),
 *   so `^evil\.example$` does not block `EVIL.example` or a 0x20-randomised query.
 */
function matches(row: Readonly<Record<string, string>>, name: string, release: RouterOsRelease): boolean {
  if (row.name !== undefined && row.name !== '') {
    const base = row.name.toLowerCase();
    const asked = name.toLowerCase();
    if (asked === base) return true;
    return release.matchSubdomain && yes(row['match-subdomain']) && asked.endsWith(`.${base}`);
  }
  if (row.regexp === undefined || row.regexp === '') return false;
  try {
    return new RegExp(row.regexp).test(name);
  } catch {
    return false;
  }
}

/**
 * What the router's resolver answers for one query. A `type=NXDOMAIN` entry answers NXDOMAIN whatever
 * the query type; an `A`/`AAAA` entry answers only its own type (an `A 0.0.0.0` sinkhole lets AAAA and
 * every other type through to the upstream resolver — firmware-fidelity M4).
 */
export function resolveStatic(
  router: SimRouter,
  release: RouterOsRelease,
  name: string,
  type: string,
): DnsVerdict {
  for (const row of router.table('/ip/dns/static')?.list() ?? []) {
    if (yes(row.disabled) || !matches(row, name, release)) continue;
    const rowType = row.type ?? 'A';
    if (rowType === 'NXDOMAIN') return { rcode: 'NXDOMAIN' };
    if (rowType === type) return { rcode: 'NOERROR', addresses: row.address ? [row.address] : [] };
  }
  return plainAnswer(type);
}
