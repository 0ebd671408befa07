/**
 * The shipped MISP warninglists (`iocs/warninglists/*.json`, CC0 1.0): located relative to this
 * module, loaded lazily on first use, compiled once per directory and cached.
 *
 * Each file belongs to one kind, and the kind decides the matching rule (iocs/warninglists/README.md):
 * - `special` (rfc1918, rfc5735, rfc6598, rfc3849, ipv6-linklocal, multicast): any overlap;
 * - `infrastructure` (public-dns-v4, public-dns-v6, sinkholes): the listed address, a network
 *   containing it, or an address inside a listed network — i.e. any overlap;
 * - `cdn` (cloudflare, fastly, akamai, github): a network entry overlapping is refused; a single
 *   address inside is shared hosting, refused or accepted with a warning by `sharedHostPolicy`;
 * - `names` (rfc6761, tranco10k, google, microsoft, …): the name and all its subdomains down to the
 *   public-suffix boundary (tranco's `github.io` does not protect `evil.github.io`); a name that is
 *   also a platform entry protects its exact name only;
 * - `platform` (lots-project, dynamic-dns, public-ipfs-gateways): a plain entry protects the name and
 *   `www.` + name; a leading-dot entry protects only the platform's own name, not users' subdomains.
 * For every protected name, its parent names are refused too: blocking `githubusercontent.com` with
 * its subdomains would block `raw.githubusercontent.com`.
 * Files whose name is not in {@link LIST_KINDS} are ignored (a refresh may fetch extra lists).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { InternalError } from '../errors.js';
import { buildDualIndex, type DualIndex } from './ranges.js';

/** The kind of each shipped list, by file name without `.json`. */
export const LIST_KINDS = {
  rfc1918: 'special',
  rfc5735: 'special',
  rfc6598: 'special',
  rfc3849: 'special',
  'ipv6-linklocal': 'special',
  multicast: 'special',
  'public-dns-v4': 'infrastructure',
  'public-dns-v6': 'infrastructure',
  sinkholes: 'infrastructure',
  cloudflare: 'cdn',
  fastly: 'cdn',
  akamai: 'cdn',
  github: 'cdn',
  'lots-project': 'platform',
  'dynamic-dns': 'platform',
  'public-ipfs-gateways': 'platform',
  rfc6761: 'names',
  tranco10k: 'names',
  google: 'names',
  microsoft: 'names',
  'microsoft-office365': 'names',
  'crl-hostname': 'names',
  'captive-portals': 'names',
  'whats-my-ip': 'names',
  'security-provider-blogpost': 'names',
  'url-shortener': 'names',
} as const;

/** One of the five kinds of list (see the module comment). */
export type ListKind = (typeof LIST_KINDS)[keyof typeof LIST_KINDS];

const listFileSchema = z.object({
  name: z.string(),
  type: z.string(),
  list: z.array(z.string()),
});

/** Compiled address lists: one dual (v4/v6) index per kind; labels are list names. */
export interface IpWarninglists {
  special: DualIndex;
  infrastructure: DualIndex;
  cdn: DualIndex;
}

/** Compiled name lists: each map goes from a lowercase name to the list name that protects it. */
export interface NameWarninglists {
  /** The name itself only. */
  exact: Map<string, string>;
  /** The name and every subdomain. */
  subtree: Map<string, string>;
  /** Parent names of protected names (refused so a subdomain-blocking rule cannot cover them). */
  parents: Map<string, string>;
}

/**
 * The shipped `iocs/warninglists` folder: walks up from `from` (default: this module's folder) to
 * the folder holding package.json — two levels from `src/blocklist/`, three from `dist/src/blocklist/`.
 */
export function defaultWarninglistDir(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'iocs', 'warninglists');
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new InternalError('the shipped warninglists (iocs/warninglists) were not found beside package.json');
}

function readList(dir: string, name: string): string[] {
  const file = join(dir, `${name}.json`);
  if (!existsSync(file)) throw new InternalError(`warninglist ${name}.json missing from ${dir}`);
  const parsed = listFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new InternalError(`warninglist ${name}.json is not a MISP list.json`);
  return parsed.data.list;
}

function listsOfKind(kind: ListKind): string[] {
  return Object.entries(LIST_KINDS)
    .filter(([, k]) => k === kind)
    .map(([name]) => name);
}

const ipCache = new Map<string, IpWarninglists>();
const nameCache = new Map<string, NameWarninglists>();

/** The compiled address lists of `dir` (loaded on first call, then cached). */
export function loadIpWarninglists(dir: string = defaultWarninglistDir()): IpWarninglists {
  let cached = ipCache.get(dir);
  if (cached === undefined) {
    const build = (kind: ListKind): DualIndex => {
      const pairs: [string, string][] = [];
      for (const name of listsOfKind(kind)) for (const v of readList(dir, name)) pairs.push([v, name]);
      const index = buildDualIndex(pairs);
      if (index.bad.length > 0) {
        throw new InternalError(`warninglist entries are not IPs/CIDRs: ${index.bad.slice(0, 3).join(', ')}`);
      }
      return index;
    };
    cached = { special: build('special'), infrastructure: build('infrastructure'), cdn: build('cdn') };
    ipCache.set(dir, cached);
  }
  return cached;
}

/** The compiled name lists of `dir` (loaded on first call, then cached). */
export function loadNameWarninglists(dir: string = defaultWarninglistDir()): NameWarninglists {
  let cached = nameCache.get(dir);
  if (cached !== undefined) return cached;
  const exact = new Map<string, string>();
  const subtree = new Map<string, string>();
  const platformNames = new Set<string>();
  const add = (map: Map<string, string>, name: string, list: string): void => {
    if (!map.has(name)) map.set(name, list);
  };
  // Platforms first: their rule (exact names only) beats a top-list entry for the same name.
  for (const list of listsOfKind('platform')) {
    for (const raw of readList(dir, list)) {
      const entry = raw.toLowerCase();
      const name = entry.startsWith('.') ? entry.slice(1) : entry;
      platformNames.add(name);
      add(exact, name, list);
      if (!entry.startsWith('.')) add(exact, `www.${name}`, list);
    }
  }
  for (const list of listsOfKind('names')) {
    for (const raw of readList(dir, list)) {
      const name = raw.toLowerCase().replace(/^\./, '');
      // A platform protects its own name only. (A listed public suffix such as github.io needs no
      // special case: the guard never looks above a name's registrable domain.)
      add(platformNames.has(name) ? exact : subtree, name, list);
    }
  }
  const parents = new Map<string, string>();
  for (const map of [exact, subtree]) {
    for (const [name, list] of map) {
      for (let dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) {
        add(parents, name.slice(dot + 1), list);
      }
    }
  }
  cached = { exact, subtree, parents };
  nameCache.set(dir, cached);
  return cached;
}
