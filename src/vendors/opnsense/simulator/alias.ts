/**
 * `/api/firewall/alias/*` of the OPNsense simulator (vendor-opnsense.md §3): CRUD on the alias
 * configuration. Nothing here touches the pf tables except `reconfigure`.
 */
import { randomUUID } from 'node:crypto';
import { ALIAS_FIELDS, aliasDefaults, loadFilter, type SimRecord, type SimState } from './state.js';
import { aliasByName, contentEntries, getItemBody, searchRow, validateAlias } from './alias-model.js';
import { syncRefresh } from './tables.js';
import {
  csv,
  isUuid,
  mergeFields,
  ok,
  page,
  postKey,
  searchParam,
  userException,
  type RouteTable,
  type SimRequest,
  type SimResponse,
  toggleRoute,
} from './http.js';

/** Saves a posted alias under `uuid` (new or existing), answering as `add_item`/`set_item` do. */
function saveAlias(state: SimState, uuid: string, req: SimRequest, isNew: boolean): SimResponse {
  const posted = postKey(req, 'alias');
  const existing = state.aliases.get(uuid);
  const record: SimRecord = { ...(existing ?? aliasDefaults()) };
  mergeFields(state, record, ALIAS_FIELDS, posted);
  const v = validateAlias(state, uuid, record);
  if (!v.empty) return v.response();
  const oldName = existing?.name;
  // Saving big network aliases is slow on the real box (opnsense/core #9408, #9456).
  state.pendingCostMs += contentEntries(record).length * state.costs.saveMsPerEntry;
  state.aliases.set(uuid, record);
  if (oldName !== undefined && oldName !== record.name) renameReferences(state, oldName, record.name ?? '');
  return ok(isNew ? { result: 'saved', uuid } : { result: 'saved' });
}

/** Renaming an alias rewrites every reference to it (rules and nested alias content). */
function renameReferences(state: SimState, from: string, to: string): void {
  const swap = (list: string): string =>
    list
      .split(',')
      .map((x) => (x === from ? to : x))
      .join(',');
  for (const rule of state.rules.values()) {
    rule.source_net = swap(rule.source_net ?? '');
    rule.destination_net = swap(rule.destination_net ?? '');
  }
  for (const alias of state.aliases.values()) {
    alias.content = contentEntries(alias)
      .map((e) => (e === from ? to : e))
      .join('\n');
  }
  const table = state.tables.get(from);
  if (table !== undefined) {
    state.tables.delete(from);
    state.tables.set(to, table);
  }
}

/**
 * Who uses alias `name`: `Alias::whereUsed()` searches the whole configuration for the name
 * (models/OPNsense/Firewall/Alias.php, 25.7.5 and 26.1.9: `searchConfig`), so automation rules, nested
 * aliases, legacy filter rules, NAT rules and plugin settings all count.
 */
function usersOf(state: SimState, name: string): string[] {
  const users: string[] = [];
  for (const rule of state.rules.values()) {
    if ([...csv(rule.source_net), ...csv(rule.destination_net)].includes(name)) {
      users.push(`[OPNsense.Firewall.Filter.rules.rule] ${rule.description ?? ''}`.trim());
    }
  }
  for (const alias of state.aliases.values()) {
    if (alias.name !== name && contentEntries(alias).includes(name))
      users.push(`[OPNsense.Firewall.Alias.aliases.alias] ${alias.name ?? ''}`);
  }
  for (const l of state.legacyRules) if (l.destination === name) users.push(`[filter.rule] ${l.description}`);
  for (const ref of state.configReferences)
    if (ref.text.split(/[\s,]+/).includes(name)) users.push(`[${ref.section}] ${ref.text}`);
  return users;
}

/**
 * `reconfigure` (AliasController.php `reconfigureAction`, 26.1.9): `filter reload skip_alias`, then the
 * synchronous `filter refresh_aliases`, whose messages become a UserException "Alias" (HTTP 500). While
 * the detached refresh of an earlier `filter/apply` holds the lock, the synchronous one is a no-op and
 * this answers ok (see tables.ts).
 */
function reconfigure(state: SimState): SimResponse {
  loadFilter(state);
  const messages = syncRefresh(state);
  if (messages.length > 0) return userException(state, 'Alias', messages.join('\n'));
  return ok({ status: 'ok' });
}

/** Alias routes. */
export const aliasRoutes: RouteTable = {
  'firewall/alias/search_item': {
    method: 'ANY',
    mutating: false,
    handle(req, state) {
      const phrase = (searchParam(req, 'searchPhrase', false) ?? '').toLowerCase();
      const types = req.query.getAll('type[]');
      const bodyTypes = req.body.type;
      if (Array.isArray(bodyTypes)) types.push(...bodyTypes.map(String));
      let rows = [...state.aliases]
        .filter(([, r]) => types.length === 0 || types.includes(r.type ?? ''))
        .filter(
          ([, r]) =>
            phrase === '' ||
            (r.name ?? '').toLowerCase().includes(phrase) ||
            (r.description ?? '').toLowerCase().includes(phrase),
        )
        .map(([uuid, r]) => searchRow(state, uuid, r));
      rows = rows.sort((a, b) => String(a.name).localeCompare(String(b.name)));
      const current = Number(searchParam(req, 'current', false) ?? 1);
      const rowCount = Number(searchParam(req, 'rowCount', false) ?? -1);
      const p = page(rows, current, rowCount);
      return ok({ total: rows.length, rowCount: p.rowCount, current: p.current, rows: p.rows });
    },
  },
  'firewall/alias/get_item': {
    method: 'ANY',
    mutating: false,
    handle(req, state) {
      const uuid = req.params[0] ?? '';
      const r = state.aliases.get(uuid);
      if (r === undefined) {
        const names = Object.fromEntries(
          [...state.aliases.values()].map((a) => [a.name ?? '', { value: a.name ?? '', selected: 0 }]),
        );
        return ok({ alias: { content: names } });
      }
      return ok({ alias: getItemBody(state, uuid, r) });
    },
  },
  'firewall/alias/add_item': {
    method: 'POST',
    mutating: true,
    handle: (req, state) => saveAlias(state, randomUUID(), req, true),
  },
  'firewall/alias/set_item': {
    method: 'POST',
    mutating: true,
    minParams: 1,
    handle(req, state) {
      const uuid = req.params[0] ?? '';
      if (!isUuid(uuid)) return ok({ result: 'failed' });
      return saveAlias(state, uuid.toLowerCase(), req, false);
    },
  },
  'firewall/alias/del_item': {
    method: 'POST',
    mutating: true,
    minParams: 1,
    handle(req, state) {
      const uuids = csv(req.params[0]);
      const found = uuids.filter((u) => state.aliases.has(u));
      if (found.length === 0) return ok({ result: 'not found' });
      for (const uuid of found) {
        const name = state.aliases.get(uuid)?.name ?? '';
        const users = usersOf(state, name);
        if (users.length > 0) {
          return userException(
            state,
            'Alias in use',
            `Cannot delete alias ${name}. Currently in use by ${users.join(', ')}`,
          );
        }
      }
      for (const uuid of found) state.aliases.delete(uuid);
      return ok({ result: 'deleted' });
    },
  },
  'firewall/alias/toggle_item': toggleRoute((state) => state.aliases),
  'firewall/alias/get_alias_u_u_i_d': {
    method: 'ANY',
    mutating: false,
    minParams: 1,
    handle(req, state) {
      const hit = aliasByName(state, req.params[0] ?? '');
      return ok(hit === undefined ? [] : { uuid: hit[0] });
    },
  },
  'firewall/alias/reconfigure': {
    method: 'POST',
    mutating: true,
    getFailedBody: { status: 'failed' },
    handle: (_req, state) => reconfigure(state),
  },
  'firewall/alias/get_table_size': {
    method: 'ANY',
    mutating: false,
    handle(_req, state) {
      const details: Record<string, { count: number; updated: string }> = {};
      let used = 0;
      for (const [name, entries] of state.tables) {
        details[name] = { count: entries.length, updated: new Date(state.clock()).toISOString() };
        used += entries.length;
      }
      return ok({ status: 'ok', size: state.tableEntriesLimit, used, details });
    },
  },
  'firewall/alias/list_categories': {
    method: 'ANY',
    mutating: false,
    handle: () => ok({ rows: [] }),
  },
};
