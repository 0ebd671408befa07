/**
 * `/api/firewall/filter/*` of the OPNsense simulator (vendor-opnsense.md §5, §6): automation filter rules,
 * `apply`, and the savepoint/rollback actions of ≤ 26.1 (registered separately: absent in 26.7).
 */
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { INTERFACES, INTERFACE_GROUPS, loadFilter, type SimRecord, type SimState } from './state.js';
import { startDetachedRefresh } from './tables.js';
import { interfaceFilter, moveRuleBefore, priorityOf, sortOrder } from './rule-order.js';
import { aliasByName } from './alias-model.js';
import { isCidr } from './net.js';
import {
  Validations,
  csv,
  mergeFields,
  ok,
  page,
  postKey,
  searchParam,
  type RouteTable,
  type SimRequest,
  type SimResponse,
  toggleRoute,
  setRoute,
} from './http.js';

/** Rule fields kept by the simulator (`Filter.xml` rules.rule), with their defaults. */
const RULE_DEFAULTS: SimRecord = {
  enabled: '1',
  statetype: 'keep',
  sequence: '1',
  action: 'pass',
  quick: '1',
  interfacenot: '0',
  interface: '',
  direction: 'in',
  ipprotocol: 'inet',
  protocol: 'any',
  source_net: 'any',
  source_not: '0',
  source_port: '',
  destination_net: 'any',
  destination_not: '0',
  destination_port: '',
  gateway: '',
  log: '0',
  categories: '',
  description: '',
};
const RULE_FIELDS = Object.keys(RULE_DEFAULTS);
const OPTIONS: Record<string, string[]> = {
  action: ['pass', 'block', 'reject'],
  direction: ['in', 'out', 'any'],
  ipprotocol: ['inet', 'inet6', 'inet46'],
  statetype: ['keep', 'sloppy', 'modulate', 'synproxy', 'none'],
  enabled: ['0', '1'],
  quick: ['0', '1'],
  log: ['0', '1'],
  interfacenot: ['0', '1'],
  source_not: ['0', '1'],
  destination_not: ['0', '1'],
};
const PROTOCOLS = new Set([
  'any',
  'TCP',
  'UDP',
  'TCP/UDP',
  'ICMP',
  'IPV6-ICMP',
  'ESP',
  'AH',
  'GRE',
  'IGMP',
  'CARP',
]);
const DISPLAY: Record<string, string> = { pass: 'Pass', block: 'Block', reject: 'Reject' };

/** Is `item` something a network field accepts: any, address, CIDR, alias, `<if>` or `<if>ip`? */
function validNet(state: SimState, item: string): boolean {
  if (item === 'any' || isIP(item) !== 0 || isCidr(item) || aliasByName(state, item) !== undefined)
    return true;
  return Object.hasOwn(INTERFACES, item.replace(/ip$/, ''));
}

/** Validates a rule as the model does on save; keys are `rule.<field>`. */
function validateRule(state: SimState, r: SimRecord): Validations {
  const v = new Validations();
  for (const [field, allowed] of Object.entries(OPTIONS)) {
    if (!allowed.includes(r[field] ?? '')) v.add(`rule.${field}`, 'Option not in list.');
  }
  const seq = r.sequence ?? '';
  if (!/^\d+$/.test(seq) || Number(seq) < 1 || Number(seq) > 999_999) {
    v.add('rule.sequence', 'Sequence shall be between 1 and 999999.');
  }
  if (csv(r.interface).some((i) => !Object.hasOwn(INTERFACES, i) && !Object.hasOwn(INTERFACE_GROUPS, i)))
    v.add('rule.interface', 'Option not in list.');
  if (!PROTOCOLS.has(r.protocol ?? '')) v.add('rule.protocol', 'Option not in list.');
  for (const side of ['source', 'destination'] as const) {
    for (const item of csv(r[`${side}_net`])) {
      if (!validNet(state, item))
        v.add(`rule.${side}_net`, `${item} is not a valid ${side} IP address or alias.`);
    }
    if ((r[`${side}_port`] ?? '') !== '' && !['TCP', 'UDP', 'TCP/UDP'].includes(r.protocol ?? '')) {
      v.add(`rule.${side}_port`, 'Ports are only valid for TCP or UDP type rules.');
    }
  }
  if ((r.description ?? '').length > 255) {
    v.add('rule.description', 'Description should be a string between 1 and 255 characters.');
  }
  return v;
}

/** Saves a posted rule under `uuid`, answering as `add_rule`/`set_rule` do. */
function saveRule(state: SimState, uuid: string, req: SimRequest, isNew: boolean): SimResponse {
  const record: SimRecord = { ...(state.rules.get(uuid) ?? RULE_DEFAULTS) };
  mergeFields(state, record, RULE_FIELDS, postKey(req, 'rule'));
  const v = validateRule(state, record);
  if (!v.empty) return v.response();
  state.rules.set(uuid, record);
  return ok(isNew ? { result: 'saved', uuid } : { result: 'saved' });
}

/**
 * `search_rule`: automation rows by priority group, then sequence (`sort_order`, 26.1.9); legacy and
 * automatic rows only with `show_all=1` up to 26.1.9, always from 26.1.10 (commit bcaee51bf6, #10355).
 */
function searchRules(req: SimRequest, state: SimState): SimResponse {
  const bodyOnly = state.release.line !== '25.7';
  const phrase = (searchParam(req, 'searchPhrase', bodyOnly) ?? '').toLowerCase();
  const showAll = searchParam(req, 'show_all', bodyOnly) === '1';
  const keep = interfaceFilter(req, state, bodyOnly);
  const rows: Record<string, unknown>[] = [...state.rules]
    .filter(([, r]) => keep(r))
    .sort(([, a], [, b]) => sortOrder(a).localeCompare(sortOrder(b)))
    .map(([uuid, r]) => ({
      uuid,
      ...r,
      prio_group: String(priorityOf(r)),
      sort_order: sortOrder(r),
      '%action': DISPLAY[r.action ?? ''] ?? r.action,
    }));
  if (state.release.legacyRowsAlways || showAll) {
    const wanted = csv(searchParam(req, 'interface', bodyOnly));
    for (const l of state.legacyRules) {
      if (wanted.length > 0 && l.interface !== '' && !wanted.includes(l.interface)) continue;
      rows.push({ ...l, enabled: '1', sequence: '', legacy: true, '%action': DISPLAY[l.action] ?? l.action });
    }
  }
  const matching = rows.filter((r) => phrase === '' || String(r.description).toLowerCase().includes(phrase));
  const current = Number(searchParam(req, 'current', bodyOnly) ?? 1);
  const rowCount = Number(searchParam(req, 'rowCount', bodyOnly) ?? -1);
  const p = page(matching, current, rowCount);
  return ok({ total: matching.length, rowCount: p.rowCount, current: p.current, rows: p.rows });
}

const RELOADED = ok({ status: 'OK\n\n' });

/** Automation filter rule routes (every version). */
export const filterRoutes: RouteTable = {
  'firewall/filter/search_rule': { method: 'ANY', mutating: false, handle: searchRules },
  'firewall/filter/get_rule': {
    method: 'ANY',
    mutating: false,
    handle(req, state) {
      const r = state.rules.get(req.params[0] ?? '') ?? RULE_DEFAULTS;
      return ok({ rule: { ...r } });
    },
  },
  'firewall/filter/add_rule': {
    method: 'POST',
    mutating: true,
    handle: (req, state) => saveRule(state, randomUUID(), req, true),
  },
  'firewall/filter/set_rule': setRoute(saveRule),
  'firewall/filter/del_rule': {
    method: 'POST',
    mutating: true,
    minParams: 1,
    handle: (req, state) => ok({ result: state.rules.delete(req.params[0] ?? '') ? 'deleted' : 'not found' }),
  },
  'firewall/filter/toggle_rule': toggleRoute((state) => state.rules),
  'firewall/filter/move_rule_before': {
    method: 'POST',
    mutating: true,
    minParams: 2,
    getFailedBody: { status: 'failed' },
    handle: moveRuleBefore,
  },
  'firewall/filter/apply': {
    method: 'POST',
    mutating: true,
    getFailedBody: { status: 'failed' },
    handle(req, state) {
      const rev = req.params[0];
      if (rev !== undefined && state.release.savepoints && state.rollback === undefined) {
        // Detached timer (FilterBaseController.php `applyAction`, 26.1.9); `flock -n` on
        // /tmp/filter_rollback_timer.lock (actions_filter.conf `[rollback_timer]`): one timer at a time.
        const armAt = state.clock() + state.costs.armDelayMs;
        state.rollback = { revision: rev, armAt, deadline: armAt + 60_000 };
      }
      loadFilter(state);
      // ≤26.1 runs a full `filter reload`, which refreshes the aliases detached; 26.7 `skip_alias`.
      if (!state.release.applySkipsAlias) startDetachedRefresh(state);
      return RELOADED;
    },
  },
};

/** Savepoint/rollback routes: 25.7 and 26.1 only (removed in 26.7, opnsense/core PR #10411). */
