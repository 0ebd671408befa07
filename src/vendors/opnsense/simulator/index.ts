/**
 * A simulated OPNsense firewall API over HTTPS (a product feature: `iocwall lab` runs it). It plays a
 * given release (firmware.ts: every patch-level difference, each cited where it is modelled): routing
 * before auth, Basic key/secret, per-endpoint privileges (acl.ts), status codes and bodies, configuration
 * vs running state, savepoint rollback with its detached timer, the detached alias refresh and its lock
 * (tables.ts), time costs proportional to the work, upgrades with their migrations, and injected faults.
 * State changes only through the API (and `upgrade`, as a firmware update would).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBodyOrDrop, sendJson, sleep } from '../../simkit/http.js';
import { startHttpsServer, type SimHttpsServer } from '../../simkit/https-server.js';
import { opnsenseRelease } from '../firmware.js';
import { IOCWALL_PRIVILEGES } from './acl.js';
import { aliasRoutes } from './alias.js';
import { aliasUtilRoutes } from './alias-util.js';
import { filterRoutes } from './filter.js';
import { savepointRoutes } from './savepoint.js';
import { finishRefresh } from './tables.js';
import {
  dnsblAnswer,
  dnsblPolicyRoutes,
  migrateSingleDnsbl,
  unboundRoutes,
  type DnsblAnswer,
} from './unbound.js';
import { dispatch, type SimAccounts } from './dispatch.js';
import { UNEXPECTED, ok, type RouteTable, type SimResponse } from './http.js';
import type {
  OpnsenseSimulatorEndpoint,
  OpnsenseSimulatorFaults,
  OpnsenseSimulatorOptions,
} from './options.js';
import {
  DEFAULT_COSTS,
  DEFAULT_TABLE_ENTRIES,
  createState,
  type ConfigReference,
  type SimState,
} from './state.js';

/** Largest request body accepted (a million-entry alias fits). */
const MAX_BODY_BYTES = 128 * 1024 * 1024;

export type {
  OpnsenseSimulatorEndpoint,
  OpnsenseSimulatorFaults,
  OpnsenseSimulatorOptions,
  SimApiUser,
} from './options.js';

/** The privileges iocwall's key holds in the lab (docs/vendors/opnsense.md). */
export { IOCWALL_PRIVILEGES };

/** The simulated OPNsense device. */
export class OpnsenseSimulator {
  /** Every request received, in order (for tests: e.g. an audit sent no POST). */
  readonly requestLog: { method: string; path: string }[] = [];
  private readonly state: SimState;
  private readonly routes: RouteTable;
  private readonly accounts: SimAccounts;
  private faults: {
    failNext5xx: number;
    resetAfterCalls: number | undefined;
    failStatus: Map<string, string>;
  } = {
    failNext5xx: 0,
    resetAfterCalls: undefined,
    failStatus: new Map(),
  };
  private server: SimHttpsServer | undefined;

  /** Creates a stopped simulator. */
  constructor(private readonly options: OpnsenseSimulatorOptions = {}) {
    this.state = createState(
      opnsenseRelease(options.version ?? '26.1.9'),
      options.clock ?? Date.now,
      options.tableEntriesLimit ?? DEFAULT_TABLE_ENTRIES,
      { ...DEFAULT_COSTS, ...options.costs },
    );
    this.accounts = {
      key: options.key ?? randomBytes(30).toString('base64'),
      secret: options.secret ?? randomBytes(30).toString('base64'),
      readOnlyKey: options.readOnlyKey,
      users: options.users,
    };
    const only = (routes: RouteTable, available: (s: SimState) => boolean): RouteTable =>
      Object.fromEntries(Object.entries(routes).map(([k, r]) => [k, { ...r, available }]));
    this.routes = {
      ...aliasRoutes,
      ...aliasUtilRoutes,
      ...filterRoutes,
      // Removed in 26.7 (opnsense/core PR #10411).
      ...only(savepointRoutes, (s) => s.release.savepoints),
      ...unboundRoutes,
      // From 25.7.8 (commit 8938a491f5, "unbound: merge extended blocklists into core").
      ...only(dnsblPolicyRoutes, (s) => s.release.dnsblPolicies),
      'core/firmware/info': {
        method: 'ANY',
        mutating: false,
        // FirmwareController.php `infoAction`: `product_version` from `opnsense-version -nv`.
        handle: (_req, s) =>
          ok({ product_id: 'opnsense', product_name: 'OPNsense', product_version: s.release.version }),
      },
    };
    if (options.faults !== undefined) this.setFaults(options.faults);
  }

  /** The release the device runs now (changes with `upgrade`). */
  get version(): string {
    return this.state.release.version;
  }

  /**
   * Updates the firmware to a later release, keeping the configuration, and runs that release's model
   * migrations on the way (from ≤25.7.7 to ≥25.7.8: the DNSBL `M1_0_13`). Services restart, so the
   * blocklist is reloaded from the migrated configuration.
   */
  upgrade(version: string): void {
    const next = opnsenseRelease(version);
    const from = this.state.release;
    if (next.number < from.number) throw new Error(`cannot downgrade ${from.version} to ${version}`);
    this.state.release = next;
    if (!from.dnsblPolicies && next.dnsblPolicies) migrateSingleDnsbl(this.state);
    this.state.rollback = undefined; // the reboot ends every timer
  }

  /** Adds a reference to an alias outside the automation rules (a NAT rule or plugin made in the GUI). */
  addConfigReference(ref: ConfigReference): void {
    this.state.configReferences.push({ ...ref });
  }

  /** Lines only the system log shows (detached alias refresh errors). */
  get systemLog(): readonly string[] {
    finishRefresh(this.state);
    return this.state.systemLog;
  }

  /** The administrator's API credentials (what `iocwall lab` prints). */
  get credentials(): { key: string; secret: string } {
    return { key: this.accounts.key, secret: this.accounts.secret };
  }

  /** Whether the loaded (not merely configured) DNSBL blocks `name` for an `A` query. */
  dnsBlocked(name: string): boolean {
    return this.dnsAnswer(name, 'A') !== undefined;
  }

  /** How the device's resolver answers a query, when the DNSBL blocks it (undefined: resolves). */
  dnsAnswer(name: string, type: string): DnsblAnswer | undefined {
    return dnsblAnswer(this.state, name, type);
  }

  /** Replaces the pending faults. */
  setFaults(f: OpnsenseSimulatorFaults): void {
    this.faults = {
      failNext5xx: f.failNext5xx ?? 0,
      resetAfterCalls: f.resetAfterCalls,
      failStatus: new Map(Object.entries(f.failStatus ?? {})),
    };
  }

  /** Generates a self-signed certificate (SAN 127.0.0.1, localhost) and starts listening. */
  async start(): Promise<OpnsenseSimulatorEndpoint> {
    if (this.server !== undefined) throw new Error('simulator already started');
    const server = await startHttpsServer(
      {
        commonName: 'OPNsense.localdomain',
        host: this.options.host,
        port: this.options.port,
        keepAlive: true,
      },
      (req, res) => void this.onRequest(req, res),
    );
    this.server = server;
    return { endpoint: server.endpoint, fingerprint: server.fingerprint, caPem: server.caPem };
  }

  /** Stops listening and drops open connections. */
  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    await server.stop();
  }

  /** Handles one HTTP request end to end. */
  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://opnsense.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    this.requestLog.push({ method, path: url.pathname });
    if (this.faults.resetAfterCalls !== undefined) {
      if (this.faults.resetAfterCalls <= 0) {
        this.faults.resetAfterCalls = undefined;
        req.socket.destroy();
        return;
      }
      this.faults.resetAfterCalls--;
    }
    const raw = await readBodyOrDrop(req, MAX_BODY_BYTES);
    if (raw === undefined) return;
    if (this.options.latencyMs !== undefined && this.options.latencyMs > 0)
      await sleep(this.options.latencyMs);
    let answer: SimResponse;
    if (this.faults.failNext5xx > 0) {
      this.faults.failNext5xx--;
      answer = UNEXPECTED;
    } else {
      this.state.pendingCostMs = 0;
      const ctx = {
        state: this.state,
        routes: this.routes,
        accounts: this.accounts,
        failStatus: this.faults.failStatus,
      };
      answer = dispatch(ctx, method, url, req, raw);
      const cost = this.state.pendingCostMs;
      if (cost > 0) await sleep(cost);
    }
    sendJson(res, answer.status, answer.body, 'application/json; charset=UTF-8');
  }
}
