/**
 * A simulated MikroTik router speaking the RouterOS binary API byte for byte, over TCP or API-SSL.
 * It is a product feature (`iocwall lab` runs it) as much as the integration-test device: its state lives
 * in memory and changes only through the API, so whatever a tool or an administrator does through the API
 * is seen by the next read, as on a real router.
 */
import { X509Certificate } from 'node:crypto';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { generate } from 'selfsigned';
import { SimRouter } from './router.js';
import { SimSession, type SimLoggedCommand, type SimSessionHost } from './session.js';

export type { SimLoggedCommand } from './session.js';

/** Options of `MikrotikSimulator`. */
export interface MikrotikSimulatorOptions {
  /** `7.18`: RouterOS ≥ 7.18 (`!empty` then `!done` for zero-row prints, NXDOMAIN); `6.49`: bare `!done`, no NXDOMAIN. */
  mode: '6.49' | '7.18';
  /** `/system/resource` version (default `6.49.15 (long-term)` / `7.19.4 (stable)`). */
  version?: string;
  username: string;
  password: string;
  /** Listening port on 127.0.0.1 (0 = any free port, the default). */
  port?: number;
  /** API-SSL with a fresh self-signed certificate. */
  tls?: boolean;
  /** Time each command takes; commands of one connection run one after another. */
  latencyMs?: number;
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

  constructor(private readonly o: MikrotikSimulatorOptions) {
    const v7 = o.mode === '7.18';
    this.router = new SimRouter({
      v7,
      version: o.version ?? (v7 ? '7.19.4 (stable)' : '6.49.15 (long-term)'),
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
    if (this.o.tls === true) {
      const pems = await generate([{ name: 'commonName', value: 'iocwall-lab-mikrotik' }], {
        keyType: 'ec',
        algorithm: 'sha256',
        extensions: [
          { name: 'basicConstraints', cA: true },
          {
            name: 'subjectAltName',
            altNames: [
              { type: 2, value: 'localhost' },
              { type: 7, ip: '127.0.0.1' },
            ],
          },
        ],
      });
      fingerprint = new X509Certificate(pems.cert).fingerprint256;
      server = tls.createServer({ key: pems.private, cert: pems.cert }, onSocket);
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
    const scheme = this.o.tls === true ? 'tls' : 'tcp';
    return { endpoint: `${scheme}://127.0.0.1:${address.port}`, fingerprint };
  }

  /** Stops listening and closes every connection. */
  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private host(): SimSessionHost {
    return {
      router: this.router,
      v718: this.o.mode === '7.18',
      username: this.o.username,
      password: this.o.password,
      legacyLogin: this.o.legacyLogin === true,
      latencyMs: this.o.latencyMs ?? 0,
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
