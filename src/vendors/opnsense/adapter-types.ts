/**
 * Types shared by the read, apply, DNS and savepoint parts of the OPNsense adapter (no code, so the parts
 * import it and never each other in a circle).
 */
import type { SetId } from '../types.js';
import type { OpnsenseClient } from './client.js';
import type { AliasRow, DnsblRow, RuleRow } from './schema.js';

/** What the adapter knows about its target beyond the connection. */
export interface OpnsenseContext {
  client: OpnsenseClient;
  /** `iocwall:<instanceId>`. */
  marker: string;
  /** Interface the egress rules sit on (default `lan`). */
  iface: string;
  /** Device names of the managed sets (options, then the last desired state, then defaults). */
  names: Record<SetId, string>;
}

/**
 * Where a rule sits relative to iocwall's single-interface rules (pf evaluates priority groups in order,
 * FilterRuleField::getPriority() in 25.7 and 26.1: floating 200000, interface groups 300000, one
 * interface 400000, whatever the `sequence`):
 * - `same`: a rule of exactly `iface`, ordered against ours by `sequence`;
 * - `before`: a floating or interface-group rule that applies to `iface`: always evaluated first;
 * - `other`: applies elsewhere.
 */
export type RuleScope = 'same' | 'before' | 'other';

/** An automation rule with its scope. */
export type ScopedRule = RuleRow & { scope: RuleScope };

/** The DNSBL model the device has (found by asking, not by version). */
export type DnsblModel = 'single' | 'policies';

/** Everything read from the device in one pass. */
export interface Snapshot {
  /** What the device says about itself, as far as iocwall's privileges let it see. */
  version: string;
  dnsblModel: DnsblModel;
  aliases: AliasRow[];
  /** Automation rules only (legacy/automatic rows removed). */
  rules: ScopedRule[];
  /** 25.7.8 and later: DNSBL policies. */
  policies: DnsblRow[];
  /** Up to 25.7.7: the single `unbound.dnsbl` object. */
  single: SingleDnsbl | undefined;
}

/** ≤25.7.7: the fields of the single `unbound.dnsbl` object the adapter looks at (list fields as items). */
export interface SingleDnsbl {
  enabled: string;
  wildcards: string[];
  /** The administrator's lists: predefined feeds (`type`), list URLs and exact names. */
  type: string[];
  lists: string[];
  blocklists: string[];
}

/** All rows, first page (searches read their parameters from the POST body in 26.x). */
export const ALL_ROWS = { current: 1, rowCount: -1 };
