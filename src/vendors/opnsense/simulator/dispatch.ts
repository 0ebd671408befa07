/**
 * One API request of the simulated OPNsense, from URL to answer, in the order OPNsense's router and
 * `ApiControllerBase` take it: routing (404 before authentication), Basic key/secret, the user's ACL,
 * the JSON body, the POST-only check, then the action. Source: opnsense/core at tag 26.1.9,
 * `src/opnsense/mvc/app/controllers/OPNsense/Base/ApiControllerBase.php` (`beforeExecuteRoute`,
 * `parseJsonBodyData`); the ACL check is modelled in acl.ts.
 */
import type { IncomingMessage } from 'node:http';
import { parseBasicAuth, sameSecret } from '../../simkit/http.js';
import { allowed } from './acl.js';
import {
  BAD_JSON,
  FORBIDDEN,
  NOT_FOUND,
  UNAUTHORIZED,
  UNEXPECTED,
  ok,
  toSnake,
  type RouteTable,
  type SimResponse,
} from './http.js';
import type { SimApiUser } from './options.js';
import { tickRollback, type SimState } from './state.js';
import { finishRefresh } from './tables.js';

/** Who a request's credentials name: the administrator, the read-only user, or a listed user. */
export type SimCaller = 'admin' | 'readonly' | SimApiUser;

/** The API accounts of one simulated device. */
export interface SimAccounts {
  key: string;
  secret: string;
  readOnlyKey?: { key: string; secret: string };
  users?: readonly SimApiUser[];
}

/** Maps a Basic header to a user: the administrator, the read-only user, a listed user, or nobody. */
export function authenticate(accounts: SimAccounts, header: string | undefined): SimCaller | undefined {
  const c = parseBasicAuth(header);
  if (c === undefined || c === null) return undefined;
  const [key, secret] = [c.user, c.password];
  if (sameSecret(key, accounts.key) && sameSecret(secret, accounts.secret)) return 'admin';
  const ro = accounts.readOnlyKey;
  if (ro !== undefined && sameSecret(key, ro.key) && sameSecret(secret, ro.secret)) return 'readonly';
  return accounts.users?.find((u) => sameSecret(key, u.key) && sameSecret(secret, u.secret));
}

/** What the pipeline works on. */
export interface DispatchContext {
  state: SimState;
  routes: RouteTable;
  accounts: SimAccounts;
  /** Injected configd failures by route key (snake_case); each is consumed by the call it answers. */
  failStatus: Map<string, string>;
}

/** Routing (404 before auth), authentication, ACL, body parsing, then the action. */
export function dispatch(
  ctx: DispatchContext,
  method: string,
  url: URL,
  req: IncomingMessage,
  raw: Buffer,
): SimResponse {
  tickRollback(ctx.state);
  finishRefresh(ctx.state);
  const segments = url.pathname.split('/').filter((s) => s !== '');
  if (segments[0] !== 'api' || segments.length < 4) return NOT_FOUND;
  let parts: string[];
  try {
    parts = segments.slice(1).map((s) => decodeURIComponent(s));
  } catch {
    return NOT_FOUND;
  }
  const [module = '', controller = '', action = '', ...params] = parts;
  const routeKey = [module, controller, action].map(toSnake).join('/');
  const route = ctx.routes[routeKey];
  if (route === undefined || params.length < (route.minParams ?? 0)) return NOT_FOUND;
  if (route.available !== undefined && !route.available(ctx.state)) return NOT_FOUND;

  const user = authenticate(ctx.accounts, req.headers.authorization);
  if (user === undefined) return UNAUTHORIZED;
  if (user === 'readonly' && route.mutating) return FORBIDDEN;
  if (typeof user !== 'string' && !allowed(user.privileges, ['api', routeKey, ...params].join('/')))
    return FORBIDDEN;

  let body: Record<string, unknown> = {};
  if ((req.headers['content-type'] ?? '').includes('application/json')) {
    // `parseJsonBodyData` (ApiControllerBase.php 26.1.9) answers 400 only for an *empty* body; JSON
    // that does not parse is treated as an empty POST.
    if (raw.length === 0) return BAD_JSON;
    try {
      const parsed: unknown = JSON.parse(raw.toString('utf8'));
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        body = parsed as Record<string, unknown>;
      }
    } catch {
      body = {};
    }
  }
  if (route.method === 'POST' && method !== 'POST') return ok(route.getFailedBody ?? { result: 'failed' });
  const failed = ctx.failStatus.get(routeKey);
  if (failed !== undefined) {
    ctx.failStatus.delete(routeKey);
    return ok({ status: failed });
  }
  try {
    return route.handle({ method, params, body, query: url.searchParams }, ctx.state);
  } catch {
    // ScalarTypeError and anything unexpected: the generic exception answer.
    return UNEXPECTED;
  }
}
