/**
 * The journal: JSON lines in `<stateDir>/journal.jsonl`, append-only. It is the record incident reports are
 * made from ("what was blocked where and since when"), so it must hold everything that may have reached a
 * device, even from a run killed mid-apply: a run writes an `intent` record (what it is about to send)
 * before the first write, then `applied` or `failed`. An intent with no `applied` after it (a kill, a
 * dropped connection, a failed verification) is reconciled by the next run that reads the device: its
 * `reconciled` record says which of the intent's values really are (added) or are no longer (removed) there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { appendLine } from '../util/atomic.js';

/** One journal line: what a run did (or refused, or failed to do) on one target. */
export const journalRecordSchema = z.object({
  ts: z.string(),
  runId: z.string(),
  command: z.string(),
  target: z.string(),
  tenant: z.string(),
  vendor: z.string(),
  blocklistDigest: z.string(),
  result: z.enum(['intent', 'applied', 'no-change', 'refused', 'failed', 'reconciled']),
  /**
   * Values added/removed per device object: done (`applied`), about to be sent (`intent`), sent with an
   * unknown outcome (`failed` after the first write, with `unconfirmed`), or found so (`reconciled`).
   */
  added: z.record(z.string(), z.array(z.string())),
  removed: z.record(z.string(), z.array(z.string())),
  rules: z.array(z.string()),
  /** `failed`: the changes were being sent, so some may have reached the device (see `reconciled`). */
  unconfirmed: z.boolean().optional(),
  /** `reconciled`: the run whose intent this record settles. */
  reconciles: z.string().optional(),
  error: z.string().optional(),
});
/** One journal line. */
export type JournalRecord = z.infer<typeof journalRecordSchema>;

/** Path of the journal in a state folder. */
export function journalPath(stateDir: string): string {
  return join(stateDir, 'journal.jsonl');
}

/** Appends one record. */
export function appendJournal(stateDir: string, record: JournalRecord): void {
  appendLine(journalPath(stateDir), JSON.stringify(journalRecordSchema.parse(record)));
}

/** Reads every valid record (a torn last line from a crash is skipped, not fatal). */
export function readJournal(stateDir: string): JournalRecord[] {
  const path = journalPath(stateDir);
  if (!existsSync(path)) return [];
  const records: JournalRecord[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      const parsed = journalRecordSchema.safeParse(JSON.parse(line));
      if (parsed.success) records.push(parsed.data);
    } catch {
      // A partially written line: ignore it; the next run writes whole lines again.
    }
  }
  return records;
}

/**
 * When each value was first pushed to each target, and whether it is still there per the journal:
 * target → value → first-applied timestamp (reset when a later run removed it).
 */
export function firstPushed(records: readonly JournalRecord[]): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const r of records) {
    if (r.result !== 'applied' && r.result !== 'reconciled') continue;
    let perTarget = out.get(r.target);
    if (!perTarget) {
      perTarget = new Map<string, string>();
      out.set(r.target, perTarget);
    }
    for (const values of Object.values(r.removed)) for (const v of values) perTarget.delete(v);
    for (const values of Object.values(r.added))
      for (const v of values) if (!perTarget.has(v)) perTarget.set(v, r.ts);
  }
  return out;
}

/**
 * The intents of `target` that no later record settles (no `applied` of the same run, no `reconciled`
 * naming it): what a killed or failed run may have left on the device, oldest first.
 */
export function unsettledIntents(records: readonly JournalRecord[], target: string): JournalRecord[] {
  const open = new Map<string, JournalRecord>();
  for (const r of records) {
    if (r.target !== target) continue;
    if (r.result === 'intent') open.set(r.runId, r);
    else if (r.result === 'applied') open.delete(r.runId);
    else if (r.result === 'reconciled' && r.reconciles !== undefined) open.delete(r.reconciles);
  }
  return [...open.values()];
}

/**
 * What of an unsettled intent is really on the device: its added values that a set of that name holds, and
 * its removed values that none does. `holds(set)` gives the values a device object holds now.
 */
export function reconcileIntent(
  intent: JournalRecord,
  holds: (set: string) => ReadonlySet<string>,
): Pick<JournalRecord, 'added' | 'removed'> {
  const added: Record<string, string[]> = {};
  const removed: Record<string, string[]> = {};
  for (const [set, values] of Object.entries(intent.added)) {
    const there = values.filter((v) => holds(set).has(v));
    if (there.length > 0) added[set] = there;
  }
  for (const [set, values] of Object.entries(intent.removed)) {
    const gone = values.filter((v) => !holds(set).has(v));
    if (gone.length > 0) removed[set] = gone;
  }
  return { added, removed };
}
