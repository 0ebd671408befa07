/**
 * `/api/firewall/alias_util/*` of the OPNsense simulator (vendor-opnsense.md §4): the live pf tables.
 * `list` shows the running state; `add`/`delete` on host/network aliases also persist to the configuration.
 */
import { aliasByName, contentEntries } from './alias-model.js';
import { entryContains, tableEntry } from './net.js';
import { UNEXPECTED, ok, page, type RouteTable, type SimRequest } from './http.js';
import type { SimState } from './state.js';

/** Characters `alias_util` accepts in an address (anything else → `not_an_address`). */
const ADDRESS_CHARS = /^[0-9a-f:./_]+$/;

/** Resolves the alias of a request, or answers `nonexistent alias`. */
function target(
  state: SimState,
  req: SimRequest,
): { name: string; persist: boolean; uuid: string } | { status: string; status_msg: string } {
  const name = req.params[0] ?? '';
  const hit = aliasByName(state, name);
  if (hit === undefined) return { status: 'failed', status_msg: `nonexistent alias ${name}` };
  return { name, uuid: hit[0], persist: hit[1].type === 'host' || hit[1].type === 'network' };
}

/** Posted `address`, validated as `alias_util` does. */
function address(req: SimRequest): string | undefined {
  const a = req.body.address;
  const value = typeof a === 'string' ? a.trim() : '';
  return ADDRESS_CHARS.test(value) ? value : undefined;
}

/** alias_util routes. */
export const aliasUtilRoutes: RouteTable = {
  'firewall/alias_util/aliases': {
    method: 'ANY',
    mutating: false,
    handle: (_req, state) => ok([...state.tables.keys()].sort()),
  },
  'firewall/alias_util/list': {
    method: 'ANY',
    mutating: false,
    minParams: 1,
    handle(req, state) {
      const entries = state.tables.get(req.params[0] ?? '') ?? [];
      // `listAction` json_decodes the whole `pfctl -T show` output before paging
      // (AliasUtilController.php line 94, 26.1.9): a huge table exhausts PHP's memory (#10854), a fatal
      // error that reaches the client as the generic 500.
      if (entries.length > state.costs.listMaxEntries) return UNEXPECTED;
      const phrase = typeof req.body.searchPhrase === 'string' ? req.body.searchPhrase : '';
      const rows = entries.filter((e) => e.includes(phrase)).map((ip) => ({ ip }));
      // Paging is read from the POST body only (a query string is ignored).
      const current = Number(req.body.current ?? 1);
      const rowCount = Number(req.body.rowCount ?? -1);
      const p = page(rows, current, rowCount);
      return ok({ total: rows.length, rowCount: p.rowCount, current: p.current, rows: p.rows });
    },
  },
  'firewall/alias_util/add': {
    method: 'POST',
    mutating: true,
    minParams: 1,
    getFailedBody: { status: 'failed' },
    handle(req, state) {
      const addr = address(req);
      if (addr === undefined) return ok({ status: 'not_an_address' });
      const t = target(state, req);
      if ('status' in t) return ok(t);
      const table = state.tables.get(t.name) ?? [];
      const entry = tableEntry(addr);
      if (!table.includes(entry)) state.tables.set(t.name, [...table, entry]);
      const record = state.aliases.get(t.uuid);
      if (t.persist && record !== undefined && !contentEntries(record).includes(addr)) {
        record.content = [...contentEntries(record), addr].join('\n');
      }
      return ok({ status: 'done' });
    },
  },
  'firewall/alias_util/delete': {
    method: 'POST',
    mutating: true,
    minParams: 1,
    getFailedBody: { status: 'failed' },
    handle(req, state) {
      const addr = address(req);
      if (addr === undefined) return ok({ status: 'not_an_address' });
      const t = target(state, req);
      if ('status' in t) return ok(t);
      const entry = tableEntry(addr);
      state.tables.set(
        t.name,
        (state.tables.get(t.name) ?? []).filter((e) => e !== entry),
      );
      const record = state.aliases.get(t.uuid);
      if (t.persist && record !== undefined) {
        record.content = contentEntries(record)
          .filter((e) => e !== addr && tableEntry(e) !== entry)
          .join('\n');
      }
      return ok({ status: 'done' });
    },
  },
  'firewall/alias_util/flush': {
    method: 'POST',
    mutating: true,
    minParams: 1,
    getFailedBody: { status: 'failed' },
    handle(req, state) {
      const t = target(state, req);
      if ('status' in t) return ok(t);
      state.tables.set(t.name, []);
      return ok({ status: 'done' });
    },
  },
  'firewall/alias_util/find_references': {
    method: 'POST',
    mutating: false,
    getFailedBody: { status: 'failed' },
    handle(req, state) {
      const ip = typeof req.body.ip === 'string' ? req.body.ip : '';
      const matches = [...state.tables]
        .filter(([, entries]) => entries.some((e) => entryContains(e, ip)))
        .map(([name]) => name)
        .sort();
      return ok({ status: 'ok', matches });
    },
  },
};
