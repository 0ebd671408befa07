/**
 * Rule order of the OPNsense simulator: priority groups, which rules `search_rule` lists per release, and
 * `move_rule_before`.
 */
import { INTERFACE_GROUPS, type SimRecord, type SimState } from './state.js';
import { csv, ok, searchParam, userException, type SimRequest, type SimResponse } from './http.js';

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
export function sortOrder(r: SimRecord): string {
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
export function interfaceFilter(
  req: SimRequest,
  state: SimState,
  bodyOnly: boolean,
): (r: SimRecord) => boolean {
  const given = searchParam(req, 'interface', bodyOnly);
  if (given === undefined && state.release.searchListsAll) return () => true;
  const showAll = searchParam(req, 'show_all', bodyOnly) === '1';
  // "add groups which contain the selected interface" (25.7.5 always, 26.1 with `show_all`): only the
  // `show_all` match looks beyond the first interface, so adding them matters there alone.
  const wanted = csv(given);
  if (showAll) {
    for (const [group, g] of Object.entries(INTERFACE_GROUPS))
      if (g.members.some((m) => wanted.includes(m))) wanted.push(group);
  }
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
 * `move_rule_before/{selected}/{target}` (FilterController.php `moveRuleBeforeAction`, 25.7.5 and 26.1.9):
 * only within one priority group (else `UserException("Cannot move 'Interface Rule' before 'Floating
 * Rule'.", "Filter")`, HTTP 500); the selected rule takes a free sequence just before the target, the
 * rules from the target on are renumbered with a step of 50 where they would overlap.
 */
export function moveRuleBefore(req: SimRequest, state: SimState): SimResponse {
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
