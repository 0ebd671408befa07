/**
 * The compile pipeline: sources → classify → guard → aggregate → expiry/retention → canonical document.
 *
 * Sources are the config's `sources:` (shipped sets via `readIocSet`, URL/file feeds via `loadSource`
 * with its last-good rule) and `--input` files (parsed directly, in batches). Records flow one by one
 * through the collector into typed-array columns; the canonical text is built from those columns, and
 * `blocklist` (the object form) is only materialised when a caller asks for it.
 */
import { createReadStream, statSync, type ReadStream } from 'node:fs';
import { basename, isAbsolute, resolve } from 'node:path';
import { resolveSecret } from '../config/secrets.js';
import type { LoadedConfig } from '../config/load.js';
import { FeedError, IocwallError } from '../errors.js';
import type { SourceReport } from '../feeds/load.js';
import type { FeedNotice, FormatId } from '../feeds/types.js';
import type { Logger } from '../log.js';
import type { BuiltinSet } from './shipped/builtin.js';
import { documentText, type BlocklistDocument } from './canonical/canonical.js';
import { Collector, type Outcome, type SourceTrack } from './collect.js';
import { rejectDataErrors } from './shipped/data-errors.js';
import { knownDataErrors } from './shipped/shipped.js';
import { buildDocument, countsOf, type DocumentCounts } from './canonical/document.js';
import { createGuard, type Guard } from './guard/guard.js';
import { guardOptionsFromConfig } from './guard/options.js';
import { SourceSets } from './aggregate/provenance.js';
import { streamInto } from './stream.js';
import type { Blocklist } from './types.js';

/** One `--input`. */
export interface CompileInput {
  /** Source name used in `sources` and `rejected`. */
  name: string;
  /** File path; `-` is stdin. */
  path: string;
  format: FormatId | 'auto';
}

/** What `compileBlocklist` needs. */
export interface CompileOptions {
  loaded: LoadedConfig;
  inputs: CompileInput[];
  /** Compile the config's `sources:` too. */
  includeConfigSources: boolean;
  now: Date;
  /** Extra addresses the guard must never block (besides the config's targets). */
  targetAddresses?: string[];
  stdin?: NodeJS.ReadableStream;
  log: Logger;
  /** Persist retention state (`<stateDir>/retention.json`); default false. */
  updateState?: boolean;
  /** Receives what happened to every indicator (used by `check`). */
  observe?: (o: Outcome) => void;
}

/** The outcome of a compile. */
export interface CompileResult {
  /** The object form (materialised from `document` on first access). */
  readonly blocklist: Blocklist;
  /** The canonical text pieces and digest (what `--out`/`--json` write). */
  document: BlocklistDocument;
  counts: DocumentCounts;
  sources: SourceReport[];
  /** Feed notices at `warn` level and source problems, one line each. */
  warnings: string[];
  /** The guard this compile used (its config, targets and shipped sets' allowlists). */
  readonly guard: Guard;
}

/** Gives each input a unique source name (`name`, `name#2`, …). */
export function uniqueInputNames(paths: readonly string[], taken: Iterable<string> = []): string[] {
  const used = new Set(taken);
  return paths.map((p) => {
    const base = p === '-' ? 'stdin' : basename(p);
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}#${n}`;
    used.add(name);
    return name;
  });
}

/** Compiles the canonical blocklist (see the module comment). */
export async function compileBlocklist(o: CompileOptions): Promise<CompileResult> {
  const { loaded, log } = o;
  const nowMs = o.now.getTime();
  const sets = new SourceSets();
  const warnings: string[] = [];
  const reports: SourceReport[] = [];
  const configSources = o.includeConfigSources ? loaded.config.sources : [];

  // Shipped sets first: their allowlists (www.3cx.com, 3cx.com) feed the guard.
  // Config sources, the shipped sets and retention pull in zod and the feed machinery: loaded only
  // when there are config sources, so `compile --input` of a plain list starts faster.
  const builtins = new Map<string, BuiltinSet>();
  for (const s of configSources) {
    if (!('builtin' in s)) continue;
    const { loadBuiltinSet } = await import('./shipped/builtin.js');
    builtins.set(s.name, loadBuiltinSet(s.builtin));
  }
  const guardOptions = guardOptionsFromConfig(loaded, o.targetAddresses ?? []);
  for (const b of builtins.values()) {
    guardOptions.allowlist = {
      domains: [...new Set([...guardOptions.allowlist.domains, ...b.allowlist.domains])],
      ips: [...new Set([...guardOptions.allowlist.ips, ...b.allowlist.ips])],
    };
  }
  const guard = createGuard(guardOptions);
  const retention =
    configSources.length > 0
      ? (await import('./lifetime/retention.js')).RetentionStore.load(loaded.stateDir)
      : undefined;
  const updateState = o.updateState === true;
  const collector = new Collector({
    sets,
    guard,
    nowMs,
    updateState,
    ...(o.observe ? { observe: o.observe } : {}),
  });
  const tracks: SourceTrack[] = [];

  const noticeSink = (source: string) => (n: FeedNotice) => {
    if (n.level === 'warn') warnings.push(`${source}: ${n.message}`);
    log.info({ source, notice: n.message }, 'feed notice');
  };

  for (const s of configSources) {
    const builtin = builtins.get(s.name);
    const name = builtin ? builtin.sourceName : s.name;
    const track: SourceTrack = { name, set: sets.source(name), ttlDays: s.ttlDays, retention };
    tracks.push(track);
    if (builtin) {
      for (const r of builtin.records) collector.record(r, track);
      reports.push({ name, origin: 'file', records: builtin.records.length, notices: [] });
      continue;
    }
    if (!('url' in s) && !('file' in s)) continue;
    track.toIdsOnly = s.mispToIdsOnly;
    const source =
      s.file !== undefined && s.file !== '-' && !isAbsolute(s.file)
        ? { ...s, file: resolve(loaded.baseDir, s.file) }
        : s;
    const { loadSource } = await import('../feeds/load.js');
    const report = await loadSource(
      source,
      {
        stateDir: loaded.stateDir,
        readOnly: !updateState,
        now: o.now,
        resolveSecret: (ref) =>
          resolveSecret(ref, loaded.baseDir, {
            onWarning: (warning) => log.warn({ source: s.name, warning }, 'secret file'),
          }),
        log,
        ...(o.stdin ? { stdin: o.stdin as never } : {}),
      },
      {
        // Only `read` is used: the loader streams final content straight into the collector (stream.ts).
        reset: () => undefined,
        add: (r) => collector.record(r, track),
        read: async (input, ro) => {
          const notices: FeedNotice[] = [];
          const options = { ...ro, format: s.format, onNotice: (n: FeedNotice) => notices.push(n) };
          return { records: await streamInto(() => input, collector, track, options), notices };
        },
      },
    );
    for (const n of report.notices) noticeSink(s.name)(n);
    if (report.problem !== undefined) warnings.push(`${s.name}: ${report.problem}; used the last-good copy`);
    reports.push(report);
  }

  if (retention) {
    for (const t of tracks) {
      for (const rv of retention.retained(t.name, nowMs, loaded.config.retentionDays))
        collector.retained(rv, t);
    }
  }

  const inputNames = new Set(tracks.map((t) => t.name));
  for (const input of o.inputs) {
    const name = inputNames.has(input.name)
      ? (uniqueInputNames([input.name], inputNames)[0] ?? input.name)
      : input.name;
    inputNames.add(name);
    reports.push(await compileInput(input, name, sets, collector, o, noticeSink(name)));
  }

  for (const [source, s] of collector.sharedHosts) {
    warnings.push(
      `${source}: ${s.count} address(es) inside CDN/platform ranges kept (sharedHostPolicy warn), e.g. ${s.example}`,
    );
  }
  // Data errors are host names: an address-only compile need not read the shipped sets for them.
  const dataErrors = collector.aggregator.hasDomains
    ? rejectDataErrors(collector.aggregator, sets, collector.rejects, knownDataErrors())
    : [];
  if (dataErrors.length > 0) log.info({ dataErrors }, 'rejected known data errors');
  collector.rejects.summarise(sets);
  const omitted = collector.rejects.omittedCount;
  // Said at info, not as a warning: the document's "(N more)" rows carry it, and a big feed would
  // otherwise warn on every run — a warning that always fires teaches users to ignore warnings.
  if (omitted > 0)
    log.info(
      { omitted },
      `${omitted} rejected values counted but not listed (one "(N more)" row per source and reason)`,
    );
  // Allowlisted networks and the protected parts carved out of feed networks are holes in every entry.
  const agg = collector.aggregator.finish([...guard.allowlistNetworks, ...collector.carved]);
  const document = buildDocument(agg, collector.rejects, sets, o.now.toISOString());
  const counts = countsOf(agg, collector.rejects);
  if (retention && updateState) {
    retention.prune(new Set(tracks.map((t) => t.name)));
    retention.save();
  }
  log.info({ ...counts, rejected: collector.rejects.total, collapsed: agg.collapsed }, 'compiled blocklist');
  let materialised: Blocklist | undefined;
  return {
    get blocklist(): Blocklist {
      materialised ??= JSON.parse(documentText(document)) as Blocklist;
      return materialised;
    },
    document,
    counts,
    sources: reports,
    warnings,
    guard,
  };
}

async function compileInput(
  input: CompileInput,
  name: string,
  sets: SourceSets,
  collector: Collector,
  o: CompileOptions,
  onNotice: (n: FeedNotice) => void,
): Promise<SourceReport> {
  const track: SourceTrack = { name, set: sets.source(name) };
  const notices: FeedNotice[] = [];
  // Opened where it is read (see streamInto).
  let opened: NodeJS.ReadableStream | ReadStream | undefined;
  const stream = (): NodeJS.ReadableStream | ReadStream =>
    (opened ??= input.path === '-' ? (o.stdin ?? process.stdin) : createReadStream(input.path));
  let records: number;
  try {
    records = await streamInto(stream, collector, track, {
      format: input.format,
      fileName: input.path === '-' ? 'stdin' : basename(input.path),
      onNotice: (n: FeedNotice) => {
        notices.push(n);
        onNotice(n);
      },
      ...(input.path !== '-' ? { sizeHint: fileSize(input.path) } : {}),
    });
  } catch (err) {
    if (err instanceof FeedError)
      throw new FeedError(`input ${input.path}: ${err.message}`, name, { cause: err });
    if (err instanceof IocwallError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new FeedError(`cannot read input ${input.path}: ${code ?? (err as Error).message}`, name, {
      cause: err,
    });
  } finally {
    if (opened !== undefined && 'destroy' in opened && input.path !== '-') opened.destroy();
  }
  return { name, origin: 'file', records, notices };
}

/** The size of file `path` in bytes, 0 when it cannot be read (the read itself then reports why). */
function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
