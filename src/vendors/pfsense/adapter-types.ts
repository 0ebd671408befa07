/**
 * Types the pfSense adapter's read, rule and DNS parts share (kept apart so none of them imports another
 * for its types).
 */
import type { SetId } from '../types.js';
import type { PfsenseClient } from './client.js';
import type { PfrestFeatures } from './releases.js';
import type { Alias, DnsSettings, Interface, Rule } from './schema.js';

/** `represent_interfaces_as`: how interface values travel in both directions. */
export type Repr = 'descr' | 'id' | 'if';

/** What the adapter knows about its target beyond the connection. */
export interface PfsenseContext {
  client: PfsenseClient;
  marker: string;
  /** Interface ids the egress rules sit on (option `interfaces`, default `lan`). */
  interfaces: string[];
  names: Record<SetId, string>;
}

/** Everything read from the device in one pass. */
export interface Snapshot {
  pfsense: string;
  pfrest: string;
  features: PfrestFeatures;
  interfaces: Interface[];
  repr: Repr;
  aliases: Alias[];
  rules: Rule[];
  /** Firewall subsystems with saved but unapplied changes. */
  pending: string[];
  dns: DnsSettings;
  dnsApplied: boolean;
  unboundRunning: boolean;
}
