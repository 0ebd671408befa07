/**
 * The request/response vocabulary of the OPNsense simulator: routes, the bodies OPNsense answers with
 * (vendor-opnsense.md §2) and the value coercion every model field goes through (§1: strings everywhere).
 */
import type { SimRecord, SimState } from './state.js';

/** A parsed API request as a handler sees it. */
export interface SimRequest {
  method: string;
  /** Path parameters after `<module>/<controller>/<action>`, URI-decoded. */
  params: string[];
  /** Parsed JSON body (`{}` when none was sent). */
  body: Record<string, unknown>;
  query: URLSearchParams;
}

/** What a handler answers. */
export interface SimResponse {
  status: number;
  body: unknown;
}

/** One API action. */
export interface Route {
  /** `POST` actions answer a GET with `getFailedBody` (OPNsense's `isPost()` check), HTTP 200. */
  method: 'GET' | 'POST' | 'ANY';
  /** Fewer path parameters than this → 404 (as OPNsense's router does). */
  minParams?: number;
  /** Whether the read-only API user's ACL forbids it. */
  mutating: boolean;
  /** Body of a GET on a POST-only action; `{"result":"failed"}` unless set. */
  getFailedBody?: unknown;
  /** Whether the release has this action (404 otherwise); every release when absent. */
  available?: (state: SimState) => boolean;
  handle(req: SimRequest, state: SimState): SimResponse;
}

/** Routes keyed `module/controller/action`, all snake_case. */
export type RouteTable = Record<string, Route>;

/** OPNsense accepts camelCase and snake_case alike: `getAliasUUID` ≡ `get_alias_u_u_i_d`. */
export function toSnake(segment: string): string {
  return segment.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** 200 with a JSON body. */
export function ok(body: unknown): SimResponse {
  return { status: 200, body };
}

/** 404 as the router answers for unknown endpoints (before authentication). */
export const NOT_FOUND: SimResponse = { status: 404, body: { errorMessage: 'Endpoint not found' } };
/** 401 for bad or missing credentials. */
export const UNAUTHORIZED: SimResponse = {
  status: 401,
  body: { status: 401, message: 'Authentication Failed' },
};
/** 403 when the user's ACL does not cover the URI. */
export const FORBIDDEN: SimResponse = { status: 403, body: { status: 403, message: 'Forbidden' } };
/** 400 for a JSON content type with an empty or unparsable body. */
export const BAD_JSON: SimResponse = { status: 400, body: { status: 400, message: 'Invalid JSON syntax' } };
/** 500 for any exception that is not a `UserException`. */
export const UNEXPECTED: SimResponse = {
  status: 500,
  body: { errorMessage: 'Unexpected error, check log for details' },
};

/** A `UserException` answer: 500 with title and message; 26.x adds `errorLevel`. */
export function userException(state: SimState, title: string, message: string): SimResponse {
  const body: Record<string, string> = { errorMessage: message, errorTitle: title };
  if (state.release.line !== '25.7') body.errorLevel = 'error';
  return { status: 500, body };
}

/** Validation messages keyed `<postkey>.<field>`; one message stays a string, several become an array. */
export class Validations {
  private readonly messages = new Map<string, string[]>();

  /** Records a message for a field. */
  add(key: string, message: string): void {
    const list = this.messages.get(key) ?? [];
    if (!list.includes(message)) list.push(message);
    this.messages.set(key, list);
  }

  /** True when nothing was recorded. */
  get empty(): boolean {
    return this.messages.size === 0;
  }

  /** The `{"result":"failed","validations":…}` answer (HTTP 200, as OPNsense does). */
  response(): SimResponse {
    const validations: Record<string, string | string[]> = {};
    for (const [k, v] of this.messages) validations[k] = v.length === 1 ? (v[0] ?? '') : v;
    return ok({ result: 'failed', validations });
  }
}

/** Thrown by `coerce` for a JSON array/object sent for a scalar field (26.x answers 500). */
export class ScalarTypeError extends Error {}

/**
 * Converts a posted value to the string OPNsense stores: numbers and booleans become strings, `null` the
 * empty string. Arrays and objects: 500 in 26.x; 25.7 joined lists with commas (inferred).
 */
export function coerce(state: SimState, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (value === null || value === undefined) return '';
  if (Array.isArray(value) && state.release.line === '25.7')
    return value.map((v) => coerce(state, v)).join(',');
  throw new ScalarTypeError('array or object for a scalar field');
}

/**
 * Applies a partial update: only known fields that were sent change; unknown keys are ignored.
 * @throws ScalarTypeError (→ 500) for structured values in 26.x.
 */
export function mergeFields(
  state: SimState,
  record: Record<string, string>,
  fields: readonly string[],
  posted: unknown,
): void {
  if (typeof posted !== 'object' || posted === null) return;
  const input = posted as Record<string, unknown>;
  for (const field of fields) {
    if (Object.hasOwn(input, field)) record[field] = coerce(state, input[field]);
  }
}

/** The object under the post key (`alias`, `rule`, `blocklist`, …), or undefined. */
export function postKey(req: SimRequest, key: string): Record<string, unknown> | undefined {
  const v = req.body[key];
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

/** A search parameter: from the POST body, and (unless `bodyOnly`) from the query string. */
export function searchParam(req: SimRequest, name: string, bodyOnly: boolean): string | undefined {
  const fromBody = req.body[name];
  if (typeof fromBody === 'string' || typeof fromBody === 'number' || typeof fromBody === 'boolean') {
    return String(fromBody);
  }
  return bodyOnly ? undefined : (req.query.get(name) ?? undefined);
}

/** Paging as OPNsense's grids do: `current` from 1, `rowCount` -1 (or absent) for all rows. */
export function page<T>(
  rows: T[],
  current: number,
  rowCount: number,
): { rows: T[]; current: number; rowCount: number } {
  if (rowCount <= 0) return { rows, current: 1, rowCount: rows.length };
  const start = (Math.max(current, 1) - 1) * rowCount;
  const slice = rows.slice(start, start + rowCount);
  return { rows: slice, current: Math.max(current, 1), rowCount: slice.length };
}

/** `{ key: {value, selected} }` maps, as `get_*` actions return option and list fields. */
export function optionMap(
  options: Record<string, string>,
  selected: readonly string[],
): Record<string, { value: string; selected: number }> {
  const out: Record<string, { value: string; selected: number }> = {};
  for (const [k, label] of Object.entries(options))
    out[k] = { value: label, selected: selected.includes(k) ? 1 : 0 };
  for (const s of selected) out[s] ??= { value: s, selected: 1 };
  return out;
}

/** Splits a CSV field value into its non-empty items. */
export function csv(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Validates a well-formed uuid (OPNsense's model uuids are v4-shaped; any hex uuid is accepted). */
export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

/**
 * The `toggle_*` action every CRUD model shares: `/uuid/0|1` sets `enabled`, `/uuid` alone flips it;
 * answers `Enabled`/`Disabled` with whether anything changed.
 */
export function toggleRoute(records: (state: SimState) => Map<string, SimRecord>): Route {
  return {
    method: 'POST',
    mutating: true,
    minParams: 1,
    handle(req, state) {
      const r = records(state).get(req.params[0] ?? '');
      if (r === undefined) return ok({ result: 'failed' });
      const wanted =
        req.params[1] === '0' || req.params[1] === '1' ? req.params[1] : r.enabled === '1' ? '0' : '1';
      const changed = r.enabled !== wanted;
      r.enabled = wanted;
      return ok({ result: wanted === '1' ? 'Enabled' : 'Disabled', changed });
    },
  };
}

/** The `set_*` action every CRUD model shares: upsert under a well-formed uuid, `failed` otherwise. */
export function setRoute(
  save: (state: SimState, uuid: string, req: SimRequest, isNew: boolean) => SimResponse,
): Route {
  return {
    method: 'POST',
    mutating: true,
    minParams: 1,
    handle(req, state) {
      const uuid = req.params[0] ?? '';
      return isUuid(uuid) ? save(state, uuid.toLowerCase(), req, false) : ok({ result: 'failed' });
    },
  };
}
