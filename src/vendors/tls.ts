/**
 * TLS settings shared by every HTTPS vendor: how iocwall decides that it talks to the firewall it was
 * configured for before a single byte of a request (and so of a credential) leaves the process.
 */
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as tls from 'node:tls';
import { VendorError } from '../errors.js';

/** How a target's certificate is verified (one of them; the default is the system CA store). */
export interface TlsSettings {
  /** PEM file holding the only CA(s) trusted for this device. */
  caFile?: string;
  /** PEM text holding the only CA(s) trusted for this device. */
  ca?: string;
  /** sha256 fingerprint of the device certificate (self-signed firewall certificates). */
  fingerprint?: string;
  /** Turns verification off. The caller must log a loud warning when `insecureTls()` reports it. */
  insecure?: boolean;
}

/** Time allowed for the fingerprint probe connection when the caller gives none. */
const PROBE_TIMEOUT_MS = 10_000;

/**
 * Canonical form of a sha256 fingerprint: upper-case hex pairs joined by colons (Node's
 * `fingerprint256` format). Accepts `sha256:AB:CD…`, `AB:CD…`, `abcd…`, any case, spaces ignored.
 * @throws VendorError when the value is not 32 bytes of hex.
 */
export function normaliseFingerprint(fp: string): string {
  const hex = fp
    .trim()
    .replace(/^sha-?256[:=]?/i, '')
    .replace(/[\s:]/g, '')
    .toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) {
    throw new VendorError('TLS fingerprint must be a sha256 digest (64 hex digits)', {
      vendor: 'tls',
      transient: false,
    });
  }
  return hex.replace(/(..)(?!$)/g, '$1:');
}

/** True when the settings disable certificate verification (the caller logs a loud warning). */
export function insecureTls(settings: TlsSettings): boolean {
  return settings.insecure === true;
}

/**
 * Connection options that verify the device:
 * - `insecure`: no verification at all (`rejectUnauthorized: false`); see `insecureTls`.
 * - `fingerprint`: one probe connection reads the presented certificate without sending anything; if its
 *   sha256 matches the pin, the presented chain becomes the only trusted CA (a self-signed certificate is its
 *   own CA) and `checkServerIdentity` re-checks the fingerprint on every later connection (the pin replaces
 *   hostname matching). A mismatch throws before any request is made.
 * - `ca`/`caFile`: that PEM is the only trusted CA, hostnames are checked as usual.
 * - otherwise: the system CA store, hostnames checked.
 * @throws VendorError (not transient) on a fingerprint mismatch or an unreadable CA file; (transient) when
 *   the probe cannot connect.
 */
export async function resolveTlsOptions(
  settings: TlsSettings,
  host: string,
  port: number,
  /** How long the fingerprint probe may take: the target's own `timeoutMs`, as every other call. */
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<tls.ConnectionOptions> {
  if (settings.insecure === true) return { rejectUnauthorized: false };
  if (settings.fingerprint !== undefined) {
    const expected = normaliseFingerprint(settings.fingerprint);
    const chain = await probeChain(host, port, timeoutMs);
    const leaf = chain[0];
    if (leaf?.fingerprint256 !== expected) {
      throw new VendorError(
        `TLS certificate fingerprint mismatch for ${host}: expected ${expected}, got ${leaf?.fingerprint256 ?? 'no certificate'}`,
        { vendor: 'tls', target: host, operation: 'tls', transient: false },
      );
    }
    return {
      ca: chain.map((c) => c.toString()),
      rejectUnauthorized: true,
      checkServerIdentity: (_hostname, cert) =>
        cert.fingerprint256 === expected
          ? undefined
          : new Error(
              `TLS certificate fingerprint mismatch: expected ${expected}, got ${cert.fingerprint256}`,
            ),
    };
  }
  if (settings.ca !== undefined) return { ca: settings.ca, rejectUnauthorized: true };
  if (settings.caFile !== undefined) {
    let ca: string;
    try {
      ca = await readFile(settings.caFile, 'utf8');
    } catch (err) {
      throw new VendorError(
        `cannot read TLS CA file ${settings.caFile}`,
        { vendor: 'tls', transient: false },
        {
          cause: err,
        },
      );
    }
    return { ca, rejectUnauthorized: true };
  }
  return { rejectUnauthorized: true };
}

/**
 * Opens one TLS connection without verification, reads the presented chain (leaf first) and closes it.
 * Nothing is written on the socket apart from the handshake.
 */
function probeChain(host: string, port: number, timeoutMs: number): Promise<X509Certificate[]> {
  return new Promise((resolve, reject) => {
    const servername = /^[\d.]+$|:/.test(host) ? undefined : host;
    const socket = tls.connect({
      host,
      port,
      servername,
      rejectUnauthorized: false,
      timeout: timeoutMs,
    });
    const fail = (err: Error): void => {
      socket.destroy();
      reject(
        new VendorError(
          `TLS probe of ${host}:${port} failed: ${err.message}`,
          {
            vendor: 'tls',
            target: host,
            operation: 'tls probe',
            transient: true,
          },
          { cause: err },
        ),
      );
    };
    socket.once('error', fail);
    socket.once('timeout', () => fail(new Error(`timed out after ${timeoutMs} ms`)));
    socket.once('secureConnect', () => {
      const chain: X509Certificate[] = [];
      const seen = new Set<string>();
      // An empty object when the server sent no certificate, hence Partial.
      let peer = socket.getPeerCertificate(true) as Partial<tls.DetailedPeerCertificate> | undefined;
      while (peer?.raw !== undefined && peer.fingerprint256 !== undefined && !seen.has(peer.fingerprint256)) {
        seen.add(peer.fingerprint256);
        chain.push(new X509Certificate(peer.raw));
        peer = peer.issuerCertificate;
      }
      socket.destroy();
      resolve(chain);
    });
  });
}

/** Codes of a certificate no trusted CA vouches for: a firewall's own self-signed one, most often. */
const UNTRUSTED_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
]);

/**
 * The fix for a certificate no trusted CA vouches for (`code`: Node's verification error code), said where
 * the error is met; undefined for any other code. The fingerprint is to be read on the device itself (its
 * console or web UI), never copied from what this connection was shown: that could be an interceptor's.
 */
export function untrustedCertificateHint(code: string | undefined): string | undefined {
  if (code === undefined || !UNTRUSTED_CODES.has(code)) return undefined;
  return (
    "pin the firewall's own certificate with tls.fingerprint (sha256, read from the device's console or web " +
    'UI) or give the CA that signed it with tls.caFile'
  );
}
