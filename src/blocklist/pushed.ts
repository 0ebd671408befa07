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
import { blocklistEntrySchema } from './schema.js';
import type { BlocklistEntry } from './types.js';

const pushedEntrySchema = z.object({
  entry: blocklistEntrySchema,
  pushedAt: z.string(),
  /** Target names this entry applies to. */
  targets: z.array(z.string()),
});
const pushedFileSchema = z.object({
  schema: z.literal('iocwall.pushed/v1'),
  entries: z.array(pushedEntrySchema),
});

/** One pushed indicator. */
export type PushedEntry = z.infer<typeof pushedEntrySchema>;

function pushedPath(stateDir: string): string {
  return join(stateDir, 'pushed.json');
}

/** Reads the pushed indicators (none when the file does not exist). */
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
  const parsed = pushedFileSchema.safeParse(raw);
  if (!parsed.success) throw damaged;
  return parsed.data.entries;
}

function writePushed(stateDir: string, entries: PushedEntry[]): void {
  const sorted = [...entries].sort((a, b) =>
    a.entry.value < b.entry.value ? -1 : a.entry.value > b.entry.value ? 1 : 0,
  );
  writeFileAtomic(
    pushedPath(stateDir),
    `${JSON.stringify({ schema: 'iocwall.pushed/v1', entries: sorted }, null, 2)}\n`,
  );
}

const keyOf = (e: BlocklistEntry): string => `${e.type}:${e.value}`;

/** Records `entries` as pushed to `targets` (merging targets and sources with earlier pushes). */
export function addPushed(
  stateDir: string,
  entries: readonly BlocklistEntry[],
  targets: readonly string[],
  now: Date,
): void {
  const byKey = new Map(readPushed(stateDir).map((p) => [keyOf(p.entry), p]));
  for (const entry of entries) {
    const existing = byKey.get(keyOf(entry));
    if (existing) {
      existing.targets = [...new Set([...existing.targets, ...targets])].sort();
      existing.entry = {
        ...entry,
        sources: [...new Set([...existing.entry.sources, ...entry.sources])].sort(),
      };
    } else {
      byKey.set(keyOf(entry), { entry, pushedAt: now.toISOString(), targets: [...targets].sort() });
    }
  }
  writePushed(stateDir, [...byKey.values()]);
}

/** Withdraws `values` from `targets`; returns how many entries were withdrawn. */
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
    const remaining = p.targets.filter((t) => !targets.includes(t));
    withdrawn += 1;
    if (remaining.length > 0) kept.push({ ...p, targets: remaining });
  }
  writePushed(stateDir, kept);
  return withdrawn;
}

/** The pushed entries in force for one target at `now`. */
export function pushedFor(stateDir: string, target: string, now: Date): BlocklistEntry[] {
  return readPushed(stateDir)
    .filter((p) => p.targets.includes(target))
    .filter((p) => p.entry.expiresAt === null || Date.parse(p.entry.expiresAt) > now.getTime())
    .map((p) => p.entry);
}
