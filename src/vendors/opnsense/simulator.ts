/**
 * A simulated OPNsense firewall API over HTTPS (a product feature: `iocwall lab` runs it). It behaves as
 * vendor-opnsense.md describes: routing before auth, Basic key/secret with a read-only second user, status
 * codes and bodies of §2, configuration vs running state, version differences (25.7 / 26.1 / 26.7),
 * savepoint rollback on an injectable clock, and injected latency and faults. State changes only through
 * the API.
 */
import { X509Certificate, randomBytes, timingSafeEqual } from 'node:crypto';
import * as https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { aliasRoutes } from './simulator-alias.js';
import { aliasUtilRoutes } from './simulator-alias-util.js';
import { filterRoutes, savepointRoutes } from './simulator-filter.js';
import { dnsBlocked, dnsblPolicyRoutes, unboundRoutes } from './simulator-unbound.js';
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
} from './simulator-http.js';
import {
  DEFAULT_TABLE_ENTRIES,
  PRODUCT_VERSIONS,
  createState,
  tickRollback,
  type SimState,
  type SimVersion,
} from './simulator-state.js';

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

/** How the simulated device behaves. */
export interface OpnsenseSimulatorOptions {
  /** Release line to behave as; default `26.1`. */
  version?: SimVersion;
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

/** Largest request body accepted (a million-entry alias fits). */
const MAX_BODY_BYTES = 128 * 1024 * 1024;

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
    const version = options.version ?? '26.1';
    this.state = createState(
      version,
      options.clock ?? Date.now,
      options.tableEntriesLimit ?? DEFAULT_TABLE_ENTRIES,
    );
    this.key = options.key ?? randomBytes(30).toString('base64');
    this.secret = options.secret ?? randomBytes(30).toString('base64');
    this.routes = {
      ...aliasRoutes,
      ...aliasUtilRoutes,
      ...filterRoutes,
      ...(version === '26.7' ? {} : savepointRoutes),
      ...unboundRoutes,
      ...(version === '25.7' ? {} : dnsblPolicyRoutes),
      'core/firmware/info': {
        method: 'ANY',
        mutating: false,
        // Inferred shape: `product_version` at the top level, as API clients read it.
        handle: (_req, s) =>
          ok({
            product_id: 'opnsense',
            product_name: 'OPNsense',
            product_version: PRODUCT_VERSIONS[s.version],
          }),
      },
    };
    if (options.faults !== undefined) this.setFaults(options.faults);
  }

  /** The administrator's API credentials (what `iocwall lab` prints). */
  get credentials(): { key: string; secret: string } {
    return { key: this.key, secret: this.secret };
  }

  /** Whether the loaded (not merely configured) DNSBL blocks `name`: what a client's lookup would see. */
  dnsBlocked(name: string): boolean {
    return dnsBlocked(this.state, name);
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
    const pems = await generate([{ name: 'commonName', value: 'OPNsense.localdomain' }], {
      keyType: 'ec',
      algorithm: 'sha256',
      extensions: [
        { name: 'basicConstraints', cA: true },
        { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 7, ip: '127.0.0.1' },
            { type: 2, value: 'localhost' },
          ],
        },
      ],
    });
    const server = https.createServer({ key: pems.private, cert: pems.cert, keepAlive: true }, (req, res) => {
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
    return {
      endpoint: `https://${endpointHost}:${port}`,
      fingerprint: new X509Certificate(pems.cert).fingerprint256,
      caPem: pems.cert,
    };
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
      answer = this.dispatch(method, url, req, raw);
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

    const user = this.authenticate(req.headers.authorization);
    if (user === undefined) return UNAUTHORIZED;
    if (user === 'readonly' && route.mutating) return FORBIDDEN;

    let body: Record<string, unknown> = {};
    if ((req.headers['content-type'] ?? '').includes('application/json')) {
      try {
        const parsed: unknown = JSON.parse(raw.toString('utf8'));
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
          body = parsed as Record<string, unknown>;
        }
      } catch {
        return BAD_JSON;
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

  /** Maps a Basic header to a user: the administrator, the read-only user, or nobody. */
  private authenticate(header: string | undefined): 'admin' | 'readonly' | undefined {
    const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
    if (m?.[1] === undefined) return undefined;
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const key = decoded.slice(0, colon);
    const secret = decoded.slice(colon + 1);
    if (same(key, this.key) && same(secret, this.secret)) return 'admin';
    const ro = this.options.readOnlyKey;
    if (ro !== undefined && same(key, ro.key) && same(secret, ro.secret)) return 'readonly';
    return undefined;
  }
}

/** Constant-time string comparison. */
function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Reads a request body up to `MAX_BODY_BYTES`. */
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) reject(new Error('body too large'));
      else chunks.push(c);
    });
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}
