/**
 * The MikroTik RouterOS adapter over the binary API (our own client, see README.md).
 *
 * Mapping: sets `ipv4`/`ipv6` → entries of the address list `DesiredSet.name` in `/ip/firewall/address-list`
 * and `/ipv6/firewall/address-list`, each with `comment=<marker>`; set `dns` → `/ip/dns/static` entries
 * (`type=NXDOMAIN`, with `match-subdomain=yes` from 7.5, a case-insensitive regexp before); rules
 * `egress-ipv4`/`egress-ipv6` → `chain=forward action=drop|reject dst-address-list=<list>` filter rules
 * with `comment=DesiredRule.name`, placed above the chain's first accept or fasttrack rule (plus `output`
 * and raw `prerouting` rules when `options.outputChain` / `options.raw`). See docs/vendors/mikrotik.md.
 */
import { ConfigError, VendorError } from '../../errors.js';
import type {
  ApplyResult,
  Change,
  CreateAdapter,
  DesiredState,
  FirewallAdapter,
  ObservedState,
  TargetConnection,
} from '../types.js';
import { connectRouterOs, RouterOsTrapError, type RouterOsClient } from './client.js';
import type { AdapterContext, Session } from './adapter-model.js';
import { observe } from './adapter-read.js';
import { deleteRule, ensureRule } from './adapter-rules.js';
import { applySetChange } from './adapter-sets.js';
import { releaseFeatures } from './releases.js';
import { parseOptions } from './schema.js';
import { parseVersion } from './values.js';

/**
 * Whether the router has `/ipv6` menus. RouterOS 6 without the `ipv6` package traps `no such command or
 * directory (ipv6)` (category 0) for every `/ipv6/...` command (firmware-fidelity M1), so one cheap count
 * tells — feature detection, not version parsing: a v6 router may or may not have the package enabled.
 */
async function probeIpv6(client: RouterOsClient): Promise<boolean> {
  try {
    await client.write({ command: '/ipv6/firewall/filter/print', attributes: { 'count-only': '' } });
    return true;
  } catch (err) {
    if (err instanceof RouterOsTrapError && err.trapMessage.startsWith('no such command')) return false;
    throw err;
  }
}

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
      scanTimeoutMs: this.ctx.options.scanTimeoutMs,
      readOnly: this.connection.readOnly,
      tls: this.connection.tls,
      target: this.connection.name,
    });
    const reply = await client.write({
      command: '/system/resource/print',
      attributes: { '.proplist': 'version' },
    });
    const version = parseVersion(reply.rows[0]?.version ?? '');
    // `match-subdomain` cannot be probed without a write; the 7.5 changelog dates it (releases.ts).
    const features = releaseFeatures(version.number);
    this.session = {
      client,
      dnsForm: features.matchSubdomain ? 'match-subdomain' : 'regexp',
      ipv6: await probeIpv6(client),
      version: version.number,
    };
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
    // In the planner's order (types.ts): sets made before the rules that use them, rules removed before
    // their sets. Consecutive ensures of one rule (an `update` and a `move` of the same drift) converge
    // in one pass, so a repeat is skipped.
    let lastEnsured: string | undefined;
    for (const c of changes) {
      if (c.kind === 'set') {
        await applySetChange(session, c, desired, this.ctx, warnings);
      } else if (c.kind === 'rule' && c.op === 'delete') {
        await deleteRule(session, c.name, this.ctx);
      } else if (c.kind === 'rule' && c.name !== lastEnsured) {
        if (c.rule.family === 'ipv6' && !session.ipv6) throw noIpv6(this.connection.name);
        await ensureRule(session.client, c.rule, desired, this.ctx);
      }
      lastEnsured = c.kind === 'rule' && c.op !== 'delete' ? c.name : undefined;
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

function noIpv6(target: string): VendorError {
  return new VendorError(`${target} has no /ipv6 menus (RouterOS 6 without the ipv6 package)`, {
    vendor: 'mikrotik',
    target,
    operation: 'apply rule',
    transient: false,
  });
}

/**
 * Builds the MikroTik adapter for a target (`tcp://host:8728` or `tls://host:8729`, credentials
 * `{username, password}`, options `{outputChain?, raw?, maxEntriesPerSet?, window?, dnsSetName?}`).
 * @throws ConfigError on invalid options.
 */
export const createMikrotikAdapter: CreateAdapter = (connection, marker) =>
  new MikrotikAdapter(connection, marker);
