/**
 * A simulated Sophos Firewall (SFOS 19.5–22.0) on loopback: the XML API at `/webconsole/APIController`
 * over HTTPS with a self-signed certificate, its resolver on a UDP port, and a rule evaluation that says
 * whether traffic is dropped. State changes only through the API. See sophos-facts.md §13 (the checklist
 * this follows) and the README beside this folder for the switches that model open questions.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startDnsResponder, type DnsResponder } from '../../simkit/dns-responder.js';
import { readBodyOrDrop, sleep } from '../../simkit/http.js';
import { startHttpsServer, type SimHttpsServer } from '../../simkit/https-server.js';
import { handleRequest } from './api.js';
import { RELEASES, type SfosRelease } from './releases.js';
import { DEFAULT_SWITCHES, type SophosState, type SophosSwitches } from './store.js';
import { answerDns, wouldDrop, type Learned } from './traffic.js';

/** Per-request costs (F2B measured ~1 s per call and 5–8 s per write to a rule-used object, §5.6). */
export interface SophosLatency {
  /** Every request. */
  callMs: number;
  /** Every successful write. */
  writeMs: number;
  /** Extra per successful write to an object an enabled rule uses (policy recompile). */
  recompileMs: number;
}

/** How the simulated device is set up. */
export interface SophosSimulatorOptions {
  release?: SfosRelease;
  /** The API user iocwall uses. */
  username: string;
  password: string;
  /** The administrator account (hand edits). */
  adminPassword: string;
  switches?: Partial<SophosSwitches>;
  latency?: Partial<SophosLatency>;
  /** `*.d` also matches `d` (Open, §14.4); default false. */
  wildcardCoversApex?: boolean;
  /** API allow-list; default `['127.0.0.1']` (22.0: migrated into an `apiconfig_1` IP host, AV22). */
  allowedIps?: string[];
}

/** Largest accepted request body. */
const MAX_BODY = 64 * 1024 * 1024;

/** The simulated device. */
export class SophosSimulator {
  readonly state: SophosState;
  /** Requests received that carried a Set or Remove (a read-only run must send none). */
  writeRequests = 0;
  /** Requests received. */
  requests = 0;
  /** Successful writes (each Set entity or removed name answered 200). */
  writes = 0;
  /** Successful writes to objects an enabled rule uses (a policy recompile each on the device). */
  recompiles = 0;
  private readonly learned: Learned = new Map();
  private readonly latency: SophosLatency;
  private server: SimHttpsServer | undefined;
  private dns: DnsResponder | undefined;
  private queue: Promise<void> = Promise.resolve();
  private dropAfter: number | undefined;
  /** `https://127.0.0.1:PORT` once started. */
  endpoint = '';
  /** `127.0.0.1:PORT` of the resolver once started. */
  dnsAddress = '';
  /** sha256 fingerprint of the certificate once started. */
  fingerprint = '';
  /** The self-signed certificate (its own CA) once started. */
  caPem = '';

  constructor(private readonly options: SophosSimulatorOptions) {
    const release = options.release ?? '22.0';
    const profile = RELEASES[release];
    this.latency = { callMs: 0, writeMs: 0, recompileMs: 0, ...options.latency };
    const allowedIps = options.allowedIps ?? ['127.0.0.1'];
    this.state = {
      release,
      profile,
      switches: { ...DEFAULT_SWITCHES, ...options.switches },
      objects: {
        IPHost: new Map(),
        IPHostGroup: new Map(),
        FQDNHost: new Map(),
        FQDNHostGroup: new Map(),
        FirewallRuleGroup: new Map(),
      },
      rules: [],
      api: { enabled: true, allowedIps, allowedHosts: [] },
      users: new Map([
        ['admin', options.adminPassword],
        [options.username, options.password],
      ]),
      broken: new Set(),
      faults: { noopRemoves: 0 },
    };
    if (profile.allowList === 'ip-hosts') {
      // SFOS 22 migrates the allow-list into IP host objects named `apiconfig*` (AV22).
      allowedIps.forEach((ip, i) => {
        const name = `apiconfig_${i + 1}`;
        this.state.objects.IPHost.set(name, {
          Name: name,
          IPFamily: ip.includes(':') ? 'IPv6' : 'IPv4',
          HostType: 'IP',
          IPAddress: ip,
        });
        this.state.api.allowedHosts.push(name);
      });
    }
    // The factory-style allow rule LAN → WAN the managed rules must precede (D-FWR195: top-down, first match).
    this.state.rules.push({
      Name: 'LAN to WAN',
      Description: 'Allow LAN to the Internet',
      IPFamily: 'IPv4',
      Status: 'Enable',
      PolicyType: 'Network',
      NetworkPolicy: {
        Action: 'Accept',
        LogTraffic: 'Disable',
        SourceZones: { Zone: ['LAN'] },
        DestinationZones: { Zone: ['WAN'] },
        Schedule: 'All The Time',
      },
      ...(profile.ruleSection ? { Section: 'Local' } : {}),
    });
    const v4 = this.state.rules[0];
    if (v4 !== undefined)
      this.state.rules.push({ ...structuredClone(v4), Name: 'LAN to WAN v6', IPFamily: 'IPv6' });
  }

  /** Starts the HTTPS API and the resolver on loopback. */
  async start(port = 0): Promise<void> {
    const server = await startHttpsServer({ commonName: `sfos-${this.state.release}`, port }, (req, res) =>
      this.onRequest(req, res),
    );
    this.server = server;
    this.fingerprint = server.fingerprint;
    this.caPem = server.caPem;
    this.endpoint = server.endpoint;
    this.dns = await startDnsResponder((name, type) =>
      answerDns(this.state, this.learned, this.options.wildcardCoversApex === true, name, type),
    );
    this.dnsAddress = this.dns.address;
  }

  /** Stops both listeners. */
  async stop(): Promise<void> {
    await this.server?.stop();
    await this.dns?.stop();
  }

  /** Whether traffic from `srcZone` to `dstAddress` on the WAN side is dropped (see traffic.ts). */
  wouldDrop(srcZone: string, dstAddress: string): boolean {
    return wouldDrop(this.state, this.learned, srcZone, dstAddress);
  }

  /** Answers `count` more requests, then resets the connection of the next one before handling it (one-shot). */
  dropConnectionAfter(count: number): void {
    this.dropAfter = count;
  }

  /** Makes the next `count` removes answer 200 without removing anything (false success, JW-VPN). */
  noopRemoves(count: number): void {
    this.state.faults.noopRemoves = count;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    void readBodyOrDrop(req, MAX_BODY).then((body) => {
      if (body === undefined) return;
      // Requests are served one at a time (the old note's "calls appear serialised", §5.6, unverified).
      this.queue = this.queue.then(() => this.serve(req, res, body.toString('utf8')));
    });
  }

  private async serve(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://sfos');
    if (url.pathname !== '/webconsole/APIController') {
      res.writeHead(404).end();
      return;
    }
    this.requests++;
    const reqxml = reqxmlOf(req, url, body);
    if (this.dropAfter !== undefined && this.dropAfter-- <= 0) {
      this.dropAfter = undefined;
      req.socket.destroy();
      return;
    }
    if (/<\s*(Set|Remove)[\s>/]/.test(reqxml)) this.writeRequests++;
    const outcome = handleRequest(
      this.state,
      reqxml,
      req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '',
    );
    this.writes += outcome.writes;
    this.recompiles += outcome.recompiles;
    const delay =
      this.latency.callMs +
      outcome.writes * this.latency.writeMs +
      outcome.recompiles * this.latency.recompileMs;
    if (delay > 0) await sleep(delay);
    // HTTP 200 for every API-level answer (§1.3).
    res.writeHead(200, { 'Content-Type': 'text/xml; charset=UTF-8' }).end(outcome.xml);
  }
}

/**
 * The `reqxml` field from any of the three carriers seen in working clients (§1.1): urlencoded POST,
 * multipart POST, GET query.
 */
function reqxmlOf(req: IncomingMessage, url: URL, body: string): string {
  const type = req.headers['content-type'] ?? '';
  if (req.method === 'GET') return url.searchParams.get('reqxml') ?? '';
  if (type.startsWith('multipart/form-data')) {
    const boundary = /boundary="?([^";]+)"?/.exec(type)?.[1];
    if (boundary === undefined) return '';
    for (const part of body.split(`--${boundary}`)) {
      const [head = '', ...rest] = part.split(/\r?\n\r?\n/);
      if (/name="reqxml"/.test(head)) return rest.join('\n\n').replace(/\r?\n$/, '');
    }
    return '';
  }
  // A raw `&` in the body cuts the field short, as on the device (529, JW Core tests).
  return new URLSearchParams(body).get('reqxml') ?? '';
}
