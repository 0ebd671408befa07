/**
 * The simulator's generic menu table: ordered rows with never-reused `*HEX` ids and the verbs every
 * configuration menu shares (`print`/`getall`, `add`, `set`, `remove`, `move`), with RouterOS's trap texts.
 * Menu-specific rules (address normalisation, FQDN children, enums) live in the specs of sim-menus.ts.
 */
import { matchesQuery, project, QuerySyntaxError, type SimRow } from './query.js';

/**
 * The trap text of a `set`/`remove`/`move`/`place-before` naming an id that does not exist: the message
 * carries the error code, `no such item (4)` (tik4net #13; client code in several public repositories
 * matches that exact text; firmware-fidelity M3).
 */
export const NO_SUCH_ITEM = 'no such item (4)';

/** A `!trap` the simulator answers (followed by `!done`, as on the device). */
export class SimTrap extends Error {
  constructor(
    message: string,
    readonly category?: number,
  ) {
    super(message);
  }
}

/** What a command answers: `!re` rows and the `!done` attributes. */
export interface SimReply {
  rows: Record<string, string>[];
  done: Record<string, string>;
  /** Rows a `print` visited (its CPU cost: the router scans the whole menu for any query). */
  scanned?: number;
  /** Scan position of each returned row (when it is found, and so when it can be streamed). */
  positions?: number[];
}

/** Router-wide facts a menu needs. */
export interface SimContext {
  /** RouterOS 7 behaviour (booleans, NXDOMAIN, match-subdomain, date format). */
  v7: boolean;
  /** Next `*HEX` id; ids are global and never reused. */
  nextId(): string;
  /** `creation-time` text for now. */
  creationTime(): string;
}

/** Per-menu behaviour plugged into a `Table`. */
export interface MenuSpec {
  /** Attributes `add`/`set` accept (besides `.id`, `place-before`, `comment`, `disabled`). */
  fields: ReadonlySet<string>;
  /** Rows support `place-before` on add and `move`. */
  ordered: boolean;
  /** Builds the stored row from `add` attributes (validates, fills defaults). */
  create(attrs: Record<string, string>, ctx: SimContext): Record<string, string>;
  /** Re-validates a row after `set` merged new attributes into it. */
  update?(row: Record<string, string>, ctx: SimContext): Record<string, string>;
  /** Uniqueness key: two rows with the same key → `failure: already have such entry`. */
  key?(row: SimRow): string | undefined;
  /** Called after a row was added (e.g. FQDN entries spawn dynamic children). */
  afterAdd?(table: Table, id: string, ctx: SimContext): void;
  /** Largest number of rows (simulated resource limit). */
  limit?: () => number | undefined;
}

const BOOL: Record<string, string> = { yes: 'true', true: 'true', no: 'false', false: 'false' };

/** Normalises a boolean attribute (`yes`/`no`/`true`/`false`) or traps like the device. */
export function boolValue(name: string, value: string): string {
  const v = BOOL[value];
  if (v === undefined) throw new SimTrap(`input does not match any value of ${name}`, 1);
  return v;
}

function idList(value: string | undefined): string[] {
  if (value === undefined || value === '') throw new SimTrap(NO_SUCH_ITEM, 0);
  return value.split(',');
}

/** An ordered table of rows (Map insertion order = menu order). */
export class Table {
  private rows = new Map<string, Record<string, string>>();
  private readonly unique = new Map<string, string>();
  /** Parent id → dynamic child ids (FQDN address-list entries). */
  readonly children = new Map<string, string[]>();

  constructor(
    readonly spec: MenuSpec,
    private readonly ctx: SimContext,
  ) {}

  /** Number of rows. */
  get size(): number {
    return this.rows.size;
  }

  /** One row by id (undefined when absent). */
  get(id: string): SimRow | undefined {
    const r = this.rows.get(id);
    return r === undefined ? undefined : { '.id': id, ...r };
  }

  /** Rows in menu order (ids included as `.id`). */
  list(): SimRow[] {
    return [...this.rows.entries()].map(([id, r]) => ({ '.id': id, ...r }));
  }

  /** `print`/`getall`: query words, `.proplist`, `count-only`. */
  print(attrs: Record<string, string>, queries: readonly string[]): SimReply {
    for (const k of Object.keys(attrs)) {
      if (!['.proplist', 'count-only', 'detail', 'without-paging', 'terse'].includes(k)) {
        throw new SimTrap(`unknown parameter ${k}`, 1);
      }
    }
    const all = this.list();
    const positions: number[] = [];
    let hits: SimRow[];
    try {
      hits = all.filter((r, i) => {
        const hit = matchesQuery(queries, r);
        if (hit) positions.push(i);
        return hit;
      });
    } catch (err) {
      if (err instanceof QuerySyntaxError) throw new SimTrap(err.message, 1);
      throw err;
    }
    if (attrs['count-only'] !== undefined) {
      return { rows: [], done: { ret: String(hits.length) }, scanned: all.length, positions: [] };
    }
    return {
      rows: hits.map((r) => project(r, attrs['.proplist'])),
      done: {},
      scanned: all.length,
      positions,
    };
  }

  /** `add` (with one-shot `place-before` on ordered menus) → `!done =ret=*ID`. */
  add(attrs: Record<string, string>): SimReply {
    const { 'place-before': before, ...rest } = attrs;
    this.checkFields(rest);
    if (before !== undefined && !this.spec.ordered) throw new SimTrap('unknown parameter place-before', 1);
    if (before !== undefined && !this.rows.has(before)) throw new SimTrap(NO_SUCH_ITEM, 0);
    const limit = this.spec.limit?.();
    if (limit !== undefined && this.rows.size >= limit) {
      throw new SimTrap(`failure: simulated entry limit of ${limit} reached`, 4);
    }
    const row = this.spec.create(rest, this.ctx);
    const id = this.insert(row, before);
    this.spec.afterAdd?.(this, id, this.ctx);
    return { rows: [], done: { ret: id } };
  }

  /** Inserts a built row (also used for dynamic children); enforces the uniqueness key. */
  insert(row: Record<string, string>, before?: string): string {
    const key = this.spec.key?.(row);
    if (key !== undefined && this.unique.has(key)) throw new SimTrap('failure: already have such entry', 4);
    const id = this.ctx.nextId();
    if (key !== undefined) this.unique.set(key, id);
    if (before === undefined) {
      this.rows.set(id, row);
    } else {
      const next = new Map<string, Record<string, string>>();
      for (const [k, v] of this.rows) {
        if (k === before) next.set(id, row);
        next.set(k, v);
      }
      this.rows = next;
    }
    return id;
  }

  /** `set =.id=*A,*B …` — all ids must exist. */
  set(attrs: Record<string, string>): SimReply {
    const { '.id': ids, numbers, ...rest } = attrs;
    this.checkFields(rest);
    const targets = idList(ids ?? numbers);
    for (const id of targets) if (!this.rows.has(id)) throw new SimTrap(NO_SUCH_ITEM, 0);
    for (const id of targets) {
      const old = this.rows.get(id) ?? {};
      if (old.dynamic === 'true') throw new SimTrap('failure: can not change dynamic entry', 4);
      const merged = { ...old, ...rest };
      const row = this.spec.update ? this.spec.update(merged, this.ctx) : merged;
      const oldKey = this.spec.key?.(old);
      const newKey = this.spec.key?.(row);
      if (newKey !== undefined && newKey !== oldKey && this.unique.has(newKey)) {
        throw new SimTrap('failure: already have such entry', 4);
      }
      if (oldKey !== undefined) this.unique.delete(oldKey);
      if (newKey !== undefined) this.unique.set(newKey, id);
      this.rows.set(id, row);
    }
    return { rows: [], done: {} };
  }

  /** `remove =.id=*A,*B` — all ids must exist; removing a parent removes its dynamic children. */
  remove(attrs: Record<string, string>): SimReply {
    const targets = idList(attrs['.id'] ?? attrs.numbers);
    for (const id of targets) if (!this.rows.has(id)) throw new SimTrap(NO_SUCH_ITEM, 0);
    for (const id of targets) this.delete(id);
    return { rows: [], done: {} };
  }

  /** Deletes one row and its children (no trap when already gone). */
  delete(id: string): void {
    const row = this.rows.get(id);
    if (row === undefined) return;
    const key = this.spec.key?.(row);
    if (key !== undefined && this.unique.get(key) === id) this.unique.delete(key);
    this.rows.delete(id);
    for (const child of this.children.get(id) ?? []) this.delete(child);
    this.children.delete(id);
  }

  /** `move =numbers=*A[,*B] [=destination=*C]` — before `destination`, or to the end without it. */
  move(attrs: Record<string, string>): SimReply {
    if (!this.spec.ordered) throw new SimTrap('no such command or directory (move)', 0);
    const ids = idList(attrs.numbers ?? attrs['.id']);
    const dest = attrs.destination;
    for (const id of [...ids, ...(dest === undefined ? [] : [dest])]) {
      if (!this.rows.has(id)) throw new SimTrap(NO_SUCH_ITEM, 0);
    }
    const moving = ids.map((id): [string, Record<string, string>] => [id, this.rows.get(id) ?? {}]);
    const rest = [...this.rows.entries()].filter(([id]) => !ids.includes(id));
    const at = dest === undefined || ids.includes(dest) ? rest.length : rest.findIndex(([id]) => id === dest);
    rest.splice(at, 0, ...moving);
    this.rows = new Map(rest);
    return { rows: [], done: {} };
  }

  private checkFields(attrs: Record<string, string>): void {
    for (const k of Object.keys(attrs)) {
      if (!this.spec.fields.has(k) && k !== 'comment' && k !== 'disabled') {
        throw new SimTrap(`unknown parameter ${k}`, 1);
      }
    }
  }
}
