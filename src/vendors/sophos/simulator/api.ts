/**
 * One `reqxml` request of the simulated SFOS, from envelope to answer (sophos-facts.md §1–§4, §13
 * "Envelope / transport", "Reads", "Writes").
 */
import { buildXml, children, parseXml, text, type XmlNode } from '../xml.js';
import { TEXT } from './releases.js';
import { readObject, removeObject, setGroup, setHost, type OpResult } from './entities.js';
import { readRule, removeRule, setRule, setRuleGroup } from './rules.js';
import { ENTITY_TAGS, nameOf, usedByEnabledRule, type EntityTag, type SophosState } from './store.js';
import { hostContains } from './values.js';

/** What one request did. */
export interface ApiOutcome {
  xml: string;
  /** Successful writes (Set/Remove statuses 200). */
  writes: number;
  /** Successful writes to objects an enabled rule uses (they cost a policy recompile, F2B §5.6). */
  recompiles: number;
  /** Whether the request carried a Set or Remove at all. */
  mutating: boolean;
}

function envelope(state: SophosState, body: XmlNode): string {
  const attrs: XmlNode = {
    '@_APIVersion': state.switches.apiVersion ?? state.profile.apiVersion,
    '@_IPS_CAT_VER': '1',
  };
  if (state.profile.wifi6Attribute) attrs['@_IS_WIFI6'] = '0';
  return `<?xml version="1.0" encoding="UTF-8"?>\n${buildXml({ Response: { ...attrs, ...body } })}`;
}

function topStatus(state: SophosState, code: number, message: string): ApiOutcome {
  return {
    xml: envelope(state, { Status: { '@_code': String(code), '#text': message } }),
    writes: 0,
    recompiles: 0,
    mutating: false,
  };
}

/** Whether the client address may use the API (≤21.5: IP list; 22.0: IP host objects, AV22). */
function allowed(state: SophosState, client: string): boolean {
  if (state.profile.allowList === 'ip-list') return state.api.allowedIps.includes(client);
  return state.api.allowedHosts.some((h) => {
    const host = state.objects.IPHost.get(h);
    return host !== undefined && hostContains(host, client);
  });
}

/** Answers one request. `client` is the peer address (`127.0.0.1`). */
export function handleRequest(state: SophosState, reqxml: string, client: string): ApiOutcome {
  if (!state.api.enabled) return topStatus(state, 532, TEXT.apiOff);
  if (!allowed(state, client)) return topStatus(state, 534, TEXT.notAllowed);
  let request: XmlNode | undefined;
  try {
    request = parseXml(reqxml).Request as XmlNode | undefined;
  } catch {
    request = undefined;
  }
  if (request === undefined || typeof request !== 'object' || Array.isArray(request))
    return topStatus(state, 529, TEXT.badFile);
  const login = request.Login as XmlNode | undefined;
  const user = text(login, 'Username') ?? '';
  const password = text(login, 'Password') ?? '';
  if (state.users.get(user) !== password || user === '') {
    // Only the Login element, no entity and no code (SDK test_auth_failure, §3.2).
    return {
      xml: envelope(state, { Login: { status: TEXT.authFail } }),
      writes: 0,
      recompiles: 0,
      mutating: false,
    };
  }
  const out: XmlNode = { Login: { status: TEXT.authOk } };
  let writes = 0;
  let recompiles = 0;
  let mutating = false;
  const add = (tag: string, element: XmlNode): void => {
    const list = (out[tag] as XmlNode[] | undefined) ?? [];
    list.push(element);
    out[tag] = list;
  };
  const record = (tag: EntityTag, name: string, r: OpResult): void => {
    if (r.code !== 200) return;
    writes++;
    if (usedByEnabledRule(state, tag, name)) recompiles++;
  };
  for (const [verb, value] of Object.entries(request)) {
    if (verb === 'Login' || verb.startsWith('@_')) continue;
    const blocks = (Array.isArray(value) ? value : [value]).filter(
      (b): b is XmlNode => typeof b === 'object',
    );
    for (const block of blocks) {
      for (const tag of Object.keys(block).filter((k) => !k.startsWith('@_'))) {
        if (!(ENTITY_TAGS as readonly string[]).includes(tag)) {
          // An unknown root entity (JW Firewall tests, §2.5).
          add(tag, { Status: { '@_code': '529', '#text': TEXT.badModule } });
          continue;
        }
        const t = tag as EntityTag;
        if (verb === 'Get') {
          const records = readAll(state, t);
          if (records.length === 0)
            add(t, {
              '@_transactionid': '',
              Status: state.switches.zeroRecords ?? state.profile.zeroRecords,
            });
          for (const r of records) add(t, r);
        } else if (verb === 'Set') {
          mutating = true;
          // No operation: "Add … followed by Update" (D-V16); `set` treated alike (ASSUMPTION, §14.14).
          const opAttr = block['@_operation'];
          const op = typeof opAttr === 'string' ? opAttr : 'set';
          for (const node of children(block, t)) {
            const name = nameOf(node);
            let r: OpResult;
            if (op === 'add' || op === 'update') r = setOne(state, op, t, node);
            else if (op === 'set') {
              r = setOne(state, 'add', t, node);
              if (r.code === 502) r = setOne(state, 'update', t, node);
            } else r = { code: 200, text: TEXT.ok }; // JW-VPN: an unknown operation answered 200 and did nothing
            record(t, name, r);
            add(t, { '@_transactionid': '', Status: { '@_code': String(r.code), '#text': r.text } });
          }
        } else if (verb === 'Remove') {
          mutating = true;
          for (const node of children(block, t)) {
            const names = (node.Name as string[] | undefined) ?? [];
            const statuses = names.map((n) => {
              const used = usedByEnabledRule(state, t, n);
              const r = removeOne(state, t, n, node);
              if (r.code === 200) {
                writes++;
                if (used) recompiles++;
              }
              return { '@_code': String(r.code), '#text': r.text };
            });
            // One Status per object under the one entity element (JW Get-SfosApiStatus, §2.3).
            add(t, { '@_transactionid': '', Status: statuses });
          }
        }
      }
    }
  }
  return { xml: envelope(state, out), writes, recompiles, mutating };
}

function setOne(state: SophosState, op: 'add' | 'update', tag: EntityTag, node: XmlNode): OpResult {
  if (tag === 'IPHost' || tag === 'FQDNHost') return setHost(state, op, tag, node);
  if (tag === 'IPHostGroup' || tag === 'FQDNHostGroup') return setGroup(state, op, tag, node);
  if (tag === 'FirewallRule') return setRule(state, op, node);
  return setRuleGroup(state, op, node);
}

function removeOne(state: SophosState, tag: EntityTag, name: string, node: XmlNode): OpResult {
  if (state.faults.noopRemoves > 0) {
    // A documented Remove answered 200 and did nothing (JW-VPN SSLBookmark): the false-success fault.
    state.faults.noopRemoves--;
    return { code: 200, text: TEXT.ok };
  }
  if (tag === 'FirewallRule') return removeRule(state, name);
  return removeObject(state, tag, name, node);
}

function readAll(state: SophosState, tag: EntityTag): XmlNode[] {
  if (tag === 'FirewallRule') return state.rules.map((r, i) => readRule(state, r, i));
  return [...state.objects[tag].values()].map((n) => readObject(state, tag, n));
}
