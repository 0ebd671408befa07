/**
 * The Sophos Firewall (SFOS) adapter over the XML API. What iocwall manages on an SFOS target
 * (sophos-facts.md §12):
 * - sets `ipv4`/`ipv6` → one IPHostGroup per family, description `<marker> <setId>`, whose members are
 *   managed IPHosts (`<group>_…`, same description): IPv4 addresses in IP list shards, networks, ranges;
 * - set `dns` → one FQDNHostGroup whose members are FQDNHosts `d` and `*.d` per domain;
 * - rules `egress-ipv4`/`egress-ipv6` → firewall rules named after the rule (marker in Description),
 *   source zones `options.sourceZones` (LAN), destination zones `options.destinationZones` (WAN), the
 *   family's group (+ the FQDN group on IPv4) as destination networks, Drop/Reject, logging on, Top.
 * Anything else on the device — including SFOS 22's `apiconfig*` hosts of the API allow-list — is never
 * read as ours, modified or deleted.
 */
import { ConfigError } from '../../errors.js';
import { objectNames } from '../ownership.js';
import type { ApplyResult, Change, CreateAdapter, FirewallAdapter, SetId } from '../types.js';
import { SophosClient } from './client.js';
import { sophosCredentialsSchema, sophosOptionsSchema } from './options.js';
import { fetchSnapshot, observe, type SophosContext } from './adapter-read.js';
import { writeRule } from './adapter-rules.js';
import { deleteSet, ruleSnap, writeSet } from './adapter-sets.js';

/** The device rule names that go with set names (`<prefix>_v4` → `<prefix>_egress_v4`). */
function ruleNamesFor(names: Record<SetId, string>): string[] {
  const prefix = names.ipv4.replace(/_v4$/, '');
  const n = objectNames(prefix);
  return [n.egressV4, n.egressV6];
}

/**
 * Builds the adapter for one SFOS target. Nothing is contacted until the first `read`/`apply`.
 * @throws ConfigError for a bad credentials shape or options.
 */
export const createSophosAdapter: CreateAdapter = (connection, marker) => {
  const creds = sophosCredentialsSchema.safeParse(connection.credentials);
  if (!creds.success)
    throw new ConfigError(`target ${connection.name}: sophos needs credentials username and password`);
  const opts = sophosOptionsSchema.safeParse(connection.options);
  if (!opts.success)
    throw new ConfigError(
      `target ${connection.name}: invalid sophos options: ${opts.error.issues[0]?.message ?? ''}`,
    );
  const defaults = objectNames('iocwall');
  const given = { ...connection.objectNames, ...opts.data.names };
  const names: Record<SetId, string> = {
    ipv4: given.ipv4 ?? defaults.ipv4,
    ipv6: given.ipv6 ?? defaults.ipv6,
    dns: given.dns ?? defaults.dns,
  };
  let ctx: Promise<SophosContext> | undefined;
  const context = (): Promise<SophosContext> => {
    ctx ??= SophosClient.connect({
      target: connection.name,
      endpoint: connection.endpoint,
      username: creds.data.username,
      password: creds.data.password,
      tls: connection.tls,
      timeoutMs: connection.timeoutMs,
      readOnly: connection.readOnly,
    }).then(
      (client) => ({
        client,
        target: connection.name,
        marker,
        names,
        sourceZones: opts.data.sourceZones,
        destinationZones: opts.data.destinationZones,
        ipListSize: opts.data.ipListSize,
        maxEntries: opts.data.maxEntries,
      }),
      (err: unknown) => {
        ctx = undefined;
        throw err;
      },
    );
    return ctx;
  };

  const adapter: FirewallAdapter = {
    vendor: 'sophos',
    async read() {
      const c = await context();
      return observe(c, await fetchSnapshot(c.client), ruleNamesFor(c.names));
    },
    async apply(changes, desired): Promise<ApplyResult> {
      const c = await context();
      for (const s of desired.sets) names[s.id] = s.name;
      const start = c.client.calls;
      const warnings: string[] = [];
      // In the planner's order (types.ts): sets before the rules using them, rules deleted before their sets.
      for (const change of changes) await applyOne(c, change, desired, warnings);
      return { calls: c.client.calls - start, warnings };
    },
    async close() {
      const pending = ctx;
      ctx = undefined;
      if (pending !== undefined) (await pending.catch(() => undefined))?.client.close();
    },
  };
  return adapter;
};

async function applyOne(
  c: SophosContext,
  change: Change,
  desired: Parameters<FirewallAdapter['apply']>[1],
  warnings: string[],
): Promise<void> {
  if (change.kind === 'apply') return; // SFOS applies every write at once: nothing pending to apply
  if (change.kind === 'set') {
    if (change.op === 'delete') await deleteSet(c, change, desired, warnings);
    else await writeSet(c, change, desired, warnings);
    return;
  }
  await writeRule(c, await ruleSnap(c), change);
}
