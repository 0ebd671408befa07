/**
 * The HTTPS listener of a simulated device: a fresh self-signed certificate (certificate.ts), a server on
 * loopback, and a stop that drops every open connection, so a test or the lab never waits for a client's
 * keep-alive socket to go idle.
 */
import * as https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { deviceCertificate } from './certificate.js';

/** Where a simulated device's HTTPS server listens. */
export interface SimHttpsOptions {
  /** The certificate's common name, as the device presents it (e.g. `OPNsense.localdomain`). */
  commonName: string;
  /** Listening address; default 127.0.0.1. */
  host?: string;
  /** Listening port; 0 (default) picks a free one. */
  port?: number;
  /** TCP keep-alive on accepted sockets (Node's `keepAlive` server option). */
  keepAlive?: boolean;
}

/** A listening simulator server. */
export interface SimHttpsServer {
  /** `https://HOST:PORT` (an IPv6 host in brackets). */
  endpoint: string;
  port: number;
  /** sha256 of the certificate, colon-separated upper-case hex. */
  fingerprint: string;
  /** The self-signed certificate (its own CA). */
  caPem: string;
  /** Stops listening and drops open connections. */
  stop(): Promise<void>;
}

/** Generates the device certificate and starts listening; rejects when the address cannot be bound. */
export async function startHttpsServer(
  options: SimHttpsOptions,
  onRequest: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<SimHttpsServer> {
  const cert = await deviceCertificate(options.commonName);
  const server = https.createServer(
    { key: cert.key, cert: cert.cert, ...(options.keepAlive === true ? { keepAlive: true } : {}) },
    onRequest,
  );
  // Raw sockets, a TLS handshake in progress included, which `closeAllConnections` does not know yet.
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpointHost = host.includes(':') ? `[${host}]` : host;
  return {
    endpoint: `https://${endpointHost}:${port}`,
    port,
    fingerprint: cert.fingerprint,
    caPem: cert.cert,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
      }),
  };
}
