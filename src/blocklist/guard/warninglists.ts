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
 *
 * Start-up: `npm run build` also writes the compiled lists to a cache beside this module
 * (warninglist-cache.ts). A load uses it only when its fingerprint matches the content of the list
 * files on disk and of the loader code; otherwise it parses the JSON, with the same result.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InternalError } from '../../errors.js';
import { IPv4Union } from '../engine/ipv4-union.js';
import { buildDualIndex, type DualIndex } from '../engine/dual-index.js';
import type { IpWarninglists, NameWarninglists } from './lists.js';
import { fingerprint, writeCacheFile } from './warninglist-cache.js';
import { encodeIpCache, readIpCache, sameIpLists } from './warninglist-cache-ip.js';
import { encodeNameCache, readNameCache, sameNameLists } from './warninglist-cache-names.js';

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

export type { IpWarninglists, NameWarninglists } from './lists.js';

/** How a load may use the build-time cache. */
export interface WarninglistLoadOptions {
  /**
   * The folder holding the cache files ({@link IP_CACHE_FILE}, {@link NAME_CACHE_FILE}); default
   * {@link defaultWarninglistCacheDir}. `null`: always parse the JSON lists.
   */
  cacheDir?: string | null;
}

/** The cache file of the compiled address lists, in the cache folder. */
export const IP_CACHE_FILE = 'warninglists-ip.cache';
/** The cache file of the compiled name lists, in the cache folder. */
export const NAME_CACHE_FILE = 'warninglists-names.cache';

const HERE = fileURLToPath(import.meta.url);

/**
 * The folder of the build-time cache: this module's own folder, i.e. `dist/src/blocklist/guard/` in the
 * package (never the user's state folder). Run from the sources (tests, tsx) there is normally no
 * cache there, and the lists are parsed.
 */
export function defaultWarninglistCacheDir(): string {
  return dirname(HERE);
}

/**
 * The shipped `iocs/warninglists` folder: walks up from `from` (default: this module's folder) to
 * the folder holding package.json — three levels from `src/blocklist/guard/`, four from `dist/src/blocklist/guard/`.
 */
export function defaultWarninglistDir(from: string = dirname(HERE)): string {
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

/** The raw bytes of each named list of `dir`, in the order given. */
function readSources(dir: string, names: readonly string[]): Map<string, Buffer> {
  const sources = new Map<string, Buffer>();
  for (const name of names) {
    const file = join(dir, `${name}.json`);
    try {
      sources.set(name, readFileSync(file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new InternalError(`warninglist ${name}.json missing from ${dir}`);
      }
      throw new InternalError(`warninglist ${name}.json cannot be read`, { cause: error });
    }
  }
  return sources;
}

/**
 * The `list` of a MISP list.json. Checked by hand rather than with a schema: a per-element schema
 * over public-dns-v4's 62k strings cost more than the rest of the parse.
 */
function parseList(name: string, bytes: Buffer | undefined): string[] {
  const refuse = (why: string, cause?: unknown): InternalError =>
    new InternalError(`warninglist ${name}.json is not a MISP list.json: ${why}`, { cause });
  let doc: unknown;
  try {
    doc = JSON.parse(bytes?.toString('utf8') ?? '');
  } catch (error) {
    throw refuse('not JSON', error);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw refuse('not an object');
  const { name: listName, type, list } = doc as Record<string, unknown>;
  if (typeof listName !== 'string') throw refuse('"name" is not a string');
  if (typeof type !== 'string') throw refuse('"type" is not a string');
  if (!Array.isArray(list)) throw refuse('"list" is not an array');
  const entries = list as unknown[];
  for (let i = 0; i < entries.length; i++) {
    if (typeof entries[i] !== 'string') throw refuse(`entry ${i} of "list" is not a string`);
  }
  return entries as string[];
}

function listsOfKind(kind: ListKind): string[] {
  return Object.entries(LIST_KINDS)
    .filter(([, k]) => k === kind)
    .map(([name]) => name);
}

const IP_KINDS = ['special', 'infrastructure', 'cdn'] as const;
const NAME_KINDS = ['platform', 'names'] as const;

/** The files each loader reads, in reading order. */
const ipListNames = (): string[] => IP_KINDS.flatMap(listsOfKind);
const nameListNames = (): string[] => NAME_KINDS.flatMap(listsOfKind);

/**
 * The modules whose code decides the compiled form (this one, the cache codec, the index and the
 * address parsers), as found beside this module: hashed into the fingerprint, so a loader rebuilt
 * with plain `tsc` (no cache step) never reads a cache written by older code. Undefined when one
 * cannot be read, which turns the cache off.
 */
function codeParts(): Map<string, Buffer> | undefined {
  const here = dirname(HERE);
  const ext = extname(HERE);
  const parts = new Map<string, Buffer>();
  // Every module whose code shapes what a cache holds: a rebuilt one never meets an old cache.
  const modules = [
    'warninglists',
    'warninglist-cache',
    'warninglist-cache-ip',
    'warninglist-cache-names',
    'name-table',
    '../engine/ranges',
    '../engine/dual-index',
    '../engine/ipv4-union',
    '../engine/cidr',
    '../engine/suffix-table',
    '../../indicators/ip',
    '../../indicators/name-hash',
    '../../indicators/psl-fast',
    '../../indicators/psl-fast-data',
  ];
  for (const module of modules) {
    try {
      parts.set(`code:${module}`, readFileSync(join(here, `${module}${ext}`)));
    } catch {
      return undefined;
    }
  }
  return parts;
}

/** The fingerprint of `sources` for the cache of `loader`, or undefined when it cannot be computed. */
function fingerprintOf(loader: 'ip' | 'names', sources: ReadonlyMap<string, Buffer>): string | undefined {
  const code = codeParts();
  if (code === undefined) return undefined;
  const kinds = [...sources.keys()].map((name) => [name, LIST_KINDS[name as keyof typeof LIST_KINDS]]);
  return fingerprint(`${loader} ${JSON.stringify(kinds)}`, new Map([...sources, ...code]));
}

/** Compiles the address lists from their JSON. */
function compileIpLists(sources: ReadonlyMap<string, Buffer>): IpWarninglists {
  const build = (kind: ListKind): DualIndex => {
    const pairs: [string, string][] = [];
    for (const name of listsOfKind(kind))
      for (const v of parseList(name, sources.get(name))) pairs.push([v, name]);
    const index = buildDualIndex(pairs);
    if (index.bad.length > 0) {
      throw new InternalError(`warninglist entries are not IPs/CIDRs: ${index.bad.slice(0, 3).join(', ')}`);
    }
    return { v4: index.v4, v6: index.v6 };
  };
  const special = build('special');
  const infrastructure = build('infrastructure');
  const cdn = build('cdn');
  const union4 = new IPv4Union(
    [],
    [special, infrastructure, cdn].map((index) => index.v4.columns()),
  );
  return { special, infrastructure, cdn, union4 };
}

/** Compiles the name lists from their JSON. */
function compileNameLists(sources: ReadonlyMap<string, Buffer>): NameWarninglists {
  const exact = new Map<string, string>();
  const subtree = new Map<string, string>();
  const platformNames = new Set<string>();
  const add = (map: Map<string, string>, name: string, list: string): void => {
    if (!map.has(name)) map.set(name, list);
  };
  // Platforms first: their rule (exact names only) beats a top-list entry for the same name.
  for (const list of listsOfKind('platform')) {
    for (const raw of parseList(list, sources.get(list))) {
      const entry = raw.toLowerCase();
      const name = entry.startsWith('.') ? entry.slice(1) : entry;
      platformNames.add(name);
      add(exact, name, list);
      if (!entry.startsWith('.')) add(exact, `www.${name}`, list);
    }
  }
  for (const list of listsOfKind('names')) {
    for (const raw of parseList(list, sources.get(list))) {
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
  return { exact, subtree, parents };
}

/** The address lists cached in `cacheDir` for exactly `sources`, else undefined. */
function cachedIpLists(sources: ReadonlyMap<string, Buffer>, cacheDir: string): IpWarninglists | undefined {
  const print = fingerprintOf('ip', sources);
  return print === undefined ? undefined : readIpCache(join(cacheDir, IP_CACHE_FILE), print);
}

/** The name lists cached in `cacheDir` for exactly `sources`, else undefined. */
function cachedNameLists(
  sources: ReadonlyMap<string, Buffer>,
  cacheDir: string,
): NameWarninglists | undefined {
  const print = fingerprintOf('names', sources);
  return print === undefined ? undefined : readNameCache(join(cacheDir, NAME_CACHE_FILE), print);
}

/**
 * The lists as the caches in `cacheDir` hold them for the files of `dir`, each undefined when its
 * cache is absent, stale or damaged — no JSON fallback, nothing kept for later loads. For tests and
 * diagnostics: the loaders fall back silently, this tells which way they would go.
 */
export function readWarninglistCaches(
  dir: string = defaultWarninglistDir(),
  cacheDir: string = defaultWarninglistCacheDir(),
): { ip: IpWarninglists | undefined; names: NameWarninglists | undefined } {
  return {
    ip: cachedIpLists(readSources(dir, ipListNames()), cacheDir),
    names: cachedNameLists(readSources(dir, nameListNames()), cacheDir),
  };
}

const ipCache = new Map<string, IpWarninglists>();
const nameCache = new Map<string, NameWarninglists>();

function cacheDirOf(options: WarninglistLoadOptions): string | null {
  return options.cacheDir === undefined ? defaultWarninglistCacheDir() : options.cacheDir;
}

/**
 * The compiled address lists of `dir` (loaded on first call, then kept for the process): from the
 * build-time cache when it matches the files, else from the JSON.
 */
export function loadIpWarninglists(
  dir: string = defaultWarninglistDir(),
  options: WarninglistLoadOptions = {},
): IpWarninglists {
  const cacheDir = cacheDirOf(options);
  const key = `${dir}\n${cacheDir ?? ''}`;
  let cached = ipCache.get(key);
  if (cached === undefined) {
    const sources = readSources(dir, ipListNames());
    cached = (cacheDir === null ? undefined : cachedIpLists(sources, cacheDir)) ?? compileIpLists(sources);
    ipCache.set(key, cached);
  }
  return cached;
}

/**
 * The compiled name lists of `dir` (loaded on first call, then kept for the process): from the
 * build-time cache when it matches the files, else from the JSON.
 */
export function loadNameWarninglists(
  dir: string = defaultWarninglistDir(),
  options: WarninglistLoadOptions = {},
): NameWarninglists {
  const cacheDir = cacheDirOf(options);
  const key = `${dir}\n${cacheDir ?? ''}`;
  let cached = nameCache.get(key);
  if (cached === undefined) {
    const sources = readSources(dir, nameListNames());
    cached =
      (cacheDir === null ? undefined : cachedNameLists(sources, cacheDir)) ?? compileNameLists(sources);
    nameCache.set(key, cached);
  }
  return cached;
}

/**
 * Compiles the lists of `dir` from their JSON and writes both cache files to `cacheDir` (the build
 * step, warninglist-build.ts). Each file is read back and compared with the compiled lists; one that
 * does not reproduce them exactly is removed and the build fails. Returns the files written.
 */
export function writeWarninglistCaches(
  dir: string = defaultWarninglistDir(),
  cacheDir: string = defaultWarninglistCacheDir(),
): string[] {
  const fail = (file: string, why: string): never => {
    rmSync(file, { force: true });
    throw new InternalError(`warninglist cache ${file}: ${why}; removed`);
  };
  const ipFile = join(cacheDir, IP_CACHE_FILE);
  const ipSources = readSources(dir, ipListNames());
  const ipPrint = fingerprintOf('ip', ipSources) ?? fail(ipFile, 'the loader code cannot be read');
  const ip = compileIpLists(ipSources);
  writeCacheFile(ipFile, encodeIpCache(ipPrint, ip));
  const ipBack = readIpCache(ipFile, ipPrint);
  if (ipBack === undefined || !sameIpLists(ip, ipBack)) fail(ipFile, 'it does not read back as the lists');

  const nameFile = join(cacheDir, NAME_CACHE_FILE);
  const nameSources = readSources(dir, nameListNames());
  const namePrint = fingerprintOf('names', nameSources) ?? fail(nameFile, 'the loader code cannot be read');
  const names = compileNameLists(nameSources);
  writeCacheFile(nameFile, encodeNameCache(namePrint, names));
  const namesBack = readNameCache(nameFile, namePrint);
  if (namesBack === undefined || !sameNameLists(names, namesBack)) {
    fail(nameFile, 'it does not read back as the lists');
  }
  return [ipFile, nameFile];
}
