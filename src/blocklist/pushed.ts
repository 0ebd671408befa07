/**
 * Indicators pushed by hand after an advisory (`iocwall push`). They live in `<stateDir>/pushed.json`,
 * apply to the targets they were pushed to, and are part of every later sync of those targets until they
 * expire or are withdrawn — so the nightly job does not undo an emergency push.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic.js';
import { blocklistEntrySchema, domainEntrySchema, ipEntrySchema } from './schema.js';
import { entryIndicator, type NetworkIndicator } from '../indicators/types.js';
import type { BlocklistEntry } from './types.js';

/**
 * One target an entry was pushed to. The expiry is the target's own: a later push of the same value to
 * one target (`--target X --ttl-days 3`) changes how long X keeps it, not how long the others do.
 */
const pushedTargetSchema = z.object({
  name: z.string(),
  /** When this target stops enforcing the entry; null: until withdrawn. */
  expiresAt: z.string().nullable(),
});

/** The entry as pushed, without an expiry of its own (that is per target). */
const pushedValueSchema = z.discriminatedUnion('type', [
  domainEntrySchema.omit({ expiresAt: true }),
  ipEntrySchema.omit({ expiresAt: true }),
]);

const pushedEntrySchema = z.object({
  entry: pushedValueSchema,
  /** When the value was first pushed (to any target). */
  pushedAt: z.string(),
  targets: z.array(pushedTargetSchema),
});

const CURRENT = 'iocwall.pushed/v2';

const pushedFileSchema = z.object({
  schema: z.literal(CURRENT),
  entries: z.array(pushedEntrySchema),
});

/**
 * The v1 file: one expiry in the entry for all its targets. Read as v2 with that expiry given to every
 * target (what v1 enforced), and written back as v2 by the next push or withdrawal.
 */
const pushedFileV1Schema = z
  .object({
    schema: z.literal('iocwall.pushed/v1'),
    entries: z.array(
      z.object({ entry: blocklistEntrySchema, pushedAt: z.string(), targets: z.array(z.string()) }),
    ),
  })
  .transform((v1) => ({
    schema: CURRENT,
    entries: v1.entries.map(({ entry: { expiresAt, ...entry }, pushedAt, targets }) => ({
      entry,
      pushedAt,
      targets: targets.map((name) => ({ name, expiresAt })),
    })),
  }));

const anyPushedFileSchema = z.union([pushedFileSchema, pushedFileV1Schema]);

/** One pushed indicator and the targets it was pushed to. */
export type PushedEntry = z.infer<typeof pushedEntrySchema>;

function pushedPath(stateDir: string): string {
  return join(stateDir, 'pushed.json');
}

/** Reads the pushed indicators (none when the file does not exist); a v1 file is migrated in memory. */
export function readPushed(stateDir: string): PushedEntry[] {
  const path = pushedPath(stateDir);
  if (!existsSync(path)) return [];
  const damaged = new ConfigError(
    `${path} is damaged: fix or remove it (it holds manually pushed indicators)`,
  );
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw damaged;
  }
  const parsed = anyPushedFileSchema.safeParse(raw);
  if (!parsed.success) throw damaged;
  return parsed.data.entries;
}

function writePushed(stateDir: string, entries: PushedEntry[]): void {
  const sorted = [...entries].sort((a, b) =>
    a.entry.value < b.entry.value ? -1 : a.entry.value > b.entry.value ? 1 : 0,
  );
  writeFileAtomic(pushedPath(stateDir), `${JSON.stringify({ schema: CURRENT, entries: sorted }, null, 2)}\n`);
}

const keyOf = (e: { type: string; value: string }): string => `${e.type}:${e.value}`;

const byName = (a: { name: string }, b: { name: string }): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

/**
 * Records `entries` as pushed to `targets`, each with the entry's `expiresAt` as that target's expiry
 * (replacing the expiry of an earlier push to the same target; other targets keep theirs). Sources merge
 * with earlier pushes.
 */
export function addPushed(
  stateDir: string,
  entries: readonly BlocklistEntry[],
  targets: readonly string[],
  now: Date,
): void {
  const byKey = new Map(readPushed(stateDir).map((p) => [keyOf(p.entry), p]));
  for (const { expiresAt, ...entry } of entries) {
    const pushedTo = targets.map((name) => ({ name, expiresAt }));
    const existing = byKey.get(keyOf(entry));
    if (existing) {
      existing.entry = {
        ...entry,
        sources: [...new Set([...existing.entry.sources, ...entry.sources])].sort(),
      };
      existing.targets = [...existing.targets.filter((t) => !targets.includes(t.name)), ...pushedTo].sort(
        byName,
      );
    } else {
      byKey.set(keyOf(entry), { entry, pushedAt: now.toISOString(), targets: pushedTo.sort(byName) });
    }
  }
  writePushed(stateDir, [...byKey.values()]);
}

/**
 * Withdraws `values` from `targets`; returns how many entries were withdrawn from at least one of them
 * (an entry pushed only to other targets does not count).
 */
export function withdrawPushed(
  stateDir: string,
  values: ReadonlySet<string>,
  targets: readonly string[],
): number {
  let withdrawn = 0;
  const kept: PushedEntry[] = [];
  for (const p of readPushed(stateDir)) {
    if (!values.has(p.entry.value)) {
      kept.push(p);
      continue;
    }
    const remaining = p.targets.filter((t) => !targets.includes(t.name));
    if (remaining.length < p.targets.length) withdrawn += 1;
    if (remaining.length > 0) kept.push({ ...p, targets: remaining });
  }
  writePushed(stateDir, kept);
  return withdrawn;
}

/** The values among `values` that are pushed to `target` (expired or not): what a withdrawal there takes. */
export function pushedValuesFor(stateDir: string, values: ReadonlySet<string>, target: string): string[] {
  return readPushed(stateDir)
    .filter((p) => values.has(p.entry.value) && p.targets.some((t) => t.name === target))
    .map((p) => p.entry.value);
}

/** The guard's verdict on one indicator (what `pushedFor` needs of it). */
type PushGuard = (indicator: NetworkIndicator) => { reason: string; detail: string } | null;

/**
 * The pushed entries a sync sends to `target` at `now`, each with that target's expiry: in force there,
 * and allowed by today's `guard` when given (an address allowlisted since the push is not sent again; `onRefused`
 * hears of each such entry). `sync` and `check` ask this one question.
 */
export function pushedFor(
  stateDir: string,
  target: string,
  now: Date,
  guard: PushGuard = () => null,
  onRefused?: (entry: BlocklistEntry, verdict: { reason: string; detail: string }) => void,
): BlocklistEntry[] {
  const entries: BlocklistEntry[] = [];
  for (const p of readPushed(stateDir)) {
    const to = p.targets.find((t) => t.name === target);
    if (!to) continue;
    if (to.expiresAt !== null && Date.parse(to.expiresAt) <= now.getTime()) continue;
    const entry = { ...p.entry, expiresAt: to.expiresAt };
    const verdict = guard(entryIndicator(entry));
    if (verdict === null) entries.push(entry);
    else onRefused?.(entry, verdict);
  }
  return entries;
}
