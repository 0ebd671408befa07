/**
 * The pfrest (pfSense-pkg-RESTAPI, `/api/v2`) transport of one pfSense device, over the shared HTTPS
 * client (TLS verification or fingerprint pinning from `tls.ts`, read-only guard and secret-free errors
 * from `http.ts`). What pfrest needs that other REST APIs do not (pfsense-facts.md §2–§5):
 * - `Accept: application/json` exactly: a list such as axios' default gets 406
 *   (`Core/ContentHandler.inc` get_encode_mime_type, v2.4.3 … v2.10.0);
 * - control parameters (`async`, `apply`) in the JSON body: the JSON decoder never reads the query string;
 * - every answer is an envelope (`code`, `status`, `response_id`, `message`, `data`), errors included; an
 *   answer without it is nginx (502/504 page, 405 before the web GUI reloaded) or the GUI login page;
 * - Basic auth by default (`auth_methods` default `["BasicAuth"]`), `X-API-Key` when a key is configured:
 *   pfrest uses the first enabled method whose credentials are present and never falls through, so only one
 *   kind is ever sent;
 * - never a plural PUT (replaces every object on the box) or plural DELETE (unknown query keys are ignored,
 *   so one typo deletes everything): this client has no way to send either.
 */
import type { z } from 'zod';
import { VendorError } from '../../errors.js';
import { createHttpClient, type HttpClient } from '../http.js';
import { resolveTlsOptions, type TlsSettings } from '../tls.js';
import { envelopeSchema, type Envelope } from './schema.js';

/** What the client needs to reach one device. */
export interface PfsenseClientOptions {
  target: string;
  /** `https://host[:port]`; the API lives below `/api/v2`. */
  endpoint: string;
  /** A pfSense local user (BasicAuth), unless `apiKey` is set. */
  username?: string;
  password?: string;
  /** A pfrest API key (`KeyAuth` must be enabled on the device). */
  apiKey?: string;
  tls: TlsSettings;
  timeoutMs: number;
  readOnly: boolean;
}

/** Every call that is not a GET changes the device (pfrest has no read-only POSTs the adapter uses). */
export function isPfsenseMutating(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD';
}

/**
 * The privilege pfrest checks for a call: the URL below `/api/` with `/` and `_` turned into `-`, plus the
 * method (`Core/Endpoint.inc` get_method_priv_name), e.g. `api-v2-firewall-alias-patch`.
 */
export function privilegeFor(method: string, path: string): string {
  const clean = path.replace(/^\/+/, '').split('?')[0] ?? '';
  return `api-v2-${clean.replace(/[/_]/g, '-')}-${method.toLowerCase()}`;
}

/** Singular endpoints a DELETE may target (one object by id; plural DELETEs are never sent). */
const SINGULAR_DELETES = new Set(['firewall/alias', 'firewall/rule']);

/** The pfrest API of one device. */
export class PfsenseClient {
  /** HTTP calls made so far (reported as `ApplyResult.calls`). */
  calls = 0;

  private constructor(
    private readonly http: HttpClient,
    /** The target's name (for error messages). */
    readonly target: string,
  ) {}

  /** Verifies TLS (see `resolveTlsOptions`) and opens the transport. */
  static async connect(o: PfsenseClientOptions): Promise<PfsenseClient> {
    const url = new URL(o.endpoint);
    const port = url.port === '' ? 443 : Number(url.port);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const tls = await resolveTlsOptions(o.tls, host, port, o.timeoutMs);
    const auth =
      o.apiKey === undefined && o.username !== undefined && o.password !== undefined
        ? { auth: { username: o.username, password: o.password } }
        : {};
    const http = createHttpClient({
      baseURL: `${url.origin}/api/v2`,
      vendor: 'pfsense',
      target: o.target,
      ...auth,
      headers: { Accept: 'application/json', ...(o.apiKey === undefined ? {} : { 'X-API-Key': o.apiKey }) },
      tls,
      timeoutMs: o.timeoutMs,
      readOnly: o.readOnly,
      isMutating: isPfsenseMutating,
    });
    return new PfsenseClient(http, o.target);
  }

  /** GET `path` (below `/api/v2`) with query parameters, `data` parsed with `schema`. */
  get<T extends z.ZodType>(
    path: string,
    schema: T,
    query: Record<string, string | number> = {},
  ): Promise<z.output<T>> {
    const qs = new URLSearchParams(
      Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]),
    ).toString();
    return this.call('GET', qs === '' ? path : `${path}?${qs}`, undefined, schema);
  }

  /** POST a JSON body (control parameters such as `async` go in it), `data` parsed with `schema`. */
  post<T extends z.ZodType>(path: string, body: Record<string, unknown>, schema: T): Promise<z.output<T>> {
    return this.call('POST', path, body, schema);
  }

  /** PATCH one object (`id` in the body), `data` parsed with `schema`. */
  patch<T extends z.ZodType>(path: string, body: Record<string, unknown>, schema: T): Promise<z.output<T>> {
    return this.call('PATCH', path, body, schema);
  }

  /** DELETE one object by id on a singular endpoint (the only DELETE this client sends). */
  async deleteOne(path: string, id: number): Promise<void> {
    if (!SINGULAR_DELETES.has(path)) {
      throw new VendorError(
        `pfsense ${this.target}: refused DELETE ${path} (only single objects are deleted)`,
        {
          vendor: 'pfsense',
          target: this.target,
          operation: `DELETE ${path}`,
          transient: false,
        },
      );
    }
    await this.call('DELETE', `${path}?id=${id}`, undefined, envelopeSchema.shape.data);
  }

  /** Releases the sockets. */
  close(): void {
    this.http.close();
  }

  /** Sends one request and maps the envelope to `data` or a `VendorError`. */
  private async call<T extends z.ZodType>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    body: Record<string, unknown> | undefined,
    schema: T,
  ): Promise<z.output<T>> {
    const operation = `${method} ${path.split('?')[0] ?? path}`;
    this.calls++;
    const res = await this.http.axios.request<unknown>({
      method,
      url: path,
      ...(body === undefined ? {} : { data: body, headers: { 'Content-Type': 'application/json' } }),
    });
    const details = { vendor: 'pfsense', target: this.target, operation, status: res.status };
    const env = envelopeSchema.safeParse(res.data);
    if (!env.success) {
      // nginx error pages (502/504 after 180 s, 405 before the GUI reloaded) and the GUI login page.
      throw new VendorError(
        `pfsense ${this.target}: ${operation}: HTTP ${res.status} without the API envelope ` +
          `(${res.status === 504 ? 'nginx timed out (180 s)' : res.status === 405 ? 'web GUI not reloaded since the REST API package was installed?' : 'not the REST API: is pfSense-pkg-RESTAPI installed?'})`,
        { ...details, transient: res.status === 502 || res.status === 503 || res.status === 504 },
      );
    }
    if (env.data.code !== 200 || res.status !== 200)
      throw this.failed(operation, method, path, env.data, res.status);
    const parsed = schema.safeParse(env.data.data);
    if (!parsed.success) {
      throw new VendorError(
        `pfsense ${this.target}: ${operation}: unexpected answer`,
        { ...details, transient: false },
        {
          cause: parsed.error,
        },
      );
    }
    return parsed.data;
  }

  /** An error envelope as a `VendorError` naming what the device said and what to do. */
  private failed(operation: string, method: string, path: string, e: Envelope, status: number): VendorError {
    const hint =
      status === 401
        ? 'authentication failed (check username/password or API key, and that the auth method is enabled)'
        : status === 403
          ? `forbidden: the user needs privilege ${privilegeFor(method, path)} (or the API ACL/interface refuses this client)`
          : status === 406
            ? 'the device refused the Accept header'
            : status === 404
              ? 'not found (object id changed, or endpoint missing in this pfrest release)'
              : `HTTP ${status}`;
    return new VendorError(`pfsense ${this.target}: ${operation}: ${hint}: ${e.response_id}: ${e.message}`, {
      vendor: 'pfsense',
      target: this.target,
      operation,
      status,
      // 503: write lock held / queue full / API updating (Retry-After); 5xx from a PHP error is a bug.
      transient: status === 503 || status === 502 || status === 504,
    });
  }
}
