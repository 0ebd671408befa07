/**
 * `/api/unbound/*` DNSBL of the OPNsense simulator (vendor-opnsense.md §7): the single ≤25.7
 * `unbound.dnsbl` object or the 26.1+ policies, and the configured vs loaded blocklist.
 */
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import type { SimRecord, SimState } from './state.js';
import { isStrictNetwork } from './net.js';
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

/** `wildcards` mask (`Unbound.xml`): at least one dot, LDH labels. */
const WILDCARD =
  /^((?:(?:[a-z0-9]|[a-z0-9][a-z0-9-]*[a-z0-9])\.){1,})(?:[a-z0-9]|[a-z0-9][a-z0-9-]*[a-z0-9])$/i;
/** Bundled list ids accepted in `type` (a subset of the option list). */
const LIST_TYPE = /^(atf|aa|ag|el|ep|sb|yy|oisd[0-2]|hgz0(0[1-9]|1\d|2[0-2])|bl[a-z]\d?)$/;
/** 26.1+ policy fields and defaults. */
const POLICY_DEFAULTS: SimRecord = {
  enabled: '1',
  type: '',
  lists: '',
  allowlists: '',
  blocklists: '',
  wildcards: '',
  source_nets: '',
  address: '',
  nxdomain: '0',
  cache_ttl: '72000',
  description: '',
};
const POLICY_FIELDS = Object.keys(POLICY_DEFAULTS);
const SINGLE_FIELDS = [
  'enabled',
  'safesearch',
  'type',
  'lists',
  'whitelists',
  'blocklists',
  'wildcards',
  'address',
  'nxdomain',
];
const DESCRIPTION_MESSAGE =
  'To keep track of which policies are applicable to source networks, a description should be provided. It should be a string between 1 and 255 characters.';

/** Checks shared by both shapes; `prefix` is `blocklist` or `unbound.dnsbl`. */
function validateCommon(v: Validations, prefix: string, r: SimRecord): void {
  if (!['0', '1'].includes(r.enabled ?? '')) v.add(`${prefix}.enabled`, 'Option not in list.');
  if (!['', '0', '1'].includes(r.nxdomain ?? '')) v.add(`${prefix}.nxdomain`, 'Option not in list.');
  if (csv(r.type).some((t) => !LIST_TYPE.test(t))) v.add(`${prefix}.type`, 'Option not in list.');
  if (csv(r.wildcards).some((w) => !WILDCARD.test(w)))
    v.add(`${prefix}.wildcards`, 'A valid domain must be specified.');
  const address = r.address ?? '';
  if (address !== '' && isIP(address) !== 4) v.add(`${prefix}.address`, 'Please specify a valid IP address.');
}

/** Validates a 26.1+ policy. */
function validatePolicy(r: SimRecord): Validations {
  const v = new Validations();
  validateCommon(v, 'blocklist', r);
  const d = r.description ?? '';
  if (d === '' || d.length > 255 || /[\r\n]/.test(d)) v.add('blocklist.description', DESCRIPTION_MESSAGE);
  if (csv(r.source_nets).some((n) => !isStrictNetwork(n))) {
    v.add(
      'blocklist.source_nets',
      'Please specify a valid network segment or address (IPv4/IPv6). If a mask is provided, please omit the host bits.',
    );
  }
  if (!/^\d+$/.test(r.cache_ttl ?? '')) v.add('blocklist.cache_ttl', 'Please specify a valid integer.');
  return v;
}

/** A CSV field as `get` actions return it: `{item: {value, selected:1}}`. */
function listMap(value: string | undefined): Record<string, { value: string; selected: number }> {
  return Object.fromEntries(csv(value).map((x) => [x, { value: x, selected: 1 }]));
}

/** A record for `get`/`get_dnsbl`: list fields as maps, other fields as strings. */
function getShape(r: SimRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { ...r };
  for (const f of ['type', 'lists', 'allowlists', 'whitelists', 'blocklists', 'wildcards', 'source_nets']) {
    if (f in r) out[f] = listMap(r[f]);
  }
  return out;
}

/** Saves a posted 26.1+ policy under `uuid`. */
function savePolicy(state: SimState, uuid: string, req: SimRequest, isNew: boolean): SimResponse {
  const record: SimRecord = { ...(state.dnsbl.get(uuid) ?? POLICY_DEFAULTS) };
  mergeFields(state, record, POLICY_FIELDS, postKey(req, 'blocklist'));
  const v = validatePolicy(record);
  if (!v.empty) return v.response();
  state.dnsbl.set(uuid, record);
  return ok(isNew ? { result: 'saved', uuid } : { result: 'saved' });
}

/** Loads the configured blocklist into the (simulated) Unbound Python module. */
export function loadDnsbl(state: SimState): void {
  if (!state.release.dnsblPolicies) {
    const s = state.dnsblSingle;
    state.dnsblRunning = s.enabled === '1' ? [{ ...s, allowlists: s.whitelists ?? '' }] : [];
  } else {
    state.dnsblRunning = [...state.dnsbl.values()].filter((p) => p.enabled === '1').map((p) => ({ ...p }));
  }
}

/** What the resolver answers for a blocked name; undefined when the name is not blocked. */
export type DnsblAnswer = { rcode: 'NXDOMAIN' } | { rcode: 'NOERROR'; addresses: string[] };

/**
 * How the loaded blocklist answers a query (Unbound's DNSBL Python module; opnsense/core 26.1.9
 * src/opnsense/scripts/unbound-dnsbl/lib/dnsbl.py `policy_match` and dnsbl_module.py
 * `set_answer_block`; 25.7.5 src/opnsense/service/templates/OPNsense/Unbound/core/dnsbl_module.py):
 * - only `A`, `AAAA`, `CNAME` and `HTTPS` queries are matched; any other type resolves normally;
 * - the name is lower-cased and its trailing dot dropped, so the case of the query does not matter;
 * - `blocklists` match exactly, `wildcards` the domain and all its subdomains; a policy's allowlist
 *   regexes win within it;
 * - `nxdomain` on: NXDOMAIN; off: `A`/`CNAME` get an A record of the block address (`address`, default
 *   0.0.0.0), other matched types an empty answer.
 */
export function dnsblAnswer(state: SimState, name: string, type: string): DnsblAnswer | undefined {
  if (!['A', 'AAAA', 'CNAME', 'HTTPS'].includes(type.toUpperCase())) return undefined;
  const q = name.toLowerCase().replace(/\.$/, '');
  const hit = state.dnsblRunning.find((p) => {
    if (csv(p.allowlists).some((re) => safeRegex(re)?.test(q) === true)) return false;
    if (csv(p.blocklists).includes(q)) return true;
    return csv(p.wildcards).some((w) => q === w.toLowerCase() || q.endsWith(`.${w.toLowerCase()}`));
  });
  if (hit === undefined) return undefined;
  if (hit.nxdomain === '1') return { rcode: 'NXDOMAIN' };
  const a = ['A', 'CNAME'].includes(type.toUpperCase()) ? [hit.address || '0.0.0.0'] : [];
  return { rcode: 'NOERROR', addresses: a };
}

/** Whether the loaded blocklist blocks `name` (for an `A` query). */
export function dnsBlocked(state: SimState, name: string): boolean {
  return dnsblAnswer(state, name, 'A') !== undefined;
}

/**
 * Migration `M1_0_13` (opnsense/core 25.7.8 models/OPNsense/Unbound/Migrations/M1_0_13.php), run when a
 * box moves from ≤25.7.7 to 25.7.8 or later: when the old single `dnsbl` had any property set besides
 * `enabled`, it becomes one policy with the same fields (`whitelists` → `allowlists`) and the
 * description `default`; `enabled` is copied as it was.
 */
export function migrateSingleDnsbl(state: SimState): void {
  const old = state.dnsblSingle;
  // PHP `empty()`: '' and '0' count as unset.
  const set = Object.entries(old).some(([k, v]) => k !== 'enabled' && v !== '' && v !== '0');
  if (set) {
    const policy: SimRecord = { ...POLICY_DEFAULTS };
    for (const key of Object.keys(POLICY_DEFAULTS)) if (key in old) policy[key] = old[key] ?? '';
    policy.allowlists = old.whitelists ?? '';
    policy.description = 'default';
    state.dnsbl.set(randomUUID(), policy);
  }
  loadDnsbl(state);
}

/** Compiles an allowlist regex; an invalid one matches nothing. */
function safeRegex(source: string): RegExp | undefined {
  try {
    return new RegExp(source);
  } catch {
    return undefined;
  }
}

/** Routes present in every version. */
export const unboundRoutes: RouteTable = {
  'unbound/settings/get': {
    method: 'ANY',
    mutating: false,
    handle(_req, state) {
      const dnsbl = !state.release.dnsblPolicies
        ? getShape(state.dnsblSingle)
        : { blocklist: Object.fromEntries([...state.dnsbl].map(([u, p]) => [u, getShape(p)])) };
      return ok({ unbound: { general: { enabled: '1' }, dnsbl } });
    },
  },
  'unbound/settings/set': {
    method: 'POST',
    mutating: true,
    handle(req, state) {
      const unbound = postKey(req, 'unbound');
      const posted = unbound?.dnsbl;
      // From 25.7.8 `dnsbl` only holds `blocklist[]`: `BaseField::setNodes()` visits existing children
      // only, so the old fields are silently dropped and `setAction` still answers `saved`
      // (Unbound.xml and ApiMutableModelControllerBase.php at 25.7.8).
      if (state.release.dnsblPolicies || typeof posted !== 'object' || posted === null)
        return ok({ result: 'saved' });
      const record = { ...state.dnsblSingle };
      mergeFields(state, record, SINGLE_FIELDS, posted);
      const v = new Validations();
      validateCommon(v, 'unbound.dnsbl', record);
      if (!v.empty) return v.response();
      state.dnsblSingle = record;
      return ok({ result: 'saved' });
    },
  },
  'unbound/service/dnsbl': {
    method: 'POST',
    mutating: true,
    getFailedBody: { status: 'failed' },
    handle(_req, state) {
      loadDnsbl(state);
      // actions_unbound.conf `[dnsbl]` ends in `|| true`: always OK, whatever happened.
      return ok({ status: 'OK\n\n' });
    },
  },
  'unbound/service/reconfigure': {
    method: 'POST',
    mutating: true,
    getFailedBody: { status: 'failed' },
    handle(_req, state) {
      loadDnsbl(state);
      return ok({ status: 'ok' });
    },
  },
};

/** DNSBL policy routes (25.7.8 and later). */
export const dnsblPolicyRoutes: RouteTable = {
  'unbound/settings/search_dnsbl': {
    method: 'ANY',
    mutating: false,
    handle(req, state) {
      const phrase = (searchParam(req, 'searchPhrase', false) ?? '').toLowerCase();
      const rows = [...state.dnsbl]
        .filter(([, p]) => phrase === '' || (p.description ?? '').toLowerCase().includes(phrase))
        .map(([uuid, p]) => ({ uuid, ...p }));
      const current = Number(searchParam(req, 'current', false) ?? 1);
      const p = page(rows, current, Number(searchParam(req, 'rowCount', false) ?? -1));
      return ok({ total: rows.length, rowCount: p.rowCount, current: p.current, rows: p.rows });
    },
  },
  'unbound/settings/get_dnsbl': {
    method: 'ANY',
    mutating: false,
    handle: (req, state) =>
      ok({ blocklist: getShape(state.dnsbl.get(req.params[0] ?? '') ?? POLICY_DEFAULTS) }),
  },
  'unbound/settings/add_dnsbl': {
    method: 'POST',
    mutating: true,
    handle: (req, state) => savePolicy(state, randomUUID(), req, true),
  },
  'unbound/settings/set_dnsbl': setRoute(savePolicy),
  'unbound/settings/del_dnsbl': {
    method: 'POST',
    mutating: true,
    minParams: 1,
    handle: (req, state) => ok({ result: state.dnsbl.delete(req.params[0] ?? '') ? 'deleted' : 'not found' }),
  },
  'unbound/settings/toggle_dnsbl': toggleRoute((state) => state.dnsbl),
};
