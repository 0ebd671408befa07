/**
 * A simulated OPNsense firewall API over HTTPS (a product feature: `iocwall lab` runs it). It plays a
 * given release (firmware.ts: every patch-level difference, each cited where it is modelled): routing
 * before auth, Basic key/secret, per-endpoint privileges (acl.ts), status codes and bodies, configuration
 * vs running state, savepoint rollback with its detached timer, the detached alias refresh and its lock
 * (tables.ts), time costs proportional to the work, upgrades with their migrations, and injected faults.
 * State changes only through the API (and `upgrade`, as a firmware update would).
 */
import { randomBytes } from 'node:crypto';
import * as https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deviceCertificate } from '../../simkit/certificate.js';
import { opnsenseRelease } from '../firmware.js';
import { IOCWALL_PRIVILEGES, allowed } from './acl.js';
import { aliasRoutes } from './alias.js';
import { aliasUtilRoutes } from './alias-util.js';
import { filterRoutes } from './filter.js';
import { savepointRoutes } from './savepoint.js';
import { finishRefresh } from './tables.js';
import { basicCredentials, readBody, same } from './wire.js';
import {
  dnsblAnswer,
  dnsblPolicyRoutes,
  migrateSingleDnsbl,
  unboundRoutes,
  type DnsblAnswer,
} from './unbound.js';
import {
  BAD_JSON,
  FORBIDDEN,
  NOT_FOUND,
  UNAUTHORIZED,
  UNEXPECTED,
  ok,
  toSnake,
  type RouteTable,
  type SimResponse,
} from './http.js';
import {
  DEFAULT_COSTS,
  DEFAULT_TABLE_ENTRIES,
  createState,
  tickRollback,
  type ConfigReference,
  type SimCosts,
  type SimState,
} from './state.js';

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

/** The privileges iocwall's key holds in the lab (docs/vendors/opnsense.md). */
export { IOCWALL_PRIVILEGES };

/** Where a started simulator listens and how to trust it. */
export interface OpnsenseSimulatorEndpoint {
  /** `https://127.0.0.1:<port>` */
  endpoint: string;
  /** sha256 of the certificate, colon-separated upper-case hex. */
  fingerprint: string;
  /** The self-signed certificate (its own CA). */
  caPem: string;
}

/** The simulated OPNsense device. */
export class OpnsenseSimulator {
  /** Every request received, in order (for tests: e.g. an audit sent no POST). */
  readonly requestLog: { method: string; path: string }[] = [];
  private readonly state: SimState;
  private readonly routes: RouteTable;
  private readonly key: string;
  private readonly secret: string;
  private faults: {
    failNext5xx: number;
    resetAfterCalls: number | undefined;
    failStatus: Map<string, string>;
  } = {
    failNext5xx: 0,
    resetAfterCalls: undefined,
    failStatus: new Map(),
  };
  private server: https.Server | undefined;

  /** Creates a stopped simulator. */
  constructor(private readonly options: OpnsenseSimulatorOptions = {}) {
    this.state = createState(
      opnsenseRelease(options.version ?? '26.1.9'),
      options.clock ?? Date.now,
      options.tableEntriesLimit ?? DEFAULT_TABLE_ENTRIES,
      { ...DEFAULT_COSTS, ...options.costs },
    );
    this.key = options.key ?? randomBytes(30).toString('base64');
    this.secret = options.secret ?? randomBytes(30).toString('base64');
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
    return { key: this.key, secret: this.secret };
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
    const cert = await deviceCertificate('OPNsense.localdomain');
    const server = https.createServer({ key: cert.key, cert: cert.cert, keepAlive: true }, (req, res) => {
      void this.onRequest(req, res);
    });
    this.server = server;
    const host = this.options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const endpointHost = host.includes(':') ? `[${host}]` : host;
    return { endpoint: `https://${endpointHost}:${port}`, fingerprint: cert.fingerprint, caPem: cert.cert };
  }

  /** Stops listening and drops open connections. */
  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
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
    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch {
      req.socket.destroy();
      return;
    }
    if (this.options.latencyMs !== undefined && this.options.latencyMs > 0) {
      await new Promise((r) => setTimeout(r, this.options.latencyMs));
    }
    let answer: SimResponse;
    if (this.faults.failNext5xx > 0) {
      this.faults.failNext5xx--;
      answer = UNEXPECTED;
    } else {
      this.state.pendingCostMs = 0;
      answer = this.dispatch(method, url, req, raw);
      const cost = this.state.pendingCostMs;
      if (cost > 0) await new Promise((r) => setTimeout(r, cost));
    }
    const text = JSON.stringify(answer.body);
    res.writeHead(answer.status, {
      'content-type': 'application/json; charset=UTF-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  /** Routing (404 before auth), authentication, ACL, body parsing, then the action. */
  private dispatch(method: string, url: URL, req: IncomingMessage, raw: Buffer): SimResponse {
    tickRollback(this.state);
    finishRefresh(this.state);
    const segments = url.pathname.split('/').filter((s) => s !== '');
    if (segments[0] !== 'api' || segments.length < 4) return NOT_FOUND;
    let parts: string[];
    try {
      parts = segments.slice(1).map((s) => decodeURIComponent(s));
    } catch {
      return NOT_FOUND;
    }
    const [module = '', controller = '', action = '', ...params] = parts;
    const routeKey = [module, controller, action].map(toSnake).join('/');
    const route = this.routes[routeKey];
    if (route === undefined || params.length < (route.minParams ?? 0)) return NOT_FOUND;
    if (route.available !== undefined && !route.available(this.state)) return NOT_FOUND;

    const user = this.authenticate(req.headers.authorization);
    if (user === undefined) return UNAUTHORIZED;
    if (user === 'readonly' && route.mutating) return FORBIDDEN;
    if (typeof user !== 'string' && !allowed(user.privileges, ['api', routeKey, ...params].join('/')))
      return FORBIDDEN;

    let body: Record<string, unknown> = {};
    if ((req.headers['content-type'] ?? '').includes('application/json')) {
      // `parseJsonBodyData` (ApiControllerBase.php 26.1.9) answers 400 only for an *empty* body; JSON
      // that does not parse is treated as an empty POST.
      if (raw.length === 0) return BAD_JSON;
      try {
        const parsed: unknown = JSON.parse(raw.toString('utf8'));
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
          body = parsed as Record<string, unknown>;
        }
      } catch {
        body = {};
      }
    }
    if (route.method === 'POST' && method !== 'POST') return ok(route.getFailedBody ?? { result: 'failed' });
    const failed = this.faults.failStatus.get(routeKey);
    if (failed !== undefined) {
      this.faults.failStatus.delete(routeKey);
      return ok({ status: failed });
    }
    try {
      return route.handle({ method, params, body, query: url.searchParams }, this.state);
    } catch {
      // ScalarTypeError and anything unexpected: the generic exception answer.
      return UNEXPECTED;
    }
  }

  /** Maps a Basic header to a user: the administrator, the read-only user, a listed user, or nobody. */
  private authenticate(header: string | undefined): 'admin' | 'readonly' | SimApiUser | undefined {
    const c = basicCredentials(header);
    if (c === undefined) return undefined;
    if (same(c.key, this.key) && same(c.secret, this.secret)) return 'admin';
    const ro = this.options.readOnlyKey;
    if (ro !== undefined && same(c.key, ro.key) && same(c.secret, ro.secret)) return 'readonly';
    return this.options.users?.find((u) => same(c.key, u.key) && same(c.secret, u.secret));
  }
}
