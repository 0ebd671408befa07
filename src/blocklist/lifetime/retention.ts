/**
 * Retention state (`<stateDir>/retention.json`): first and last sighting of every canonical value per
 * configured source. It gives entries a stable `firstSeen` (and with it a stable digest), starts a
 * source's `ttlDays` clock, and keeps a value `retentionDays` after it left its feed, so a feed that
 * flaps does not flap firewalls. Only configured sources are tracked (`--input` files are ad hoc).
 * The file is written atomically; a damaged file is an error, never silently reset.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../errors.js';
import { writeFileAtomic } from '../../util/atomic.js';
import { DAY_MS } from './expiry.js';

/** Schema id of the state file. */
export const RETENTION_SCHEMA = 'iocwall.retention/v1';

const fileSchema = z.object({
  schema: z.literal(RETENTION_SCHEMA),
  /** source name → canonical value → [firstSeen, lastSeen] (ISO-8601). */
  sources: z.record(z.string(), z.record(z.string(), z.tuple([z.string(), z.string()]))),
});

/** One tracked value (times in ms). */
interface Sighting {
  first: number;
  last: number;
  /** Seen in this run (not persisted). */
  now?: boolean;
}

/** A value that left its feed but is still inside its retention period. */
export interface RetainedValue {
  value: string;
  firstSeen: number;
  lastSeen: number;
  /** lastSeen + retentionDays. */
  retainUntil: number;
}

/** The path of the state file. */
export function retentionPath(stateDir: string): string {
  return join(stateDir, 'retention.json');
}

/** First/last sightings per source and value, loaded from and saved to the state folder. */
export class RetentionStore {
  private readonly sources = new Map<string, Map<string, Sighting>>();

  private constructor(private readonly path: string) {}

  /** Loads the state (empty when the file does not exist); ConfigError when it is damaged. */
  static load(stateDir: string): RetentionStore {
    const store = new RetentionStore(retentionPath(stateDir));
    if (!existsSync(store.path)) return store;
    let parsed;
    try {
      parsed = fileSchema.safeParse(JSON.parse(readFileSync(store.path, 'utf8')));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success)
      throw new ConfigError(`${store.path} is damaged: fix or remove it (it holds retention state)`);
    for (const [source, values] of Object.entries(parsed.data.sources)) {
      const m = new Map<string, Sighting>();
      for (const [value, [first, last]] of Object.entries(values))
        m.set(value, { first: Date.parse(first), last: Date.parse(last) });
      store.sources.set(source, m);
    }
    return store;
  }

  /** Earliest recorded sighting of `value` in `source` (ms), `Infinity` when never seen. */
  firstSeen(source: string, value: string): number {
    return this.sources.get(source)?.get(value)?.first ?? Infinity;
  }

  /** Records that `source` lists `value` now; `feedFirstSeen` (ms) wins when earlier. Returns the first sighting. */
  see(source: string, value: string, nowMs: number, feedFirstSeen = Infinity): number {
    let m = this.sources.get(source);
    if (!m) {
      m = new Map();
      this.sources.set(source, m);
    }
    const s = m.get(value);
    if (s) {
      s.first = Math.min(s.first, feedFirstSeen);
      s.last = Math.max(s.last, nowMs);
      s.now = true;
      return s.first;
    }
    const first = Math.min(nowMs, feedFirstSeen);
    m.set(value, { first, last: nowMs, now: true });
    return first;
  }

  /**
   * The values of `source` not seen at `nowMs` but seen within `retentionDays`. Values past their
   * retention are forgotten (pruned from the state).
   */
  retained(source: string, nowMs: number, retentionDays: number): RetainedValue[] {
    const m = this.sources.get(source);
    if (!m) return [];
    const out: RetainedValue[] = [];
    for (const [value, s] of m) {
      if (s.now === true) continue;
      const retainUntil = s.last + retentionDays * DAY_MS;
      if (retainUntil <= nowMs) m.delete(value);
      else out.push({ value, firstSeen: s.first, lastSeen: s.last, retainUntil });
    }
    return out.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  }

  /** Forgets every source not in `keep` (a source removed from the config stops at once). */
  prune(keep: ReadonlySet<string>): void {
    for (const source of [...this.sources.keys()]) if (!keep.has(source)) this.sources.delete(source);
  }

  /** Writes the state atomically (sorted, so the file diffs cleanly). */
  save(): void {
    const sources: Record<string, Record<string, [string, string]>> = {};
    for (const source of [...this.sources.keys()].sort()) {
      const values: Record<string, [string, string]> = {};
      const m = this.sources.get(source);
      if (!m) continue;
      for (const value of [...m.keys()].sort()) {
        const s = m.get(value);
        if (s) values[value] = [new Date(s.first).toISOString(), new Date(s.last).toISOString()];
      }
      sources[source] = values;
    }
    writeFileAtomic(this.path, `${JSON.stringify({ schema: RETENTION_SCHEMA, sources })}\n`);
  }
}
