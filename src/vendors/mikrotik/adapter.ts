/**
 * The MikroTik RouterOS adapter over the binary API (our own client, see README.md).
 *
 * Mapping: sets `ipv4`/`ipv6` → entries of the address list `DesiredSet.name` in `/ip/firewall/address-list`
 * and `/ipv6/firewall/address-list`, each with `comment=<marker>`; set `dns` → `/ip/dns/static` entries
 * (`type=NXDOMAIN match-subdomain=yes` on RouterOS 7; on 6 the regexp form with an `A 0.0.0.0` sinkhole);
 * rules `egress-ipv4`/`egress-ipv6` → `chain=forward action=drop|reject dst-address-list=<list>` filter rules
 * with `comment=DesiredRule.name`, placed above the chain's first accept rule (plus `output` and raw
 * `prerouting` rules when `options.outputChain` / `options.raw`).
 */
import { ConfigError } from '../../errors.js';
import type {
  AdapterFactory,
  ApplyResult,
  Change,
  DesiredState,
  FirewallAdapter,
  ObservedState,
  TargetConnection,
} from '../types.js';
import { connectRouterOs, type RouterOsClient } from './client.js';
import type { AdapterContext, Session } from './adapter-model.js';
import { observe } from './adapter-read.js';
import { deleteRule, ensureRule } from './adapter-rules.js';
import { applySetChange } from './adapter-sets.js';
import { parseOptions } from './schema.js';
import { parseVersion } from './values.js';

class MikrotikAdapter implements FirewallAdapter {
  readonly vendor = 'mikrotik' as const;
  private session: Session | undefined;
  private readonly ctx: AdapterContext;

  constructor(
    private readonly connection: TargetConnection,
    marker: string,
  ) {
    this.ctx = {
      target: connection.name,
      marker,
      options: parseOptions(connection.options, connection.name),
      // The policy's names are known before the first apply, so a hand-made list with our name is
      // reported as foreign from the very first read.
      knownLists: {
        ipv4: new Set(connection.objectNames ? [connection.objectNames.ipv4] : []),
        ipv6: new Set(connection.objectNames ? [connection.objectNames.ipv6] : []),
      },
      ...(connection.objectNames ? { dnsName: connection.objectNames.dns } : {}),
    };
  }

  /** The logged-in session; reconnects after a lost connection (so a second `apply` can converge). */
  private async open(): Promise<Session> {
    if (this.session?.client.alive === true) return this.session;
    const { username, password } = this.connection.credentials;
    if (username === undefined || password === undefined) {
      throw new ConfigError(
        `target ${this.connection.name}: mikrotik needs credentials username and password`,
      );
    }
    const client: RouterOsClient = await connectRouterOs({
      endpoint: this.connection.endpoint,
      username,
      password,
      timeoutMs: this.connection.timeoutMs,
      readOnly: this.connection.readOnly,
      tls: this.connection.tls,
      target: this.connection.name,
    });
    const reply = await client.write({
      command: '/system/resource/print',
      attributes: { '.proplist': 'version' },
    });
    const version = parseVersion(reply.rows[0]?.version ?? '');
    this.session = { client, v7: version.major >= 7, version: version.number };
    return this.session;
  }

  async read(): Promise<ObservedState> {
    return observe(await this.open(), this.ctx);
  }

  async apply(changes: readonly Change[], desired: DesiredState): Promise<ApplyResult> {
    const session = await this.open();
    const before = session.client.commandsSent;
    const warnings: string[] = [];
    for (const s of desired.sets) {
      if (s.id === 'ipv4' || s.id === 'ipv6') this.ctx.knownLists[s.id].add(s.name);
      else this.ctx.dnsName = s.name;
    }
    const setChanges = changes.filter((c) => c.kind === 'set');
    const ruleChanges = changes.filter((c) => c.kind === 'rule');
    const ensure = ruleChanges.filter((c) => c.op !== 'delete');
    const made = new Set(ensure.map((c) => c.rule.name));
    const deletes = ruleChanges.filter((c) => c.op === 'delete');
    // Make before break: new and updated sets, then the wanted rules, and only then the rules and sets
    // that go away (after a prefix change the old rule keeps blocking until the new one is in place; a
    // rule goes before the set it references). A delete naming a rule that is also (re)made runs first,
    // so the result is the wanted rule whatever the plan says.
    for (const c of deletes) if (made.has(c.name)) await deleteRule(session.client, c.name, this.ctx);
    for (const c of setChanges) {
      if (c.op !== 'delete') await applySetChange(session, c, desired, this.ctx, warnings);
    }
    for (const c of ensure) await ensureRule(session.client, c.rule, desired, this.ctx);
    for (const c of deletes) if (!made.has(c.name)) await deleteRule(session.client, c.name, this.ctx);
    for (const c of setChanges) {
      if (c.op === 'delete') await applySetChange(session, c, desired, this.ctx, warnings);
    }
    // `kind: 'apply'` needs nothing: RouterOS applies each accepted command immediately.
    return { calls: session.client.commandsSent - before, warnings };
  }

  async close(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    if (s !== undefined) await s.client.close();
  }
}

/**
 * Builds the MikroTik adapter for a target (`tcp://host:8728` or `tls://host:8729`, credentials
 * `{username, password}`, options `{outputChain?, raw?, maxEntriesPerSet?, window?, dnsSetName?}`).
 * @throws ConfigError on invalid options.
 */
export const createMikrotikAdapter: AdapterFactory = (connection, marker) =>
  new MikrotikAdapter(connection, marker);
