/**
 * `iocwall check VALUE`: explains one value against a compile of the same sources.
 *
 * JSON shape (`iocwall.check/v1`):
 * ```json
 * { "schema": "iocwall.check/v1", "query": "www.journalide.org",
 *   "normalised": [{ "type": "domain", "value": "www.journalide.org" }],   // [] when it does not classify
 *   "invalid": { "reason": "not-network", "detail": "sha256 hash" },       // only when it does not classify
 *   "blocked": true,
 *   "coveredBy": [{ "entry": { …blocklist entry… }, "how": "exact" | "parent-domain" | "wider-network" | "partial" }],
 *   "listedBy": [{ "source": "volexity", "raw": "www.journalide.org", "line": 3, "indicator": "www.journalide.org",
 *                  "status": "accepted" | "retained" | <reject reason>, "detail": "…" }],
 *   "rejected": [{ …rejected rows whose value is the query or its normalised form… }],
 *   "guard": [{ "value": "10.0.0.1", "allowed": false, "reason": "guarded", "detail": "…" }], // per normalised value
 *            // a network holding protected addresses: "allowed": true, "carved": [{ "value", "reason", "detail" }]
 *   "why": "one line: why it is or is not blocked",
 *   "digest": "sha256:…",
 *   "pushed": [{ "target": "fw1", "entry": "journalide.org", "how": "exact", "expiresAt": null }], // with --config: `push`ed by hand
 *   "targets": [{ "target": "fw1", "present": true, "set": "iocwall_dns", "entry": "journalide.org",
 *                "since": "2026-12-04T14:44:30.000Z" }] }  // with --config targets; since: from the journal
 * ```
 * `blocked` is true when the compiled blocklist covers the value or it was pushed by hand to at least
 * one target (and not expired there, and still allowed by the guard: what the next sync sends).
 * `listedBy` holds every record related to the value: equal to it, a parent domain of it, a subdomain
 * of it (collapsed into it), or an IP network overlapping it.
 */
import { classify } from '../indicators/classify.js';
import { parseIpInterval, type IpInterval } from '../indicators/ip.js';
import { entryIndicator, type NetworkIndicator } from '../indicators/types.js';
import type { Outcome } from './collect.js';
import type { Guard } from './guard/types.js';
import { compileBlocklist, type CompileOptions } from './compile.js';
import type { BlocklistEntry, RejectedValue } from './types.js';

/** How an entry relates to the queried value. */
export type Coverage = 'exact' | 'parent-domain' | 'wider-network' | 'partial';

/** Whether one target enforces the value (`check --config`): the set and entry that cover it, or why unknown. */
export interface TargetPresence {
  target: string;
  present: boolean;
  set?: string;
  entry?: string;
  /** When iocwall first put `entry` there, per its journal (absent when the journal does not say). */
  since?: string;
  error?: string;
}

/** The guard's verdict on one normalised value. */
export interface GuardAnswer {
  value: string;
  /** True when a source listing it would get it blocked. */
  allowed: boolean;
  reason?: string;
  detail?: string;
  /** Protected parts the guard carves out of this network (guard/carve.ts); the rest may be blocked. */
  carved?: { value: string; reason: string; detail: string }[];
}

/** The explanation of one value (see the module comment). */
export interface Explanation {
  schema: 'iocwall.check/v1';
  query: string;
  normalised: { type: 'domain' | 'ip'; value: string }[];
  invalid?: { reason: string; detail: string };
  blocked: boolean;
  coveredBy: { entry: BlocklistEntry; how: Coverage }[];
  listedBy: {
    source: string;
    raw: string;
    line: number;
    indicator?: string;
    status: string;
    detail?: string;
  }[];
  rejected: RejectedValue[];
  /**
   * The guard's verdict on each normalised value, whether or not a source lists it: what would
   * happen if a feed listed it (`check 10.0.0.1` right after an advisory).
   */
  guard: GuardAnswer[];
  why: string;
  digest: string;
  /** With a config: the targets the value was pushed to by hand (`push`) and that still get it. */
  pushed?: PushedCoverage[];
  targets?: TargetPresence[];
}

/** A hand-pushed entry (`push`) that covers the queried value on one target. */
export interface PushedCoverage {
  target: string;
  entry: string;
  how: Coverage;
  expiresAt: string | null;
}

/** Options of `explainValue`: a compile's options (without `observe`) plus the targets lookup hook. */
export interface ExplainOptions extends Omit<CompileOptions, 'observe' | 'updateState'> {
  value: string;
  /** Which targets hold the value (filled in by the device layer; absent → no `targets` field). */
  targetsWithValue?: (value: string) => Promise<TargetPresence[]>;
}

type Query = { kind: 'ip'; iv: IpInterval } | { kind: 'domain'; name: string };

function queriesOf(indicators: readonly NetworkIndicator[]): Query[] {
  const out: Query[] = [];
  for (const ind of indicators) {
    if (ind.type === 'domain') out.push({ kind: 'domain', name: ind.value });
    else {
      const iv = parseIpInterval(ind.value);
      if (iv) out.push({ kind: 'ip', iv });
    }
  }
  return out;
}

function overlaps(a: IpInterval, b: IpInterval): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

/** How `ind` relates to the query, or null when unrelated. */
function relation(q: Query, ind: NetworkIndicator): Coverage | null {
  if (q.kind === 'domain') {
    if (ind.type !== 'domain') return null;
    if (ind.value === q.name) return 'exact';
    if (q.name.endsWith(`.${ind.value}`)) return 'parent-domain';
    return ind.value.endsWith(`.${q.name}`) ? 'partial' : null;
  }
  if (ind.type !== 'ip') return null;
  const iv = parseIpInterval(ind.value);
  if (!iv || !overlaps(q.iv, iv)) return null;
  if (iv.first === q.iv.first && iv.last === q.iv.last) return 'exact';
  return iv.first <= q.iv.first && iv.last >= q.iv.last ? 'wider-network' : 'partial';
}

/** Compiles the configured sources and inputs, then explains `value` (see the module comment). */
export async function explainValue(o: ExplainOptions): Promise<Explanation> {
  const query = o.value.trim();
  const c = classify(query);
  const queries = c.ok ? queriesOf(c.indicators) : [];
  const rawKey = query.toLowerCase();
  const listedBy: Explanation['listedBy'] = [];
  const observe = (out: Outcome): void => {
    const ind = out.indicator;
    const related = ind
      ? queries.some((q) => relation(q, ind) !== null)
      : out.raw.trim().toLowerCase() === rawKey;
    if (!related) return;
    listedBy.push({
      source: out.source,
      raw: out.raw,
      line: out.line,
      ...(out.indicator ? { indicator: out.indicator.value } : {}),
      status: out.status,
      ...(out.detail !== undefined ? { detail: out.detail } : {}),
    });
  };
  const { value: _v, targetsWithValue, ...compileOptions } = o;
  const result = await compileBlocklist({ ...compileOptions, observe, updateState: false });
  const bl = result.blocklist;

  const coveredBy: Explanation['coveredBy'] = [];
  for (const entry of bl.entries) {
    const ind = entryIndicator(entry);
    for (const q of queries) {
      const how = relation(q, ind);
      if (how !== null && !(how === 'partial' && q.kind === 'domain')) coveredBy.push({ entry, how });
    }
  }
  const names = new Set([rawKey, ...(c.ok ? c.indicators.map((i) => i.value) : [])]);
  const rejected = bl.rejected.filter((r) => names.has(r.value.trim().toLowerCase()));
  // Sorted by source then line so the output does not depend on hash-map or source order.
  listedBy.sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : a.line - b.line));
  const compiledBlocks = queries.length > 0 && coveredBy.some((m) => m.how !== 'partial');
  const pushed =
    o.loaded.path !== null ? await pushedCovering(o.loaded.stateDir, queries, result.guard, o.now) : [];
  const blocked = compiledBlocks || pushed.length > 0;
  const explanation: Explanation = {
    schema: 'iocwall.check/v1',
    query,
    normalised: c.ok ? c.indicators.map((i) => ({ type: i.type, value: i.value })) : [],
    ...(c.ok ? {} : { invalid: { reason: c.reason, detail: c.detail } }),
    blocked,
    coveredBy,
    listedBy,
    rejected,
    guard: (c.ok ? c.indicators : []).map((ind) => {
      const verdict = result.guard.check(ind);
      if (verdict?.carve !== undefined)
        return { value: ind.value, allowed: true, carved: verdict.carve.map((p) => ({ ...p })) };
      return verdict === null
        ? { value: ind.value, allowed: true }
        : { value: ind.value, allowed: false, reason: verdict.reason, detail: verdict.detail };
    }),
    why: whyOf(
      compiledBlocks,
      pushed,
      coveredBy,
      rejected,
      listedBy.length,
      c.ok ? undefined : c.detail,
      carvedOf(result.guard, c),
    ),
    digest: bl.digest,
    ...(o.loaded.path !== null ? { pushed } : {}),
  };
  if (targetsWithValue)
    explanation.targets = await targetsWithValue(explanation.normalised[0]?.value ?? query);
  return explanation;
}

/**
 * The hand-pushed entries that cover a query, per target pushed to: what the next sync sends there
 * (`pushedFor`: in force at `now`, allowed by today's guard).
 */
async function pushedCovering(
  stateDir: string,
  queries: readonly Query[],
  guard: Guard,
  now: Date,
): Promise<PushedCoverage[]> {
  // Loaded only with a config: it brings zod, which `check VALUE` alone never needs.
  const { pushedFor, readPushed } = await import('./pushed.js');
  const out: PushedCoverage[] = [];
  const targets = new Set(readPushed(stateDir).flatMap((p) => p.targets.map((t) => t.name)));
  for (const target of targets)
    for (const entry of pushedFor(stateDir, target, now, (ind) => guard.check(ind))) {
      const ind = entryIndicator(entry);
      const how = queries
        .map((q) => relation(q, ind))
        .find((r): r is Coverage => r !== null && r !== 'partial');
      if (how !== undefined)
        out.push({ target, entry: entry.value, how, expiresAt: entry.expiresAt ?? null });
    }
  return out.sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
}

/** The parts the guard carves out of the queried network(s), as `value (reason: detail)`. */
function carvedOf(guard: Guard, c: ReturnType<typeof classify>): string[] {
  if (!c.ok) return [];
  return c.indicators.flatMap(
    (ind) => guard.check(ind)?.carve?.map((p) => `${p.value} (${p.reason}: ${p.detail})`) ?? [],
  );
}

function whyOf(
  blocked: boolean,
  pushed: readonly PushedCoverage[],
  coveredBy: Explanation['coveredBy'],
  rejected: readonly RejectedValue[],
  listed: number,
  invalid: string | undefined,
  carved: readonly string[],
): string {
  const full = coveredBy.find((m) => m.how !== 'partial');
  if (blocked && full) {
    const src = full.entry.sources.join(', ');
    if (full.how === 'exact') return `blocked: entry ${full.entry.value} (sources: ${src})`;
    const what = full.how === 'parent-domain' ? 'parent domain' : 'wider network';
    return `blocked: covered by the ${what} entry ${full.entry.value} (sources: ${src})`;
  }
  const hand = pushed[0];
  if (hand) {
    const targets = [...new Set(pushed.map((p) => p.target))].join(', ');
    const entry = hand.how === 'exact' ? `entry ${hand.entry}` : `${hand.entry}, which covers it,`;
    return `blocked: ${entry} pushed by hand to ${targets} (iocwall push; no source blocks it)`;
  }
  const first = rejected[0];
  if (first)
    return `not blocked: ${first.reason}${first.detail ? ` (${first.detail})` : ''} in ${first.source}`;
  if (invalid !== undefined) return `not blocked: not a network indicator (${invalid})`;
  if (coveredBy.length > 0 && carved.length > 0)
    return `partly blocked: the guard carves ${carved.join(', ')} out; the rest is covered by ${coveredBy.map((m) => m.entry.value).join(', ')}`;
  if (coveredBy.length > 0)
    return `not blocked: only part of it is covered (${coveredBy.map((m) => m.entry.value).join(', ')})`;
  return listed > 0 ? 'not blocked: its records did not produce an entry' : 'not blocked: no source lists it';
}
