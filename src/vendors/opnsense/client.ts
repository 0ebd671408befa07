/**
 * Typed OPNsense API calls over the shared transport: Basic auth with key/secret, every answer checked
 * with zod, every failure a secret-free `VendorError` (vendor-opnsense.md §2).
 */
import type { z } from 'zod';
import { VendorError } from '../../errors.js';
import { createHttpClient, type HttpClient } from '../http.js';
import { resolveTlsOptions, type TlsSettings } from '../tls.js';
import { errorBodySchema, resultSchema, statusSchema, tableSizeSchema, type ResultBody } from './schema.js';

/** What the client needs to reach one device. */
export interface OpnsenseClientOptions {
  target: string;
  /** `https://host[:port]` (the API lives below `/api`). */
  endpoint: string;
  key: string;
  secret: string;
  tls: TlsSettings;
  timeoutMs: number;
  readOnly: boolean;
}

/** POST actions that only read (searches whose parameters 26.x reads from the body). */
const READING_POSTS = new Set([
  'firewall/alias/search_item',
  'firewall/filter/search_rule',
  'unbound/settings/search_dnsbl',
  'firewall/alias_util/list',
]);

/**
 * Whether a call changes the device: every POST except the read-only searches above. Action names are
 * compared in snake_case, as OPNsense routes camelCase and snake_case alike.
 */
export function isOpnsenseMutating(method: string, url: string): boolean {
  if (method === 'GET' || method === 'HEAD') return false;
  const [module = '', controller = '', action = ''] = url
    .replace(/^\/+/, '')
    .split(/[/?]/)
    .map((s) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
  return !READING_POSTS.has(`${module}/${controller}/${action}`);
}

/**
 * Actions that take long on a real box and finish there even when the client gave up: saving big
 * aliases or blocklists (opnsense/core #9408, #9456: up to a minute for a few hundred networks on 25.7),
 * the filter reload, the alias refresh and the DNSBL reload. They get `SLOW_CALL_MS` at least.
 */
const SLOW_ACTIONS =
  /^(firewall\/alias\/(add_item|set_item|reconfigure)|firewall\/filter\/apply|unbound\/(settings\/(set|add_dnsbl|set_dnsbl)|service\/dnsbl))(\/|$)/;
/** Timeout of a slow action (per request). */
export const SLOW_CALL_MS = 180_000;

/** The OPNsense API of one device. */
export class OpnsenseClient {
  /** HTTP calls made so far (reported as `ApplyResult.calls`). */
  calls = 0;

  private constructor(
    private readonly http: HttpClient,
    /** The target's name (for error messages). */
    readonly target: string,
    private readonly timeoutMs: number,
  ) {}

  /** Verifies TLS (see `resolveTlsOptions`) and opens the transport. */
  static async connect(o: OpnsenseClientOptions): Promise<OpnsenseClient> {
    const url = new URL(o.endpoint);
    const port = url.port === '' ? 443 : Number(url.port);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const tls = await resolveTlsOptions(o.tls, host, port, o.timeoutMs);
    const http = createHttpClient({
      baseURL: `${url.origin}/api`,
      vendor: 'opnsense',
      target: o.target,
      auth: { username: o.key, password: o.secret },
      tls,
      timeoutMs: o.timeoutMs,
      readOnly: o.readOnly,
      isMutating: isOpnsenseMutating,
    });
    return new OpnsenseClient(http, o.target, o.timeoutMs);
  }

  /** GET `path` (below `/api`) and parse the answer. */
  get<T extends z.ZodType>(path: string, schema: T): Promise<z.output<T>> {
    return this.call('GET', path, undefined, schema);
  }

  /** POST `body` (`{}` when there is none: an empty JSON body is a 400) and parse the answer. */
  post<T extends z.ZodType>(path: string, body: unknown, schema: T): Promise<z.output<T>> {
    return this.call('POST', path, body ?? {}, schema);
  }

  /** A model save (`add_*`/`set_*`): `result` must be `saved`; validations become the error message. */
  async save(path: string, body: unknown): Promise<ResultBody> {
    const r = await this.post(path, body, resultSchema);
    if (r.result !== 'saved') throw this.failed(`POST ${path}`, r);
    return r;
  }

  /**
   * An action whose answer must say it worked: its `status`, trimmed and lower-cased, must be one of
   * `accepted` (e.g. `ok` for `{"status":"OK\n\n"}`). Anything else — `failed`, `error`, a configd error
   * text — is a `VendorError` naming the action, so a change is never reported as applied when it was not.
   */
  async expectStatus(path: string, what: string, accepted: readonly string[] = ['ok']): Promise<void> {
    const r = await this.post(path, {}, statusSchema);
    if (accepted.includes(r.status.trim().toLowerCase())) return;
    throw this.statusError(path, what, [r.status.trim(), r.status_msg].filter((x) => x).join(': '));
  }

  /** The error for an action that answered `status` instead of success. */
  statusError(path: string, what: string, status: string): VendorError {
    return new VendorError(`opnsense ${this.target}: ${what} failed (POST ${path} answered "${status}")`, {
      vendor: 'opnsense',
      target: this.target,
      operation: `POST ${path}`,
      transient: false,
      status: 200,
    });
  }

  /**
   * A cheap call the key is allowed anyway (Firewall: Alias: Edit): proves the device still answers
   * iocwall after a filter change. Not `core/firmware/info`: that needs "System: Firmware", which also
   * allows reboot and upgrade (Core/ACL/ACL.xml).
   */
  async alive(): Promise<void> {
    await this.get('firewall/alias/get_table_size', tableSizeSchema);
  }

  /** Releases the sockets. */
  close(): void {
    this.http.close();
  }

  /** Sends one request and maps OPNsense's status codes (§2). */
  private async call<T extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    schema: T,
  ): Promise<z.output<T>> {
    const operation = `${method} ${path}`;
    this.calls++;
    const slow = SLOW_ACTIONS.test(path.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
    const res = await this.http.axios.request<unknown>({
      method,
      url: path,
      ...(slow ? { timeout: Math.max(this.timeoutMs, SLOW_CALL_MS) } : {}),
      ...(method === 'POST' ? { data: body, headers: { 'Content-Type': 'application/json' } } : {}),
    });
    const details = { vendor: 'opnsense', target: this.target, operation, status: res.status };
    if (res.status !== 200) {
      const e = errorBodySchema.parse(res.data);
      const said = [e.errorTitle, e.errorMessage ?? e.message].filter((x) => x !== undefined).join(': ');
      const what =
        res.status === 401
          ? 'authentication failed (check the API key and secret)'
          : res.status === 403
            ? "forbidden by the API user's privileges"
            : res.status === 404
              ? 'endpoint not found (API or version mismatch)'
              : `HTTP ${res.status}`;
      // A UserException (errorTitle) is the device refusing; other 5xx may pass.
      const transient = res.status >= 500 && e.errorTitle === undefined;
      throw new VendorError(`opnsense ${this.target}: ${operation}: ${what}${said ? ` (${said})` : ''}`, {
        ...details,
        transient,
      });
    }
    const parsed = schema.safeParse(res.data);
    if (!parsed.success) {
      const failed = resultSchema.safeParse(res.data);
      if (failed.success && failed.data.result === 'failed') throw this.failed(operation, failed.data);
      throw new VendorError(
        `opnsense ${this.target}: ${operation}: unexpected answer`,
        {
          ...details,
          transient: false,
        },
        { cause: parsed.error },
      );
    }
    return parsed.data;
  }

  /** A `result: failed` answer as an error listing the device's validation messages. */
  private failed(operation: string, r: ResultBody): VendorError {
    const v = Object.entries(r.validations ?? {}).map(
      ([k, m]) => `${k}: ${Array.isArray(m) ? m.join('; ') : m}`,
    );
    return new VendorError(
      `opnsense ${this.target}: ${operation}: ${r.result ?? 'failed'}${v.length > 0 ? ` (${v.join(', ')})` : ''}`,
      { vendor: 'opnsense', target: this.target, operation, transient: false, status: 200 },
    );
  }
}
