/**
 * pf as pfSense loads it: a filter reload regenerates tables and rules from config.xml and clears the
 * filter subsystems' dirty flags; packets are evaluated floating rules first, then interface rules.
 * Sources (pfsense/pfsense RELENG_2_7_2 `src/etc/inc/filter.inc`; same in the 2.8.0 branch point):
 * - filter_configure_sync: on a pf load error (a line number in the pfctl message) the last good ruleset
 *   (`/conf/rules.debug.old`) is reloaded, a notice "There were error(s) loading the rules" is filed and the
 *   dirty flags stay; on success `clear_filter_subsystems_dirty()` clears aliases, filter, natconf, shaper
 *   (~L541-566; pfSense commit c04144d193, redmine #12678);
 * - filter_generate_aliases / filter_generate_nested_alias: every host/network alias becomes a table,
 *   nested aliases expanded recursively; an empty alias is an empty persistent table;
 * - filter_generate_user_rule: disabled rules and rules whose source/destination resolve empty (an alias that
 *   no longer exists) become comments, i.e. are not loaded;
 * - rules.debug order: all floating rules, then interface-group rules, then interface rules (~L3376-3390);
 *   interface rules are always `quick`, floating rules only when `quick` is set (pfsense-facts.md §7).
 */
import ipaddr from 'ipaddr.js';
import type { SimAlias, SimRule, SimState } from './state.js';

const IPV4_CIDR = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/;

/** How pf prints a table entry (`pfctl -T show`): `/32`, `/128` as bare addresses, IPv6 canonical. */
export function pfEntry(entry: string): string {
  // IPv4 fast path (no exceptions thrown per entry: tables hold tens of thousands).
  const v4 = IPV4_CIDR.exec(entry);
  if (v4 !== null) return v4[2] === '32' ? (v4[1] ?? entry) : entry;
  try {
    const [addr, len] = ipaddr.parseCIDR(entry);
    if (len === (addr.kind() === 'ipv4' ? 32 : 128)) return addr.toString();
    const net =
      addr.kind() === 'ipv4'
        ? ipaddr.IPv4.networkAddressFromCIDR(entry)
        : ipaddr.IPv6.networkAddressFromCIDR(entry);
    return `${net.toString()}/${len}`;
  } catch {
    return ipaddr.isValid(entry) ? ipaddr.parse(entry).toString() : entry;
  }
}

/** Expands an alias into table entries, resolving nested aliases (FQDNs are left to filterdns). */
function expand(alias: SimAlias, byName: Map<string, SimAlias>, seen: Set<string>): string[] {
  seen.add(alias.name);
  const out: string[] = [];
  for (const a of alias.address) {
    const nested = byName.get(a);
    if (nested !== undefined) {
      if (!seen.has(a)) out.push(...expand(nested, byName, seen));
    } else if (a.includes('/') || ipaddr.isValid(a)) {
      out.push(pfEntry(a));
    }
  }
  return out;
}

/** Whether a rule's address still resolves (a missing alias makes pfSense comment the rule out). */
function resolves(state: SimState, spec: string): boolean {
  const bare = spec.replace(/^!/, '');
  if (bare === 'any' || bare === '(self)' || bare === 'l2tp' || bare === 'pppoe') return true;
  if (ipaddr.isValid(bare) || bare.includes('/')) return true;
  if (state.interfaces.some((i) => i.id === bare || `${i.id}ip` === bare)) return true;
  return state.config.aliases.some((a) => a.name === bare);
}

/**
 * `filter_configure_sync()`: regenerates the running filter from config. Returns false (running state
 * unchanged, flags kept, notice filed) when pf refuses the ruleset: more table entries than
 * `maximumtableentries` (assumed to make pfctl refuse the whole load; pfsense-facts.md open question 10).
 */
export function reloadFilter(state: SimState): boolean {
  const byName = new Map(state.config.aliases.map((a) => [a.name, a]));
  const tables = new Map<string, string[]>();
  let total = 0;
  for (const a of state.config.aliases) {
    if (a.type === 'port') continue;
    const entries = [...new Set(expand(a, byName, new Set()))];
    total += entries.length;
    tables.set(a.name, entries);
  }
  if (total > state.config.maximumTableEntries) {
    state.notices.push(
      `There were error(s) loading the rules: /tmp/rules.debug:12: cannot define table: Cannot allocate memory - The line in question reads [12]: table <...> persist`,
    );
    return false;
  }
  const loadable = (r: SimRule): boolean =>
    !r.disabled &&
    resolves(state, r.source) &&
    resolves(state, r.destination) &&
    r.interface.every((i) => i === 'any' || state.interfaces.some((x) => x.id === i && x.enable));
  const rules = [
    ...state.config.rules.filter((r) => r.floating && loadable(r)),
    ...state.config.rules.filter((r) => !r.floating && loadable(r)),
  ].map((r) => ({ ...r, interface: [...r.interface] }));
  state.filter = { tables, rules };
  for (const flag of ['aliases', 'filter', 'natconf', 'shaper']) state.dirty.delete(flag);
  return true;
}

/** A packet arriving on an interface. */
export interface Packet {
  iface: string;
  family: 'inet' | 'inet6';
  src: string;
  dst: string;
}

/** The verdict for a packet and the rule that decided it (none: pfSense's default deny). */
export interface Verdict {
  action: 'pass' | 'block' | 'reject';
  rule?: SimRule;
}

function inCidr(ip: string, cidr: string): boolean {
  try {
    const a = ipaddr.parse(ip);
    const range = cidr.includes('/')
      ? ipaddr.parseCIDR(cidr)
      : ipaddr.parseCIDR(`${cidr}/${ipaddr.parse(cidr).kind() === 'ipv4' ? 32 : 128}`);
    return a.kind() === range[0].kind() && a.match(range);
  } catch {
    return false;
  }
}

function matchAddress(state: SimState, spec: string, ip: string): boolean {
  const inverted = spec.startsWith('!');
  const bare = inverted ? spec.slice(1) : spec;
  let hit: boolean;
  if (bare === 'any') hit = true;
  else if (state.filter.tables.has(bare))
    hit = (state.filter.tables.get(bare) ?? []).some((e) => inCidr(ip, e));
  else {
    const iface = state.interfaces.find((i) => i.id === bare || `${i.id}ip` === bare);
    if (iface !== undefined) {
      const nets = [iface.subnet, iface.subnet6];
      hit = bare.endsWith('ip') ? nets.some((n) => n.split('/')[0] === ip) : nets.some((n) => inCidr(ip, n));
    } else hit = inCidr(ip, bare);
  }
  return inverted ? !hit : hit;
}

/** Evaluates a packet against the running ruleset: the first matching quick rule, else the last match. */
export function evaluate(state: SimState, p: Packet): Verdict {
  let last: SimRule | undefined;
  for (const r of state.filter.rules) {
    if (!r.interface.includes(p.iface) && !r.interface.includes('any')) continue;
    if (r.ipprotocol !== 'inet46' && r.ipprotocol !== p.family) continue;
    if (r.floating && r.direction === 'out') continue;
    if (!matchAddress(state, r.source, p.src) || !matchAddress(state, r.destination, p.dst)) continue;
    if (!r.floating || r.quick) return { action: r.type, rule: r };
    last = r;
  }
  return last === undefined ? { action: 'block' } : { action: last.type, rule: last };
}
