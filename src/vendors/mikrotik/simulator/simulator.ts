/**
 * A simulated MikroTik router speaking the RouterOS binary API byte for byte, over TCP or API-SSL.
 * It is a product feature (`iocwall lab` runs it) as much as the integration-test device: its state lives
 * in memory and changes only through the API, so whatever a tool or an administrator does through the API
 * is seen by the next read, as on a real router.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { deviceCertificate } from '../../simkit/certificate.js';
import { parseRelease, type RouterOsRelease } from '../releases.js';
import { SimCpu } from './cpu.js';
import { SimRouter } from './router.js';
import { SimSession } from './session.js';
import type { SimLoggedCommand, SimSessionHost } from './session-host.js';
import type { SimUser } from './users.js';

export type { SimLoggedCommand } from './session-host.js';
export type { SimUser } from './users.js';

/** Every policy of the built-in `full` group (manual "User": `/user group print`). */
export const FULL_POLICIES: readonly string[] = [
  'local',
  'telnet',
  'ssh',
  'ftp',
  'reboot',
  'read',
  'write',
  'policy',
  'test',
  'winbox',
  'password',
  'web',
  'sniff',
  'sensitive',
  'api',
  'romon',
];

/** Options of `MikrotikSimulator`. */
export interface MikrotikSimulatorOptions {
  /**
   * The release played, as `iocwall lab --firmware mikrotik=…` takes it (`6.49`, `6.48.6+no-ipv6`, `7.4`,
   * `7.18`); see `MIKROTIK_FIRMWARE` in releases.ts for what changes between ranges.
   */
  firmware: string;
  /** `/system/resource` version text (default: the release given, with its channel). */
  version?: string;
  /** The user a client logs in as. */
  username: string;
  password: string;
  /** Policies of that user's group (default: the `full` group's). */
  policies?: readonly string[];
  /** More users (e.g. the lab's administrator next to iocwall's least-privilege user). */
  users?: readonly SimUser[];
  /** Listening port on 127.0.0.1 (0 = any free port, the default). */
  port?: number;
  /**
   * API-SSL with a fresh self-signed certificate; `'no-certificate'` is API-SSL as shipped without a
   * certificate, which speaks only anonymous Diffie-Hellman (manual "API": "Without a certificate provided
   * in the /ip service settings, the client must use an anonymous Diffie-Hellman cipher").
   */
  tls?: boolean | 'no-certificate';
  /** Time each command takes; commands of one connection run one after another. */
  latencyMs?: number;
  /**
   * CPU time per row a `print` scans, in µs (default 0). Above 0, tagged commands run concurrently and
   * compete for one CPU (cpu.ts); reference measurements: ~1.9 s per 23k rows, about 80 µs a row.
   */
  scanCostUs?: number;
  /** Drop the connection after answering this many commands (one-shot; see `dropAfter`). */
  dropAfterSentences?: number;
  /** Most rows one address-list menu may hold; beyond it `add` traps. */
  maxEntries?: number;
  /** Accept duplicate list+address entries, as configurations from before 7.21.4 or imports hold. */
  allowDuplicateEntries?: boolean;
  /** Pre-6.43 challenge login (`/login` → `!done =ret=<challenge>`). */
  legacyLogin?: boolean;
}

/** Where a started simulator listens. */
export interface MikrotikSimulatorEndpoint {
  endpoint: string;
  /** sha256 fingerprint of the certificate (Node's `fingerprint256` form) when `tls` is on. */
  fingerprint?: string;
}

/** The simulated router. */
export class MikrotikSimulator {
  /** Every command received, in order (passwords redacted) — e.g. to prove an audit sent no write. */
  readonly commandLog: SimLoggedCommand[] = [];
  /** The router's configuration (inspect it in tests; change it only through the API). */
  readonly router: SimRouter;
  /** Largest number of commands seen in flight (received, not yet answered) on one connection. */
  maxInFlight = 0;
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private connections = 0;
  private dropCountdown: number | undefined;
  private readonly cpu = new SimCpu();

  /** The release played. */
  readonly release: RouterOsRelease;
  /** Called with every command before it runs (tests: a change made meanwhile by someone else). */
  beforeCommand: ((command: string, attributes: Readonly<Record<string, string>>) => void) | undefined;

  constructor(private readonly o: MikrotikSimulatorOptions) {
    const release = parseRelease(o.firmware);
    this.release = release;
    this.router = new SimRouter({
      release,
      version: o.version ?? `${release.version} (${release.v7 ? 'stable' : 'long-term'})`,
      maxEntries: o.maxEntries,
      allowDuplicateEntries: o.allowDuplicateEntries,
    });
    this.dropCountdown = o.dropAfterSentences;
  }

  /** Arms a one-shot connection drop after `n` more answered commands (undefined disarms it). */
  dropAfter(n: number | undefined): void {
    this.dropCountdown = n;
  }

  /** Starts listening on 127.0.0.1. */
  async start(): Promise<MikrotikSimulatorEndpoint> {
    let fingerprint: string | undefined;
    let server: net.Server;
    const onSocket = (socket: net.Socket): void => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      new SimSession(socket, ++this.connections, this.host());
    };
    if (this.o.tls === 'no-certificate') {
      // Anonymous (EC)DH only, as RouterOS's api-ssl without a certificate: a client that verifies the
      // server (iocwall, Node's defaults) offers no aNULL suite and the handshake fails.
      server = tls.createServer({ ciphers: 'aNULL:@SECLEVEL=0', maxVersion: 'TLSv1.2' }, onSocket);
    } else if (this.o.tls === true) {
      const cert = await deviceCertificate('iocwall-lab-mikrotik');
      fingerprint = cert.fingerprint;
      server = tls.createServer({ key: cert.key, cert: cert.cert }, onSocket);
    } else {
      server = net.createServer(onSocket);
    }
    server.on('error', () => undefined);
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.o.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as net.AddressInfo;
    const scheme = this.o.tls === undefined || this.o.tls === false ? 'tcp' : 'tls';
    return { endpoint: `${scheme}://127.0.0.1:${address.port}`, fingerprint };
  }

  /** Stops listening and closes every connection. */
  async stop(): Promise<void> {
    this.cpu.stop();
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private host(): SimSessionHost {
    return {
      router: this.router,
      release: this.release,
      users: [
        { name: this.o.username, password: this.o.password, policies: this.o.policies ?? FULL_POLICIES },
        ...(this.o.users ?? []),
      ],
      beforeCommand: (command, attributes) => this.beforeCommand?.(command, attributes),
      legacyLogin: this.o.legacyLogin === true,
      latencyMs: this.o.latencyMs ?? 0,
      scanCostUs: this.o.scanCostUs ?? 0,
      cpu: this.cpu,
      log: (entry) => this.commandLog.push(entry),
      inFlight: (n) => {
        this.maxInFlight = Math.max(this.maxInFlight, n);
      },
      dropNow: () => {
        if (this.dropCountdown === undefined) return false;
        this.dropCountdown--;
        if (this.dropCountdown > 0) return false;
        this.dropCountdown = undefined;
        return true;
      },
    };
  }
}
