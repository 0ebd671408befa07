/**
 * The one HTTP transport of the HTTPS vendors: axios over a single keep-alive agent per device, with the
 * device's TLS verification, secret-free error mapping and the read-only guarantee of `audit`/`plan`.
 */
import * as https from 'node:https';
import type * as tls from 'node:tls';
import axios, { AxiosError, type AxiosInstance, type InternalAxiosRequestConfig } from 'axios';
import { ReadOnlyViolationError, VendorError } from '../errors.js';
import { untrustedCertificateHint } from './tls.js';
import type { VendorId } from './types.js';

/** Everything the transport needs for one device. */
export interface HttpClientOptions {
  /** e.g. `https://fw.example:443/api` — every request URL is relative to it. */
  baseURL: string;
  vendor: VendorId;
  /** Target name, used in error messages. */
  target: string;
  /** HTTP Basic credentials; never appear in errors. */
  auth?: { username: string; password: string };
  headers?: Record<string, string>;
  /** From `resolveTlsOptions`. */
  tls: tls.ConnectionOptions;
  timeoutMs: number;
  /** When true, every call `isMutating` flags is refused before anything is sent. */
  readOnly: boolean;
  /** The vendor's knowledge of which calls change the device (method + URL relative to `baseURL`). */
  isMutating: (method: string, url: string) => boolean;
}

/** An axios instance bound to one device, and the means to release its sockets. */
export interface HttpClient {
  axios: AxiosInstance;
  close(): void;
}

/** TLS verification failures: retrying does not help, the configuration must change. */
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
]);

/**
 * Builds the transport for one device. Adapters read status codes themselves (`validateStatus` accepts
 * everything); network failures become `VendorError` (transient unless TLS verification failed); absolute
 * URLs and redirects are refused so a request never leaves the configured device.
 */
export function createHttpClient(o: HttpClientOptions): HttpClient {
  const agent = new https.Agent({ ...o.tls, keepAlive: true, maxSockets: 4 });
  const instance = axios.create({
    baseURL: o.baseURL,
    allowAbsoluteUrls: false,
    maxRedirects: 0,
    timeout: o.timeoutMs,
    httpsAgent: agent,
    proxy: false,
    validateStatus: () => true,
    ...(o.auth === undefined ? {} : { auth: o.auth }),
    headers: { Accept: 'application/json', ...o.headers },
    maxContentLength: 256 * 1024 * 1024,
  });
  instance.interceptors.request.use((config: InternalAxiosRequestConfig) => {
    const method = (config.method ?? 'get').toUpperCase();
    const url = config.url ?? '';
    if (o.readOnly && o.isMutating(method, url)) {
      throw new ReadOnlyViolationError(`read-only transport refused ${method} ${url} on ${o.target}`, {
        vendor: o.vendor,
        target: o.target,
        operation: `${method} ${url}`,
        transient: false,
      });
    }
    return config;
  });
  instance.interceptors.response.use(undefined, (err: unknown) => {
    throw toVendorError(err, o);
  });
  return { axios: instance, close: () => agent.destroy() };
}

/**
 * Maps what axios throws to a `VendorError` naming target and operation. The axios error itself is not
 * kept as `cause`: its `config` carries the credentials, and causes get logged.
 */
function toVendorError(err: unknown, o: HttpClientOptions): VendorError {
  if (err instanceof VendorError) return err;
  if (!(err instanceof AxiosError)) {
    return new VendorError(`${o.vendor} ${o.target}: request failed`, { vendor: o.vendor, target: o.target });
  }
  const operation = `${(err.config?.method ?? 'get').toUpperCase()} ${err.config?.url ?? ''}`;
  const code = err.code ?? (err.cause as { code?: string } | undefined)?.code ?? '';
  const reason = sanitise(err.message, o);
  if (TLS_CODES.has(code) || /fingerprint mismatch|certificate/i.test(reason)) {
    const hint = untrustedCertificateHint(code);
    return new VendorError(
      `TLS verification of ${o.target} failed (${code || reason}); request not sent${hint ? `: ${hint}` : ''}`,
      {
        vendor: o.vendor,
        target: o.target,
        operation,
        transient: false,
      },
    );
  }
  const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(reason);
  const what = timedOut ? `timed out after ${o.timeoutMs} ms` : code || reason;
  return new VendorError(
    `${o.vendor} ${o.target}: ${operation} failed: ${what}`,
    { vendor: o.vendor, target: o.target, operation, transient: true },
    { cause: Object.assign(new Error(reason), { code }) },
  );
}

/** Removes any credential that could have slipped into a low-level message. */
function sanitise(message: string, o: HttpClientOptions): string {
  let out = message;
  for (const secret of [o.auth?.username, o.auth?.password, ...Object.values(o.headers ?? {})]) {
    if (secret !== undefined && secret.length >= 4) out = out.split(secret).join('***');
  }
  return out;
}
