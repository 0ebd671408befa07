/**
 * How a simulated OPNsense is set up (index.ts takes these): the release, the API users, the faults to
 * inject, time costs, and where it listens.
 */
import type { SimCosts } from './state.js';

/** Faults to inject; each counts down and then clears. */
export interface OpnsenseSimulatorFaults {
  /** Answer the next N requests with HTTP 500 (generic exception body), changing nothing. */
  failNext5xx?: number;
  /** Let N more requests through, then reset the connection of the next one before it is handled. */
  resetAfterCalls?: number;
  /**
   * Action (route key in snake_case, e.g. `firewall/filter/apply`) → status text its next call answers
   * with, HTTP 200 `{"status":…}`, without running: what configd returns when the action fails.
   */
  failStatus?: Record<string, string>;
}

/** An API user: key, secret and the privileges (acl.ts ids) its group holds. */
export interface SimApiUser {
  key: string;
  secret: string;
  privileges: readonly string[];
}

/** How the simulated device behaves. */
export interface OpnsenseSimulatorOptions {
  /** Release to play, e.g. `25.7.5` or `26.1.9` (firmware.ts); default `26.1.9`. */
  version?: string;
  /** API key (Basic user) of the administrator; random when omitted (see `credentials`). */
  key?: string;
  /** API secret (Basic password) of the administrator; random when omitted. */
  secret?: string;
  /** Listening port; 0 (default) picks a free one. */
  port?: number;
  /** Listening address; default 127.0.0.1. */
  host?: string;
  /** Delay before every answer. */
  latencyMs?: number;
  /** pf `table-entries` limit; default 1,000,000. */
  tableEntriesLimit?: number;
  faults?: OpnsenseSimulatorFaults;
  /** Milliseconds clock for the savepoint rollback timer; default `Date.now`. */
  clock?: () => number;
  /** A second API user whose ACL forbids every mutating action (→ 403). */
  readOnlyKey?: { key: string; secret: string };
  /** Further API users with exactly the privileges listed (e.g. iocwall's least-privilege key). */
  users?: readonly SimApiUser[];
  /** Time costs (see `SimCosts`); defaults `DEFAULT_COSTS`. */
  costs?: Partial<SimCosts>;
}

/** Where a started simulator listens and how to trust it. */
export interface OpnsenseSimulatorEndpoint {
  /** `https://127.0.0.1:<port>` */
  endpoint: string;
  /** sha256 of the certificate, colon-separated upper-case hex. */
  fingerprint: string;
  /** The self-signed certificate (its own CA). */
  caPem: string;
}
