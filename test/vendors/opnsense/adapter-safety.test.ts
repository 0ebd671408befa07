/**
 * The OPNsense adapter's safety properties against the simulator: action statuses are checked, a
 * rollback timer left by an interrupted apply cannot revert a later one, and the ≤25.7 DNSBL object is
 * touched only where iocwall wrote.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ForeignObjectError, VendorError } from '../../../src/errors.js';
import { createOpnsenseAdapter } from '../../../src/vendors/opnsense/adapter.js';
import { ruleIdOf } from '../../../src/vendors/opnsense/adapter-rules.js';
import { dnsSentinel } from '../../../src/vendors/opnsense/adapter-dns.js';
import type { OpnsenseSimulatorOptions } from '../../../src/vendors/opnsense/simulator/index.js';
import type { FirewallAdapter } from '../../../src/vendors/types.js';
import { MARKER, allChanges, connection, desired, raw, rowsOf, startSim, type Running } from './helpers.js';

const open: { r: Running; adapters: FirewallAdapter[] }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await Promise.all(o.adapters.map((a) => a.close()));
    await o.r.sim.stop();
  }
});

/** A simulator and a way to make adapters for it (each adapter is one run). */
async function setup(options: OpnsenseSimulatorOptions = {}): Promise<{
  r: Running;
  adapter: () => FirewallAdapter;
}> {
  const r = await startSim(options);
  const entry = { r, adapters: [] as FirewallAdapter[] };
  open.push(entry);
  const adapter = (): FirewallAdapter => {
    const a = createOpnsenseAdapter(connection(r.ep), MARKER);
    entry.adapters.push(a);
    return a;
  };
  return { r, adapter };
}

const D = desired(['192.0.2.0/24'], ['2001:db8::/48'], ['journalide.org']);
const IP_ONLY = allChanges(D).filter((c) => c.kind !== 'set' || c.setId !== 'dns');

/** The rejection of `p` (fails the test when it resolves). */
async function rejection(p: Promise<unknown>): Promise<VendorError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(VendorError);
  return e as VendorError;
}

describe('opnsense adapter: action results', () => {
  const cases: [string, string, OpnsenseSimulatorOptions['version']][] = [
    ['firewall/filter/apply', 'filter apply', '26.1'],
    ['firewall/filter/apply', 'filter apply', '26.7'],
    ['firewall/alias/reconfigure', 'alias reconfigure', '26.1'],
    ['firewall/filter/cancel_rollback', 'cancelling the rollback timer', '26.1'],
    ['unbound/service/dnsbl', 'DNSBL reload', '26.1'],
  ];
  for (const [route, what, version] of cases) {
    it(`${version}: a failed ${route} is an error naming the action, not a success`, async () => {
      const { r, adapter } = await setup({ version });
      r.sim.setFaults({ failStatus: { [route]: 'Execute error' } });
      const err = await rejection(adapter().apply(allChanges(D), D));
      expect(err.message).toContain(what);
      expect(err.message).toContain('Execute error');
      expect(err.details.transient).toBe(false);
    });
  }

  it('a failed move_rule_before is an error', async () => {
    const { r, adapter } = await setup();
    await raw(r.ep, 'POST', '/api/firewall/filter/add_rule', {
      body: { rule: { action: 'pass', interface: 'lan', ipprotocol: 'inet46', description: 'allow' } },
    });
    r.sim.setFaults({ failStatus: { 'firewall/filter/move_rule_before': 'failed' } });
    const err = await rejection(adapter().apply(IP_ONLY, D));
    expect(err.message).toContain('moving a block rule above a pass rule');
  });

  it("a timer left armed by an interrupted apply cannot revert the next run's rules", async () => {
    let skew = 0;
    const clock = (): number => Date.now() + skew;
    // Where `apply/{rev}` falls in the request sequence of this apply (a clean rehearsal).
    const rehearsal = await setup({ clock });
    await rehearsal.adapter().apply(IP_ONLY, D);
    const at = rehearsal.r.sim.requestLog.findIndex((x) => /\/filter\/apply\/./.test(x.path)) + 1;
    expect(at).toBeGreaterThan(1);

    const { r, adapter } = await setup({ clock });
    // Run 1: the connection drops right after apply/{rev} armed the 60 s timer.
    r.sim.setFaults({ resetAfterCalls: at });
    await rejection(adapter().apply(IP_ONLY, D));
    expect(r.sim.requestLog.some((x) => /\/filter\/apply\/\d/.test(x.path))).toBe(true);
    // Run 2, a few seconds later, with a fresh adapter (a new process): succeeds.
    skew += 5_000;
    const result = await adapter().apply(IP_ONLY, D);
    expect(result.warnings.some((w) => w.includes('earlier apply that did not finish'))).toBe(true);
    // Well after both timers' 60 s: the rules of run 2 are still there.
    skew += 120_000;
    const obs = await adapter().read();
    expect(obs.rules.map((x) => x.references).sort()).toEqual(['iocwall_v4', 'iocwall_v6']);
    const aliases = rowsOf(await raw(r.ep, 'GET', '/api/firewall/alias/search_item'));
    expect(aliases.filter((a) => String(a.description).includes('rollback:'))).toEqual([]);
  });
});

describe('opnsense adapter: the ≤25.7 DNSBL object', () => {
  /** Sets fields of the single DNSBL object as an administrator would. */
  async function adminDnsbl(r: Running, dnsbl: Record<string, string>): Promise<void> {
    const res = await raw(r.ep, 'POST', '/api/unbound/settings/set', { body: { unbound: { dnsbl } } });
    expect(res.body).toEqual({ result: 'saved' });
  }
  const dnsOnly = allChanges(D).filter((c) => c.kind === 'set' && c.setId === 'dns');
  const single = async (r: Running): Promise<Record<string, unknown>> =>
    (await raw(r.ep, 'GET', '/api/unbound/settings/get')).body.unbound.dnsbl as Record<string, unknown>;

  it('reports wildcards iocwall did not write as foreign and never touches them', async () => {
    const { r, adapter } = await setup({ version: '25.7' });
    await adminDnsbl(r, { enabled: '1', wildcards: 'admin.example,other.example' });
    const a = adapter();
    const obs = await a.read();
    expect(obs.sets).toEqual([]);
    expect(obs.foreign).toEqual([
      {
        kind: 'set',
        name: 'iocwall_dns',
        detail: expect.stringContaining('already holds 2 entries iocwall did not write') as string,
      },
    ]);
    await expect(a.apply(dnsOnly, D)).rejects.toBeInstanceOf(ForeignObjectError);
    expect(Object.keys((await single(r)).wildcards as object).sort()).toEqual([
      'admin.example',
      'other.example',
    ]);
  });

  it('owns the field through its sentinel: reads its own entries back, without the sentinel', async () => {
    const { r, adapter } = await setup({ version: '25.7' });
    await adapter().apply(dnsOnly, D);
    expect(Object.keys((await single(r)).wildcards as object)).toContain(dnsSentinel(MARKER));
    const obs = await adapter().read();
    expect(obs.foreign).toEqual([]);
    expect(obs.sets).toEqual([
      expect.objectContaining({ id: 'dns', name: 'iocwall_dns', entries: ['journalide.org'] }),
    ]);
    expect(r.sim.dnsBlocked('www.journalide.org')).toBe(true);
  });

  it("does not switch on a disabled DNSBL holding the administrator's predefined lists", async () => {
    const { r, adapter } = await setup({ version: '25.7' });
    await adminDnsbl(r, { enabled: '0', type: 'atf', blocklists: 'exact.example' });
    const err = await rejection(adapter().apply(dnsOnly, D));
    expect(err.message).toMatch(/disabled/);
    expect((await single(r)).enabled).toBe('0');
    expect(r.sim.dnsBlocked('exact.example')).toBe(false);
    // Drift, not success: a disabled object blocks nothing.
    expect((await adapter().read()).sets).toEqual([expect.objectContaining({ id: 'dns', entries: [] })]);
  });

  it('does not switch the DNSBL back on after an administrator switched it off', async () => {
    const { r, adapter } = await setup({ version: '25.7' });
    await adapter().apply(dnsOnly, D);
    await adminDnsbl(r, { enabled: '0' });
    await rejection(adapter().apply(dnsOnly, D));
    expect((await single(r)).enabled).toBe('0');
  });
});

describe('opnsense adapter: ruleIdOf', () => {
  it('tells the rule from its address family, whatever its description says', () => {
    expect(ruleIdOf({ ipprotocol: 'inet6' })).toBe('egress-ipv6');
    expect(ruleIdOf({ ipprotocol: 'inet' })).toBe('egress-ipv4');
    const named = { ipprotocol: 'inet6', description: `x egress-ipv4 ${MARKER}` };
    expect(ruleIdOf(named)).toBe('egress-ipv6');
  });
});
