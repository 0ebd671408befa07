/**
 * The SFOS XML API transport (sophos-facts.md §1–§4): every request is one `reqxml` form field POSTed to
 * `/webconsole/APIController`, carrying the login (there is no session, §1.5). HTTP is 200 for every API
 * answer (§1.3), so success and failure are read from the XML: top-level 532/534, the Login status, and a
 * `<Status code>` per entity. Codes mean different things per entity and operation (§4), so each error
 * names the operation and quotes the device's text.
 */
import { ReadOnlyViolationError, VendorError } from '../../errors.js';
import { createHttpClient, type HttpClient } from '../http.js';
import { resolveTlsOptions, type TlsSettings } from '../tls.js';
import { documentSchema, entityElementSchema, type ApiStatus } from './schema.js';
import { buildXml, children, parseXml, type XmlNode } from './xml.js';

/** What the client needs to reach one device. */
export interface SophosClientOptions {
  target: string;
  /** `https://host:port` (the API lives at `/webconsole/APIController` below it). */
  endpoint: string;
  username: string;
  password: string;
  tls: TlsSettings;
  timeoutMs: number;
  readOnly: boolean;
}

/** The API path below the endpoint (D-API185). */
export const API_PATH = '/webconsole/APIController';

/**
 * Zero-record answers are a code-less Status whose wording differs by release: "Number of records Zero."
 * (19.5, SDK tests) and "No. of records Zero." (22.0, JW "real SFOS answer"). Only this wording means
 * "empty"; other code-less statuses (`Transaction fail`) are errors (§3.5).
 */
export function isZeroRecords(text: string): boolean {
  return /^(Number|No\.) of records Zero\.?$/i.test(text.trim());
}

/** Success codes: 200 applied, 202 renamed+updated, 216 and 201/203/211–215/217/222 success variants (§4). */
export function isSuccess(code: number | undefined): boolean {
  return code !== undefined && code >= 200 && code < 300;
}

/** What a failing code means for the operation (§4, per entity and operation). */
function meaning(code: number | undefined, op: string): string {
  switch (code) {
    case 500:
      return op === 'Remove' ? 'object in use, nothing deleted' : 'operation could not be performed';
    case 501:
      return 'validation failed (a field or a referenced member is invalid)';
    case 502:
      return 'an object with the same name already exists';
    case 503:
      return 'an object with the same details exists, or a creation limit is reached';
    case 504:
    case 510:
      return 'object referred by another entity (in use), nothing deleted';
    case 526:
      return 'record does not exist';
    case 528:
      return 'default entities are not editable';
    case 529:
      return 'the device could not read the request';
    case 541:
      return 'more than 1024 objects selected in a rule (reference groups, not hosts)';
    case 596:
      return 'managed by Sophos Central, not changeable locally';
    case undefined:
      return 'no status code';
    default:
      return `status ${code}`;
  }
}

/** One write result (`Set`) or one per-name result (`Remove`). */
export type WriteStatus = ApiStatus;

/** The SFOS XML API of one device. */
export class SophosClient {
  /** Requests sent (reported as `ApplyResult.calls`). */
  calls = 0;
  /** APIVersion the device answered with (e.g. `2200.1`), after the first request. */
  apiVersion = '';

  private constructor(
    private readonly http: HttpClient,
    private readonly o: SophosClientOptions,
  ) {}

  /** Verifies TLS (see `resolveTlsOptions`) and opens the transport. */
  static async connect(o: SophosClientOptions): Promise<SophosClient> {
    const url = new URL(o.endpoint);
    const port = url.port === '' ? 443 : Number(url.port);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const tls = await resolveTlsOptions(o.tls, host, port, o.timeoutMs);
    const http = createHttpClient({
      baseURL: url.origin,
      vendor: 'sophos',
      target: o.target,
      headers: { Accept: 'application/xml, text/xml' },
      tls,
      timeoutMs: o.timeoutMs,
      readOnly: o.readOnly,
      // Every call is a POST to one URL: whether it writes is in the XML, so `write()` guards it below.
      isMutating: () => false,
    });
    return new SophosClient(http, o);
  }

  /** A request with only `<Login>`: the credential test (SDK `login()`); returns the APIVersion. */
  async login(): Promise<string> {
    await this.send({}, 'Login');
    return this.apiVersion;
  }

  /** All records of an entity type, in the device's order (FirewallRule: evaluation order, §6.2). */
  async get(tag: string): Promise<XmlNode[]> {
    const resp = await this.send({ Get: { [tag]: '' } }, `Get ${tag}`);
    const elements = children(resp, tag);
    const records: XmlNode[] = [];
    for (const el of elements) {
      const parsed = entityElementSchema.safeParse(el);
      if (!parsed.success) throw this.unexpected(`Get ${tag}`);
      // A record has a Name; a holder without one carries an API status (§3.6).
      if (parsed.data.Name !== undefined) {
        records.push(el);
        continue;
      }
      const status = parsed.data.Status?.[0];
      if (status !== undefined && status.code === undefined && isZeroRecords(status.text)) continue;
      throw this.statusError(`Get ${tag}`, status);
    }
    return records;
  }

  /** `Set operation="add|update"` of one object; throws unless the device answers a success code. */
  async set(op: 'add' | 'update', tag: string, record: XmlNode): Promise<void> {
    const operation = `Set ${op} ${tag}`;
    this.guard(operation);
    const resp = await this.send({ Set: { '@_operation': op, [tag]: record } }, operation);
    const status = this.statusesOf(resp, tag, operation)[0];
    if (!isSuccess(status?.code)) throw this.statusError(operation, status, nameOf(record));
  }

  /**
   * `Remove` of several objects of one type in one request (JW `Remove-SfosFQDNHostMass`); the answer
   * has one Status per name (§2.3), returned in request order for the caller to judge: a 200 may be a
   * silent no-op and an in-use refusal is not fatal for every caller.
   */
  async remove(tag: string, names: readonly string[]): Promise<WriteStatus[]> {
    const operation = `Remove ${tag}`;
    this.guard(operation);
    if (names.length === 0) return [];
    const resp = await this.send({ Remove: { [tag]: { Name: [...names] } } }, operation);
    return this.statusesOf(resp, tag, operation);
  }

  /** The error for a failed status (exported for callers judging `remove` results). */
  statusError(operation: string, status: ApiStatus | undefined, object?: string): VendorError {
    const code = status?.code;
    const said = status?.text ? ` ("${status.text}")` : '';
    return new VendorError(
      `sophos ${this.o.target}: ${operation}${object ? ` ${object}` : ''}: ${meaning(code, operation.split(' ')[0] ?? '')}${said}`,
      {
        vendor: 'sophos',
        target: this.o.target,
        operation,
        transient: false,
        ...(code === undefined ? {} : { status: code }),
      },
    );
  }

  /** Releases the sockets. */
  close(): void {
    this.http.close();
  }

  /** Refuses a write on a read-only transport before anything is sent. */
  private guard(operation: string): void {
    if (!this.o.readOnly) return;
    throw new ReadOnlyViolationError(`read-only transport refused ${operation} on ${this.o.target}`, {
      vendor: 'sophos',
      target: this.o.target,
      operation,
      transient: false,
    });
  }

  private statusesOf(resp: XmlNode, tag: string, operation: string): ApiStatus[] {
    const el = children(resp, tag)[0];
    const parsed = entityElementSchema.safeParse(el);
    if (el === undefined || !parsed.success) throw this.unexpected(operation);
    return parsed.data.Status ?? [];
  }

  /** Sends one request (login first, §2.1) and checks the envelope; returns the `<Response>` element. */
  private async send(body: XmlNode, operation: string): Promise<XmlNode> {
    const reqxml = buildXml({
      Request: {
        Login: {
          Username: this.o.username,
          Password: { '@_passwordform': 'plain', '#text': this.o.password },
        },
        ...body,
      },
    });
    this.calls++;
    // URLSearchParams percent-encodes `&` and `=`: a raw `&` would cut the field short (529, §1.2).
    const res = await this.http.axios.post<string>(API_PATH, new URLSearchParams({ reqxml }).toString(), {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      responseType: 'text',
      transformResponse: (x: unknown) => x,
    });
    if (res.status !== 200) {
      throw new VendorError(`sophos ${this.o.target}: ${operation}: HTTP ${res.status}`, {
        vendor: 'sophos',
        target: this.o.target,
        operation,
        transient: res.status >= 500,
        status: res.status,
      });
    }
    let doc: unknown;
    try {
      doc = parseXml(res.data);
    } catch {
      throw this.unexpected(operation);
    }
    const parsed = documentSchema.safeParse(doc);
    if (!parsed.success) throw this.unexpected(operation);
    const resp = parsed.data.Response;
    this.apiVersion = resp['@_APIVersion'] ?? this.apiVersion;
    const top = resp.Status?.[0];
    if (top !== undefined) throw this.topLevelError(operation, top);
    const login = resp.Login?.status.trim();
    if (login !== 'Authentication Successful') {
      throw new VendorError(
        `sophos ${this.o.target}: ${operation}: authentication failed (check the API user's name and password)`,
        { vendor: 'sophos', target: this.o.target, operation, transient: false, status: 401 },
      );
    }
    return (doc as { Response: XmlNode }).Response;
  }

  /** Top-level statuses refuse the whole request before login (§3.3). */
  private topLevelError(operation: string, s: ApiStatus): VendorError {
    const what =
      s.code === 532
        ? 'the API is not enabled on the device (API configuration is off)'
        : s.code === 534
          ? 'this client address is not in the API allow-list (SFOS ≤21.5: Backup & firmware › API; 22.0: Administration › API, IP host objects)'
          : s.code === 529
            ? 'the device could not read the request'
            : `refused with status ${s.code ?? 'without code'}`;
    return new VendorError(`sophos ${this.o.target}: ${operation}: ${what} ("${s.text}")`, {
      vendor: 'sophos',
      target: this.o.target,
      operation,
      transient: false,
      ...(s.code === undefined ? {} : { status: s.code }),
    });
  }

  private unexpected(operation: string): VendorError {
    return new VendorError(`sophos ${this.o.target}: ${operation}: unexpected answer`, {
      vendor: 'sophos',
      target: this.o.target,
      operation,
      transient: false,
    });
  }
}

/** The first `Name` of a record. */
function nameOf(record: XmlNode): string | undefined {
  const n = record.Name;
  const first = Array.isArray(n) ? n[0] : n;
  return typeof first === 'string' ? first : undefined;
}
