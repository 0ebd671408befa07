/**
 * Unbound as pfSense runs it. Sources:
 * - pfsense/pfsense RELENG_2_7_2 `src/etc/inc/unbound.inc` unbound_generate_config: `server:` clause,
 *   includes, domain overrides (`forward-zone:` blocks), the forwarding `forward-zone: name "."` when
 *   forwarding mode is on, THEN the custom options, then remote-control (same placement in the 2.8.0
 *   branch point and master) — so custom lines land inside a forward-zone clause unless they start with
 *   `server:`;
 * - `services.inc` services_unbound_configure: SIGTERM, regenerate, start; returns 0 even when unbound does
 *   not start, so the API reports `applied:true` with DNS down (pfsense-facts.md §9);
 * - pfrest `Models/DNSResolverSettings.inc`: custom_options is never checked (no unbound-checkconf);
 * - NLnetLabs/unbound release-1.18.0 `doc/unbound.conf.5.in` (local-zone types; always_nxdomain answers
 *   NXDOMAIN for the name and everything below it) and `services/localzone.c` (the most specific zone
 *   decides; a duplicate zone is a warning and the first declaration wins); the config parser
 *   (`util/configparser.y`) rejects unknown keywords and keywords outside their clause, and unbound exits.
 */
import type { DnsVerdict } from '../../simkit/dns-responder.js';
import { plainAnswer } from '../../simkit/dns-responder.js';
import type { SimState } from './state.js';

/** Keywords per clause the simulator knows (a subset of `util/configlexer.lex`, enough for pfSense's own). */
const CLAUSE_KEYWORDS: Record<string, ReadonlySet<string>> = {
  server: new Set([
    'local-zone', 'local-data', 'local-data-ptr', 'private-domain', 'private-address', 'domain-insecure',
    'access-control', 'verbosity', 'log-queries', 'log-replies', 'hide-identity', 'hide-version', 'prefetch',
    'prefetch-key', 'include', 'module-config', 'so-rcvbuf', 'so-sndbuf', 'num-threads', 'cache-max-ttl',
    'cache-min-ttl', 'do-ip4', 'do-ip6', 'do-udp', 'do-tcp', 'interface', 'outgoing-interface', 'port',
    'harden-glue', 'harden-dnssec-stripped', 'qname-minimisation', 'serve-expired', 'edns-buffer-size',
    'unwanted-reply-threshold', 'rrset-cache-size', 'msg-cache-size', 'val-log-level', 'use-caps-for-id',
    'aggressive-nsec', 'local-zone-tag', 'define-tag', 'access-control-tag', 'tls-cert-bundle',
  ]),
  'forward-zone': new Set(['name', 'forward-addr', 'forward-host', 'forward-first', 'forward-tls-upstream']),
  'stub-zone': new Set(['name', 'stub-addr', 'stub-host', 'stub-prime', 'stub-first']),
  'remote-control': new Set(['control-enable', 'control-interface', 'control-port', 'control-use-cert']),
}; // prettier-ignore

/** local-zone types (unbound.conf(5) 1.18.0). */
const ZONE_TYPES = new Set([
  'deny', 'refuse', 'static', 'transparent', 'redirect', 'nodefault', 'typetransparent', 'inform',
  'inform_deny', 'inform_redirect', 'always_transparent', 'block_a', 'always_refuse', 'always_nxdomain',
  'always_null', 'noview', 'always_deny',
]); // prettier-ignore

/** The generated unbound.conf tail the custom options join (what decides their clause). */
export function generatedConf(state: SimState): string {
  const u = state.config.unbound;
  const lines = [
    'server:',
    'include: /var/unbound/host_entries.conf',
    'local-zone: "localdomain." transparent',
  ];
  for (const o of u.domainOverrides)
    lines.push('forward-zone:', `name: "${o.domain}."`, `forward-addr: ${o.ip}`);
  if (u.forwarding) lines.push('forward-zone:', 'name: "."', 'forward-addr: 192.0.2.53');
  lines.push(u.custom_options, 'remote-control:', 'control-enable: yes');
  return lines.join('\n');
}

/** Parses a config; returns unbound's error text for the first bad line, or undefined. */
export function checkConf(text: string): string | undefined {
  let clause = '';
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').replace(/#.*$/, '').trim();
    if (line === '') continue;
    const m = /^([a-z0-9-]+):(?:\s+(.*))?$/i.exec(line);
    if (m?.[1] === undefined) return `syntax error at line ${i + 1}: ${line}`;
    const key = m[1].toLowerCase();
    if (m[2] === undefined && key in CLAUSE_KEYWORDS) {
      clause = key;
      continue;
    }
    if (key === 'include') continue;
    if (!(CLAUSE_KEYWORDS[clause]?.has(key) ?? false))
      return `syntax error at line ${i + 1}: unknown keyword '${key}' in clause '${clause || 'none'}'`;
    if (key === 'local-zone') {
      const z = /^"([^"]+)"\s+(\S+)$/.exec(m[2] ?? '');
      if (z?.[2] === undefined || !ZONE_TYPES.has(z[2]))
        return `syntax error at line ${i + 1}: bad local-zone ${m[2] ?? ''}`;
    }
  }
  return undefined;
}

/** Restarts unbound from config (services_unbound_configure): it runs only if its config parses. */
export function restartUnbound(state: SimState): void {
  state.dirty.delete('unbound');
  if (!state.config.unbound.enable) {
    state.unbound = { running: false, customOptions: '', error: 'disabled' };
    state.onUnboundChange?.();
    return;
  }
  const error = checkConf(generatedConf(state));
  state.unbound =
    error === undefined
      ? { running: true, customOptions: state.config.unbound.custom_options }
      : { running: false, customOptions: '', error };
  state.onUnboundChange?.();
}

/** Local zones of the running config in declaration order, first declaration winning (localzone.c). */
function zones(state: SimState): Map<string, string> {
  const out = new Map<string, string>([['localdomain', 'transparent']]);
  let clause = 'server';
  for (const raw of state.unbound.customOptions.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, '').trim();
    const header = /^([a-z-]+):$/i.exec(line);
    if (header?.[1] !== undefined) clause = header[1].toLowerCase();
    const z = /^local-zone:\s+"([^"]+)"\s+(\S+)$/i.exec(line);
    if (clause !== 'server' || z?.[1] === undefined || z[2] === undefined) continue;
    const name = z[1].toLowerCase().replace(/\.$/, '');
    if (!out.has(name)) out.set(name, z[2]);
  }
  return out;
}

/** What the running resolver answers for a name (case-insensitive; the most specific zone decides). */
export function resolve(state: SimState, name: string, type: string): DnsVerdict {
  const z = zones(state);
  const labels = name.toLowerCase().replace(/\.$/, '').split('.');
  for (let i = 0; i < labels.length; i++) {
    const type2 = z.get(labels.slice(i).join('.'));
    if (type2 === undefined) continue;
    // always_nxdomain covers the name and everything below it; static/deny only the zone's own data.
    if (type2 === 'always_nxdomain' || (type2 === 'static' && i === 0)) return { rcode: 'NXDOMAIN' };
    if (type2 === 'always_refuse' || type2 === 'refuse' || type2 === 'always_deny')
      return { rcode: 'REFUSED' };
    break;
  }
  return plainAnswer(type);
}
