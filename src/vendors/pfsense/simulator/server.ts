/**
 * The simulated pfSense with pfrest: an HTTPS server on loopback answering `/api/v2/…` as the release it
 * plays, and the device's DNS Resolver on a loopback UDP port. Request pipeline as pfrest's
 * `Core/Endpoint.inc` process_request (v2.4.3 … v2.10.0; pfsense-facts.md §2, §4):
 * nginx (unknown URL → HTML 404) → authentication (first enabled method whose credentials are present, no
 * fall-through; `/auth/key` Basic only) → privilege (`page-all` or `api-v2-…-<method>`) → Accept (empty,
 * `*∕*` or `application/json[;…]`, else 406) → method (405) → decode (JSON: body only; form: query string,
 * else body, values type-coerced) → handler → config write.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startDnsResponder, type DnsResponder } from '../../simkit/dns-responder.js';
import { parseBasicAuth, readBodyOrDrop, sameSecret, sendBody, sleep } from '../../simkit/http.js';
import { startHttpsServer, type SimHttpsServer } from '../../simkit/https-server.js';
import { privilegeFor } from '../client.js';
import { featuresOf, parsePfsenseFirmware } from '../releases.js';
import { ApiError, failure, nginxPage, success, type WireAnswer } from './envelope.js';
import { decode } from './http-util.js';
export { IOCWALL_PRIVILEGES } from './http-util.js';
import { evaluate, reloadFilter, type Packet, type Verdict } from './pf.js';
import type { Endpoint, HandlerContext } from './route-types.js';
import { FIREWALL_ENDPOINTS } from './routes-firewall.js';
import { SYSTEM_ENDPOINTS } from './routes-system.js';
import {
  cloneConfig,
  defaultInterfaces,
  defaultRules,
  NO_LATENCY,
  type SimLatency,
  type SimState,
} from './state.js';
import { resolve, restartUnbound } from './unbound.js';

/** Options of one simulated device. */
export interface PfsenseSimulatorOptions {
  /** `2.8.1+pfrest-2.10.0` etc. (see releases.ts). */
  firmware: string;
  /** Users: name → password and privileges (`page-all` for an administrator). */
  users: Record<string, { password: string; privileges: readonly string[] }>;
  /** `auth_methods` (default `['BasicAuth']`). */
  authMethods?: readonly ('BasicAuth' | 'KeyAuth')[];
  representInterfacesAs?: 'descr' | 'id' | 'if';
  latency?: Partial<SimLatency>;
  /** DNS Resolver forwarding mode (custom options then follow a `forward-zone:` clause). */
  forwarding?: boolean;
  /** Custom options already on the box (an administrator's lines). */
  customOptions?: string;
}

/** Where a started simulator listens. */
export interface PfsenseSimulatorEndpoint {
  endpoint: string;
  fingerprint: string;
  caPem: string;
  /** `127.0.0.1:PORT` of the resolver. */
  dns: string;
}

/** Largest request body accepted. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

const ENDPOINTS: ReadonlyMap<string, Endpoint> = new Map(
  [...FIREWALL_ENDPOINTS, ...SYSTEM_ENDPOINTS].map((e) => [e.path, e]),
);

/** One simulated pfSense. */
export class PfsenseSimulator {
  readonly state: SimState;
  /** Every request received (method, path below `/api/v2/`, decoded data). */
  readonly requestLog: { method: string; path: string; data: Record<string, unknown> }[] = [];
  /**
   * Test knob: runs before a request's handler, after it was authenticated and decoded — a concurrent
   * GUI edit landing between a client's read and its write.
   */
  beforeHandle: ((method: string, path: string) => void) | undefined;
  private writes = 0;
  private dropAfter: number | undefined;
  private server: SimHttpsServer | undefined;
  private dns: DnsResponder | undefined;
  private dnsPort = 0;

  constructor(options: PfsenseSimulatorOptions) {
    const release = parsePfsenseFirmware(options.firmware);
    const now = Math.floor(Date.now() / 1000);
    let clock = now;
    this.state = {
      pfsense: release.pfsense,
      pfrest: release.pfrest,
      features: featuresOf(release.pfrest),
      config: {
        aliases: [],
        rules: defaultRules(now),
        unbound: {
          enable: true,
          forwarding: options.forwarding ?? false,
          custom_options: options.customOptions ?? '',
          domainOverrides: [],
        },
        maximumTableEntries: 400_000,
      },
      interfaces: defaultInterfaces(),
      dirty: new Set(),
      filter: { tables: new Map(), rules: [] },
      unbound: { running: false, customOptions: '' },
      notices: [],
      representInterfacesAs: options.representInterfacesAs ?? 'descr',
      authMethods: new Set(options.authMethods ?? ['BasicAuth']),
      users: new Map(
        Object.entries(options.users).map(([n, u]) => [
          n,
          { password: u.password, privileges: new Set(u.privileges) },
        ]),
      ),
      apiKeys: new Map(),
      latency: { ...NO_LATENCY, ...options.latency },
      // Whole seconds, never going backwards; trackers of rules made in one second collide, as on pfSense.
      now: () => (clock = Math.max(clock, Math.floor(Date.now() / 1000))),
      onUnboundChange: () => void this.syncResponder(),
    };
    reloadFilter(this.state);
    restartUnbound(this.state);
  }

  /** Starts HTTPS and DNS on loopback. */
  async start(): Promise<PfsenseSimulatorEndpoint> {
    const server = await startHttpsServer(
      { commonName: 'pfSense-webConfigurator', keepAlive: true },
      (req, res) => void this.onRequest(req, res),
    );
    this.server = server;
    await this.syncResponder();
    return {
      endpoint: server.endpoint,
      fingerprint: server.fingerprint,
      caPem: server.caPem,
      dns: `127.0.0.1:${this.dnsPort}`,
    };
  }

  /** Stops everything. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await this.dns?.stop();
    this.dns = undefined;
    await server?.stop();
  }

  /** Evaluates a packet against the running ruleset (tests: proof that traffic is blocked). */
  evaluate(packet: Packet): Verdict {
    return evaluate(this.state, packet);
  }

  /** Write requests received so far. */
  writeCount(): number {
    return this.writes;
  }

  /** Answers `requests` more requests, then drops the connection of the next one before handling it (one-shot). */
  dropConnectionAfter(requests: number): void {
    this.dropAfter = requests;
  }

  /**
   * Unbound stopped means nothing listens on port 53: the client gets no answer (ICMP port unreachable
   * on a real box), so the responder is closed while Unbound is down and re-bound on the same port.
   */
  private async syncResponder(): Promise<void> {
    if (this.server === undefined) return;
    if (this.state.unbound.running && this.dns === undefined) {
      this.dns = await startDnsResponder((name, type) => resolve(this.state, name, type), this.dnsPort);
      this.dnsPort = Number(this.dns.address.split(':')[1]);
    } else if (!this.state.unbound.running && this.dns !== undefined) {
      const d = this.dns;
      this.dns = undefined;
      await d.stop();
    }
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBodyOrDrop(req, MAX_BODY_BYTES);
    if (raw === undefined) return;
    const method = (req.method ?? 'GET').toUpperCase();
    if (this.dropAfter !== undefined) {
      if (this.dropAfter === 0) {
        this.dropAfter = undefined;
        req.socket.destroy();
        return;
      }
      this.dropAfter--;
    }
    if (method !== 'GET' && method !== 'HEAD') this.writes++;
    await sleep(this.state.latency.requestMs);
    const answer = await this.answer(method, req, raw);
    sendBody(res, answer.status, answer.contentType, answer.body, answer.headers);
  }

  private async answer(method: string, req: IncomingMessage, raw: Buffer): Promise<WireAnswer> {
    const url = new URL(req.url ?? '/', 'https://pfsense.invalid');
    const path = url.pathname.replace(/^\/api\/v2\//, '').replace(/\/$/, '');
    const endpoint = url.pathname.startsWith('/api/v2/') ? ENDPOINTS.get(path) : undefined;
    if (endpoint === undefined || (endpoint.exists !== undefined && !endpoint.exists(this.state)))
      return nginxPage(404, 'Not Found');
    try {
      const user = this.authenticate(req, endpoint);
      const privs = this.state.users.get(user)?.privileges;
      if (!privs?.has('page-all') && !privs?.has(privilegeFor(method, path)))
        throw new ApiError(
          403,
          'AUTH_AUTHORIZATION_FAILED',
          'Authorization failed. You do not have sufficient privileges to access this resource.',
        );
      const accept = (req.headers.accept ?? '').toLowerCase().split(';')[0]?.trim() ?? '';
      if (accept !== '' && accept !== '*/*' && accept !== 'application/json')
        throw new ApiError(
          406,
          'CONTENT_HANDLER_ENCODE_NOT_FOUND',
          `Unsupported Accept header value \`${accept}\``,
        );
      const handler = endpoint.methods[method as keyof Endpoint['methods']];
      if (handler === undefined)
        throw new ApiError(405, 'ENDPOINT_METHOD_NOT_ALLOWED', `Method ${method} not allowed.`);
      const data = decode(method, req.headers['content-type'], url, raw);
      this.requestLog.push({ method, path, data });
      this.beforeHandle?.(method, path);
      const saved = { wrote: false };
      const ctx: HandlerContext = {
        state: this.state,
        data,
        user,
        // A GET never saves, so it may look at the live config; writers work on their own copy.
        cfg: method === 'GET' ? this.state.config : cloneConfig(this.state.config),
        write: () => (saved.wrote = true),
        sleep,
      };
      const result = await handler(ctx);
      if (saved.wrote) {
        await sleep(this.state.latency.configWriteMs);
        this.state.config = ctx.cfg;
      }
      return success(result);
    } catch (err) {
      if (err instanceof ApiError) {
        const a = failure(err);
        return err.code === 401
          ? { ...a, headers: { 'www-authenticate': 'Basic realm="pfSense REST API"' } }
          : a;
      }
      return failure(
        new ApiError(500, 'ENDPOINT_RECEIVED_UNEXPECTED_ERROR', err instanceof Error ? err.message : 'error'),
      );
    }
  }

  /** `Core/Auth.inc`: the first enabled method whose credentials are present decides; no fall-through. */
  private authenticate(req: IncomingMessage, endpoint: Endpoint): string {
    const basic = parseBasicAuth(req.headers.authorization);
    const key = req.headers['x-api-key'];
    const methods = endpoint.basicOnly
      ? ['BasicAuth']
      : ['BasicAuth', 'KeyAuth'].filter((m) => this.state.authMethods.has(m as 'BasicAuth'));
    const failed = new ApiError(401, 'AUTH_AUTHENTICATION_FAILED', 'Authentication failed.');
    for (const m of methods) {
      // A `Basic` header counts as credentials presented even when it does not decode to `user:password`.
      if (m === 'BasicAuth' && basic !== undefined) {
        const user = basic === null ? undefined : this.state.users.get(basic.user);
        if (basic === null || user === undefined || !sameSecret(user.password, basic.password)) throw failed;
        return basic.user;
      }
      if (m === 'KeyAuth' && typeof key === 'string') {
        const owner = this.state.apiKeys.get(createHash('sha256').update(key).digest('hex'));
        if (owner === undefined) throw failed;
        return owner;
      }
    }
    throw failed;
  }
}
