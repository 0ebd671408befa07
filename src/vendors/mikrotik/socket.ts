/**
 * Opening the socket to a router: TCP or API-SSL (with the CA/fingerprint settings of `../tls.ts`), with
 * a connect timeout and the one TLS refusal users meet on a factory api-ssl explained.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { VendorError } from '../../errors.js';
import { resolveTlsOptions, untrustedCertificateHint, type TlsSettings } from '../tls.js';

/** How to reach and authenticate to one router. */
export interface RouterOsClientOptions {
  /** `tcp://host[:8728]` or `tls://host[:8729]`. */
  endpoint: string;
  username: string;
  password: string;
  /** Connect timeout, and the longest silence tolerated while commands are pending. */
  timeoutMs: number;
  /**
   * Longest silence tolerated while a `print` is pending (default `timeoutMs`): the router answers a
   * query only after scanning the whole menu, ~1.9 s per 23k rows, longer while other commands compete.
   */
  scanTimeoutMs?: number;
  /** Refuse every command that is not a read (audit, plan). */
  readOnly: boolean;
  tls?: TlsSettings;
  /** Target name for errors and logs. */
  target: string;
}

/**
 * What to tell a user whose API-SSL refuses the handshake. RouterOS's api-ssl without a certificate
 * speaks only anonymous Diffie-Hellman (manual "API": "Without a certificate provided in the /ip service
 * settings, the client must use an anonymous Diffie-Hellman cipher"); iocwall will not use a cipher that
 * proves nothing about the server (firmware-fidelity M6).
 */
export const NO_CERTIFICATE_HINT =
  'the TLS handshake was refused (no shared cipher). RouterOS API-SSL without a certificate speaks only ' +
  'anonymous Diffie-Hellman, which iocwall refuses because it cannot verify the router. Give the service a ' +
  'certificate (/certificate add name=api-ssl common-name=<router> key-usage=tls-server; /certificate sign ' +
  'api-ssl; /ip service set api-ssl certificate=api-ssl) and pin it with tls.fingerprint or tls.caFile';

/** An OpenSSL handshake alert from the server (no cipher suite both sides accept). */
function isHandshakeRefusal(err: Error): boolean {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  return (
    code === 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE' ||
    /handshake failure|no shared cipher/i.test(err.message)
  );
}

/** TLS options (fingerprint pinning probes the certificate first, and meets the same refusal). */
export async function tlsFor(
  o: RouterOsClientOptions,
  host: string,
  port: number,
): Promise<tls.ConnectionOptions> {
  try {
    return await resolveTlsOptions(o.tls ?? {}, host, port, o.timeoutMs);
  } catch (err) {
    const cause = err instanceof VendorError ? err.cause : undefined;
    if (
      !(cause instanceof Error && isHandshakeRefusal(cause)) &&
      !(err instanceof Error && isHandshakeRefusal(err))
    )
      throw err;
    throw new VendorError(
      `cannot connect to ${o.target} (${host}:${port}): ${NO_CERTIFICATE_HINT}`,
      { vendor: 'mikrotik', target: o.target, operation: 'connect', transient: false },
      { cause: err },
    );
  }
}

export function openSocket(
  host: string,
  port: number,
  o: RouterOsClientOptions,
  tlsOptions: tls.ConnectionOptions | undefined,
): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket =
      tlsOptions === undefined
        ? net.connect({ host, port })
        : tls.connect({ ...tlsOptions, host, port, servername: net.isIP(host) === 0 ? host : undefined });
    const fail = (why: string, cause?: unknown, transient = true): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(
        new VendorError(
          `cannot connect to ${o.target} (${host}:${port}): ${why}`,
          { vendor: 'mikrotik', target: o.target, operation: 'connect', transient },
          { cause },
        ),
      );
    };
    const timer = setTimeout(() => fail(`timed out after ${o.timeoutMs} ms`), o.timeoutMs);
    socket.once('error', (err: Error) => {
      const untrusted = untrustedCertificateHint((err as NodeJS.ErrnoException).code);
      if (tlsOptions !== undefined && isHandshakeRefusal(err)) fail(NO_CERTIFICATE_HINT, err, false);
      else if (tlsOptions !== undefined && untrusted) fail(`${err.message}: ${untrusted}`, err, false);
      else fail(err.message, err);
    });
    socket.once(tlsOptions === undefined ? 'connect' : 'secureConnect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}
