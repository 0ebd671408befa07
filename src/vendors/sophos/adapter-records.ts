/**
 * The records and context the Sophos adapter's read, rule and write parts share, and the small
 * accessors over them (kept apart so that read and rules do not import each other).
 */
import type { SetId } from '../types.js';
import type { SophosClient } from './client.js';
import type {
  FirewallRuleRecord,
  IpHostRecord,
  fqdnHostGroupSchema,
  fqdnHostSchema,
  ipHostGroupSchema,
} from './schema.js';
import type { XmlNode } from './xml.js';
import type { z } from 'zod';

/** What the adapter knows about its target beyond the connection. */
export interface SophosContext {
  client: SophosClient;
  target: string;
  marker: string;
  /** Device names of the managed groups (options, then the last desired state, then defaults). */
  names: Record<SetId, string>;
  /** Source zones of the block rules (default `LAN`). */
  sourceZones: string[];
  /** Destination zones of the block rules (default `WAN`). */
  destinationZones: string[];
  /** Rule action when none is planned yet. */
  ipListSize: number;
  maxEntries: number;
}

/** A record with its raw tree (resent whole on update) and its checked view. */
export interface Rec<T> {
  raw: XmlNode;
  v: T;
}

/** Everything read in one pass. */
export interface Snapshot {
  apiVersion: string;
  ipHosts: Rec<IpHostRecord>[];
  ipGroups: Rec<z.output<typeof ipHostGroupSchema>>[];
  fqdnHosts: Rec<z.output<typeof fqdnHostSchema>>[];
  fqdnGroups: Rec<z.output<typeof fqdnHostGroupSchema>>[];
  /** In evaluation order (§6.2). */
  rules: Rec<FirewallRuleRecord>[];
}

/** The first Name of a record. */
export function nameOf(r: { Name: string[] }): string {
  return r.Name[0] ?? '';
}

/** Member names of a group list field. */
export function membersOf(list: '' | Record<string, unknown> | undefined, item: string): string[] {
  if (list === undefined || list === '') return [];
  const v = list[item];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** The device name of a rule (its `DesiredRule.name` without the marker word, which goes in Description). */
export function deviceRuleName(ruleName: string, marker: string): string {
  return ruleName
    .split(/\s+/)
    .filter((w) => w !== '' && w !== marker)
    .join(' ');
}

/** Destination networks of a rule. */
export function destinationsOf(r: FirewallRuleRecord): string[] {
  return membersOf(r.NetworkPolicy?.DestinationNetworks, 'Network');
}
