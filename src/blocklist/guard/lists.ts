/**
 * The shapes of the compiled warninglists and of the name guard's shipped table: what the loader
 * (warninglists.ts), the build-time cache (warninglist-cache.ts) and the table builder
 * (name-table.ts) exchange. Types only, so none of those modules has to import another for them.
 */
import type { IPv4Union } from '../engine/ipv4-union.js';
import type { DualIndex } from '../engine/dual-index.js';
import type { SuffixTableState } from '../engine/suffix-table.js';

/** Compiled address lists: one dual (v4/v6) index per kind; labels are list names. */
export interface IpWarninglists {
  special: DualIndex;
  infrastructure: DualIndex;
  cdn: DualIndex;
  /**
   * The union of the three kinds' IPv4 intervals: the guard's one-lookup test of whether an address
   * touches any list at all (read from the build-time cache, or built with the lists).
   */
  union4: IPv4Union;
}

/** Compiled name lists: each map goes from a lowercase name to the list name that protects it. */
export interface NameWarninglists {
  /** The name itself only. */
  exact: Map<string, string>;
  /** The name and every subdomain. */
  subtree: Map<string, string>;
  /** Parent names of protected names (refused so a subdomain-blocking rule cannot cover them). */
  parents: Map<string, string>;
  /**
   * These maps already hashed into the name guard's table (name-table.ts), when they were read
   * from the build-time cache; otherwise the guard builds it on first use.
   */
  tableBase?: NameTableBase;
}

/** The shipped part of a name guard's table (how it is built and used: name-table.ts). */
export interface NameTableBase {
  table: SuffixTableState;
  /** The values of the list maps: list names, each once. */
  labels: string[];
  /** Per table id: its value's index in `labels` in the exact / subtree / parents map, or -1. */
  exact: Int32Array;
  subtree: Int32Array;
  parents: Int32Array;
  /** Per table id: `PSL_DEEP_BIT` and `PSL_SLOW_BIT` (name-table.ts). */
  psl: Uint8Array;
}
