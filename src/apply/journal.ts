/**
 * The journal: one JSON line per target and run in `<stateDir>/journal.jsonl`, append-only. It is the
 * record incident reports are made from ("what was blocked where and since when").
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
  result: z.enum(['applied', 'no-change', 'refused', 'failed']),
  /** Values added/removed per device object. */
  added: z.record(z.string(), z.array(z.string())),
  removed: z.record(z.string(), z.array(z.string())),
  rules: z.array(z.string()),
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
    if (r.result !== 'applied') continue;
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
