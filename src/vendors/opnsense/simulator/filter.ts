/**
 * `/api/firewall/filter/*` of the OPNsense simulator (vendor-opnsense.md §5, §6): automation filter rules,
 * `apply`, and the savepoint/rollback actions of ≤ 26.1 (registered separately: absent in 26.7).
 */
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import {
  INTERFACES,
  INTERFACE_GROUPS,
  cloneRecords,
  loadFilter,
  type SimRecord,
  type SimState,
} from './state.js';
import { startDetachedRefresh } from './tables.js';
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
  userException,
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
 * Priority group of a rule (`FilterRuleField::getPriority()`, opnsense/core 25.7.11 and 26.1.9
 * models/OPNsense/Firewall/FieldTypes/FilterRuleField.php): floating (no interface, several, or
 * `interfacenot`) 200000, an interface group 300000 + its sequence, one interface 400000. pf evaluates
 * the groups in that order whatever `sequence` says (`pf.inc` registers rules with `sort_order`).
 */
export function priorityOf(r: SimRecord): number {
  const ifs = csv(r.interface);
  if (ifs.length !== 1 || r.interfacenot === '1') return 200000;
  const group = INTERFACE_GROUPS[ifs[0] ?? ''];
  return group === undefined ? 400000 : 300000 + group.sequence;
}

/** `sort_order`: `sprintf("%d.0%06d", priority, sequence)` (same file, `actionPostLoadingEvent`). */
function sortOrder(r: SimRecord): string {
  return `${priorityOf(r)}.0${String(Number(r.sequence) || 0).padStart(6, '0')}`;
}

/**
 * Which automation rules `search_rule` returns for the `interface` parameter, per release
 * (controllers/OPNsense/Firewall/Api/FilterController.php `searchRuleAction`):
 * - 25.7.x: no (or an empty) `interface` → only floating rules (`count($rule_interfaces) != 1`); with one,
 *   exactly the single-interface rules of it, or with `show_all` every rule touching it plus floating ones;
 * - 26.1 (26.1.0): the same, `interfacenot` rules counting as floating and `interface` a list;
 * - 26.1.1 and later: without the parameter every rule (`if (!$this->request->has('interface'))`).
 */
function interfaceFilter(req: SimRequest, state: SimState, bodyOnly: boolean): (r: SimRecord) => boolean {
  const given = searchParam(req, 'interface', bodyOnly);
  if (given === undefined && state.release.searchListsAll) return () => true;
  const wanted = csv(given);
  const showAll = searchParam(req, 'show_all', bodyOnly) === '1';
  const is25 = state.release.line === '25.7';
  return (r) => {
    const ifs = csv(r.interface);
    const not = !is25 && r.interfacenot === '1';
    const hit = wanted.some((w) => ifs.includes(w)) !== not;
    if (wanted.length === 0) return ifs.length !== 1 || not;
    if (showAll) return hit || ifs.length === 0;
    if (not) return false;
    return is25 ? ifs.length === 1 && ifs[0] === wanted[0] : hit && wanted.length === ifs.length;
  };
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

/**
 * `move_rule_before/{selected}/{target}` (FilterController.php `moveRuleBeforeAction`, 25.7.5 and 26.1.9):
 * only within one priority group (else `UserException("Cannot move 'Interface Rule' before 'Floating
 * Rule'.", "Filter")`, HTTP 500); the selected rule takes a free sequence just before the target, the
 * rules from the target on are renumbered with a step of 50 where they would overlap.
 */
function moveRuleBefore(req: SimRequest, state: SimState): SimResponse {
  const [selUuid = '', targetUuid = ''] = req.params;
  const selected = state.rules.get(selUuid);
  const target = state.rules.get(targetUuid);
  if (selected === undefined || target === undefined) {
    return userException(
      state,
      'Filter',
      'Either source or destination is not a rule managed with this component',
    );
  }
  const names: Record<string, string> = { '2': 'Floating', '3': 'Group', '4': 'Interface' };
  const group = priorityOf(target);
  if (priorityOf(selected) !== group) {
    const kind = (r: SimRecord): string => names[String(priorityOf(r))[0] ?? ''] ?? 'Unknown';
    return userException(
      state,
      'Filter',
      `Cannot move '${kind(selected)} Rule' before '${kind(target)} Rule'.`,
    );
  }
  if (selUuid === targetUuid) return userException(state, 'Filter', 'Cannot move to the same spot.');
  const step = 50;
  const inGroup = [...state.rules]
    .filter(([, r]) => priorityOf(r) === group)
    .sort(([, a], [, b]) => Number(a.sequence) - Number(b.sequence));
  let newKey: number | undefined;
  let prev: SimRecord | undefined;
  for (const [uuid, r] of inGroup) {
    if (uuid === targetUuid) {
      const prevSeq = prev === undefined ? 1 : Number(prev.sequence);
      const distance = Number(r.sequence) - prevSeq;
      if (distance > 2) {
        newKey = Math.floor(distance / 2) + prevSeq;
        break;
      }
      newKey = prev === undefined ? 1 : prevSeq + step;
      r.sequence = String(newKey + step);
    } else if (newKey !== undefined && prev !== undefined && Number(r.sequence) < Number(prev.sequence)) {
      r.sequence = String(Number(prev.sequence) + step);
    }
    prev = r;
  }
  if (newKey !== undefined) selected.sequence = String(newKey);
  return ok({ status: 'ok' });
}

/** `filter reload` output as configd returns it. */
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
export const savepointRoutes: RouteTable = {
  'firewall/filter/savepoint': {
    method: 'POST',
    mutating: true,
    getFailedBody: { status: 'failed' },
    handle(_req, state) {
      // `revision->time` of the saved config: `sprintf('%0.2f', microtime(true))` (Config.php).
      let t = state.clock() / 1000;
      while (state.savepoints.has(t.toFixed(2))) t += 0.01;
      const revision = t.toFixed(2);
      state.savepoints.set(revision, cloneRecords(state.rules));
      return ok({ status: 'ok', retention: '60', revision });
    },
  },
  'firewall/filter/cancel_rollback': {
    method: 'POST',
    mutating: true,
    minParams: 1,
    getFailedBody: { status: 'failed' },
    handle(req, state) {
      // rollback_cancel.php deletes the lock only if the detached script already created it.
      const timer = state.rollback;
      if (timer !== undefined && timer.revision === req.params[0] && state.clock() >= timer.armAt)
        state.rollback = undefined;
      // Exit 0 prints nothing; exit 1 is configd's `Execute error`, which Backend::configdRun() turns
      // into '' (Backend.php 26.1.9): success, too late and too early all answer the same.
      return ok({ status: '' });
    },
  },
  'firewall/filter/revert': {
    method: 'POST',
    mutating: true,
    minParams: 1,
    getFailedBody: { status: 'failed' },
    handle(req, state) {
      const rev = req.params[0] ?? '';
      const saved = state.savepoints.get(rev);
      if (saved === undefined) return ok({ status: 'unknown (or removed) savepoint' });
      state.rules = cloneRecords(saved);
      if (state.rollback?.revision === rev) state.rollback = undefined;
      loadFilter(state);
      return ok({ status: 'ok' });
    },
  },
};
