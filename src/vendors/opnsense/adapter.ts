/**
 * The OPNsense adapter. What iocwall manages on an OPNsense target:
 * - sets `ipv4`/`ipv6` → two `network` aliases, description `<marker> <setId>`, content newline-separated
 *   and always written whole in one `add_item`/`set_item`;
 * - set `dns` → 25.7.8+: a DNSBL policy whose description carries the marker and the set name,
 *   `wildcards` = the domains (domain and all subdomains); ≤25.7.7: the `wildcards` field of the single
 *   DNSBL object, owned only when it holds iocwall's sentinel entry (see adapter-dns.ts);
 * - rules `egress-ipv4`/`egress-ipv6` → single-interface automation filter rules (block/reject, quick,
 *   inbound on `options.interface`, default `lan`, destination = the alias), kept at a sequence below every
 *   pass rule of that interface (adapter-rules.ts); automation rules are evaluated before the legacy
 *   interface rules holding the default LAN allow rules.
 *
 * Releases, privileges, what is created and the known risks: docs/vendors/opnsense.md.
 *
 * Connection options: `credentials.key`/`credentials.secret` (API key and secret), `options.interface`,
 * `options.names` (set id → device name, for reporting same-named foreign objects before the first apply).
 */
import { ConfigError } from '../../errors.js';
import { objectNames } from '../ownership.js';
import type { CreateAdapter, FirewallAdapter, SetId } from '../types.js';
import { OpnsenseClient } from './client.js';
import { opnsenseCredentialsSchema, opnsenseOptionsSchema } from './options.js';
import { fetchSnapshot, observe } from './adapter-read.js';
import type { OpnsenseContext } from './adapter-types.js';
import { applyChanges, type ApplyMemory } from './adapter-apply.js';
import { othersDigest } from './adapter-savepoint.js';

/** Default device names (the default policy prefix) when neither options nor a desired state named them. */
export const DEFAULT_NAMES: Record<SetId, string> = pickSetNames(objectNames('iocwall'));

/** The set names of `objectNames` (the rule names are not device objects of their own here). */
function pickSetNames(n: Record<SetId, string>): Record<SetId, string> {
  return { ipv4: n.ipv4, ipv6: n.ipv6, dns: n.dns };
}

/**
 * Builds the adapter for one OPNsense target. Nothing is contacted until the first `read`/`apply`
 * (TLS verification, including fingerprint pinning, happens then).
 * @throws ConfigError for bad credentials shape or options.
 */
export const createOpnsenseAdapter: CreateAdapter = (connection, marker) => {
  const creds = opnsenseCredentialsSchema.safeParse(connection.credentials);
  if (!creds.success)
    throw new ConfigError(`target ${connection.name}: opnsense needs credentials key and secret`);
  const opts = opnsenseOptionsSchema.safeParse(connection.options);
  if (!opts.success) {
    throw new ConfigError(
      `target ${connection.name}: invalid opnsense options: ${opts.error.issues[0]?.message ?? ''}`,
    );
  }
  const given = { ...connection.objectNames, ...opts.data.names };
  const names: Record<SetId, string> = {
    ipv4: given.ipv4 ?? DEFAULT_NAMES.ipv4,
    ipv6: given.ipv6 ?? DEFAULT_NAMES.ipv6,
    dns: given.dns ?? DEFAULT_NAMES.dns,
  };
  const memory: ApplyMemory = {};
  let ctx: Promise<OpnsenseContext> | undefined;

  const context = (): Promise<OpnsenseContext> => {
    ctx ??= OpnsenseClient.connect({
      target: connection.name,
      endpoint: connection.endpoint,
      key: creds.data.key,
      secret: creds.data.secret,
      tls: connection.tls,
      timeoutMs: connection.timeoutMs,
      readOnly: connection.readOnly,
    }).then(
      (client) => ({ client, marker, iface: opts.data.interface, names }),
      (err: unknown) => {
        ctx = undefined; // a later call may retry the connection
        throw err;
      },
    );
    return ctx;
  };

  const adapter: FirewallAdapter = {
    vendor: 'opnsense',
    async read() {
      const c = await context();
      const snap = await fetchSnapshot(c);
      memory.othersAtRead = othersDigest(snap.rules, c.marker);
      return observe(c, snap);
    },
    async apply(changes, desired) {
      const c = await context();
      for (const s of desired.sets) names[s.id] = s.name;
      return applyChanges(c, memory, changes, desired);
    },
    async close() {
      const pending = ctx;
      ctx = undefined;
      if (pending !== undefined) (await pending.catch(() => undefined))?.client.close();
    },
  };
  return adapter;
};
