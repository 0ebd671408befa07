/**
 * Safety of the pfSense adapter: foreign objects, the administrator's custom options kept byte for byte, a
 * bad line never taking DNS down, ids shifting between read and write, the 128-entry cap of old pfrest,
 * changes pending before iocwall started, read-only runs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ForeignObjectError, ReadOnlyViolationError, VendorError } from '../../../src/errors.js';
import { queryDns } from '../../../src/vendors/simkit/dns-responder.js';
import { adapterFor, allChanges, desired, planFor, startSim, sync, type Running } from './helpers.js';

let r: Running | undefined;
afterEach(async () => {
  await r?.stop();
  r = undefined;
});

const D = desired(['192.0.2.0/24'], ['2001:db8::/48'], ['journalide.org']);
const ANY = z.unknown();

/** What the DNS Resolver's custom options hold. */
function customOptions(run: Running): string {
  return run.sim.state.config.unbound.custom_options;
}

describe('pfSense adapter safety', () => {
  it('reports an unmarked alias holding our name as foreign and never modifies it', async () => {
    r = await startSim();
    await r.admin.createForeignSet('ipv4', 'iocwall_v4');
    const adapter = adapterFor(r);
    const plan = await planFor(adapter, D);
    expect(plan.refusal).toMatch(/foreign object in the way: set iocwall_v4/);
    expect(plan.drift.map((x) => x.kind)).toContain('foreign-object');
    await expect(adapter.apply(allChanges(D), D)).rejects.toBeInstanceOf(ForeignObjectError);
    expect(r.sim.state.config.aliases.find((a) => a.name === 'iocwall_v4')?.address).toEqual([
      '198.51.100.0/24',
    ]);
  });

  it('reports an unmarked DNS block holding our name as foreign', async () => {
    r = await startSim();
    await r.admin.createForeignSet('dns', 'iocwall_dns');
    const plan = await planFor(adapterFor(r), D);
    expect(plan.refusal).toMatch(/foreign object in the way: set iocwall_dns/);
  });

  it("keeps the administrator's custom options byte for byte across syncs (CRLF, includes, comments)", async () => {
    const mine =
      'server:\r\n  include: /var/unbound/pfb_dnsbl.*conf\r\n# keep me  \r\nprivate-domain: "corp.example"\r\n';
    r = await startSim(undefined, { customOptions: mine, forwarding: true });
    const adapter = adapterFor(r);
    await sync(adapter, D);
    expect(customOptions(r).startsWith(mine)).toBe(true);
    await sync(adapter, desired(['192.0.2.0/24'], ['2001:db8::/48'], ['journalide.org', 'b.example']));
    expect(customOptions(r).startsWith(mine)).toBe(true);
    // DNS switched off in the policy: our block goes, the administrator's text is exactly as it was.
    const noDns = { ...D, sets: D.sets.filter((s) => s.id !== 'dns') };
    await sync(adapter, noDns);
    expect(customOptions(r)).toBe(mine);
    expect(r.sim.state.unbound.running).toBe(true);
  });

  it('starts the block with server: so it works after the forward-zone clauses (forwarding mode)', async () => {
    r = await startSim(undefined, { forwarding: true });
    await sync(adapterFor(r), D);
    expect(customOptions(r).split('\n')[1]).toBe('server:');
    expect(r.sim.state.unbound.running).toBe(true);
    expect((await queryDns(r.ep.dns, 'www.journalide.org')).rcode).toBe('NXDOMAIN');
  });

  it('finds a bad line injected by hand and does not take DNS down on the next sync', async () => {
    r = await startSim();
    const adapter = adapterFor(r);
    await sync(adapter, D);
    // Saved by hand without applying: Unbound still runs the previous configuration.
    await r.adminClient.patch(
      'services/dns_resolver/settings',
      { custom_options: `this line is not unbound syntax\n${customOptions(r)}` },
      ANY,
    );
    const plan = await planFor(
      adapter,
      desired(['192.0.2.0/24'], ['2001:db8::/48'], ['journalide.org', 'c.example']),
    );
    expect(plan.drift.map((x) => x.kind)).toContain('not-applied');
    await expect(adapter.apply(plan.changes, plan.desired)).rejects.toThrow(
      /cannot parse.*line 1: this line is not unbound syntax/,
    );
    expect(r.sim.state.unbound.running).toBe(true);
    expect((await queryDns(r.ep.dns, 'a.journalide.org')).rcode).toBe('NXDOMAIN');
  });

  it('rewrites a bad line injected inside its own block, and DNS keeps answering', async () => {
    r = await startSim();
    const adapter = adapterFor(r);
    await sync(adapter, D);
    const text = customOptions(r).replace('server:\n', 'server:\nlocal-zone "broken" nope\n');
    await r.adminClient.patch('services/dns_resolver/settings', { custom_options: text }, ANY);
    const plan = await planFor(adapter, D);
    expect(plan.drift.map((x) => x.kind)).toEqual(expect.arrayContaining(['extra-entry', 'not-applied']));
    expect((await sync(adapter, D)).drift).toEqual([]);
    expect(r.sim.state.unbound.running).toBe(true);
    expect((await queryDns(r.ep.dns, 'journalide.org')).rcode).toBe('NXDOMAIN');
  });

  it('restores the previous text when Unbound does not start after its write, and says so', async () => {
    r = await startSim();
    const adapter = adapterFor(r);
    await sync(adapter, D);
    const before = customOptions(r);
    // A keyword Unbound does not know passes the lexical check but stops Unbound when applied.
    await r.adminClient.patch(
      'services/dns_resolver/settings',
      { custom_options: `bogus-option: yes\n${before}` },
      ANY,
    );
    const d2 = desired(['192.0.2.0/24'], ['2001:db8::/48'], ['journalide.org', 'd.example']);
    const plan = await planFor(adapter, d2);
    await expect(adapter.apply(plan.changes, plan.desired)).rejects.toThrow(
      /Unbound is not running.*restored/,
    );
    expect(customOptions(r)).toBe(`bogus-option: yes\n${before}`);
    // The administrator's own line keeps it down: reported as drift by the next audit.
    expect((await planFor(adapter, d2)).drift.map((x) => x.kind)).toContain('not-applied');
  });

  it('fails safe when alias ids shift between its read and its PATCH', async () => {
    r = await startSim();
    await r.adminClient.post(
      'firewall/alias',
      { name: 'admin_first', type: 'network', descr: 'x', address: ['10.9.0.0/16'], detail: ['a'] },
      ANY,
    );
    const adapter = adapterFor(r);
    await sync(adapter, D);
    await r.adminClient.post(
      'firewall/alias',
      { name: 'admin_other', type: 'network', descr: 'x', address: ['10.8.0.0/16'], detail: ['a'] },
      ANY,
    );
    const sim = r.sim;
    sim.beforeHandle = (method, path) => {
      // The GUI deletes the first alias just before iocwall's PATCH: every later id moves down by one.
      if (method === 'PATCH' && path === 'firewall/alias') {
        sim.state.config.aliases.splice(0, 1);
        sim.beforeHandle = undefined;
      }
    };
    const d2 = desired(['192.0.2.0/24', '203.0.113.5'], ['2001:db8::/48'], ['journalide.org']);
    const plan = await planFor(adapter, d2);
    await expect(adapter.apply(plan.changes, plan.desired)).rejects.toThrow(/moved between read and write/);
    expect(sim.state.config.aliases.find((a) => a.name === 'admin_other')?.address).toEqual(['10.8.0.0/16']);
    expect((await sync(adapter, d2)).drift).toEqual([]);
  });

  it('on pfrest < 2.5.4 refuses an alias over 128 entries in the plan, with the reason and the upgrade; DNS is not capped', async () => {
    r = await startSim('2.7.2+pfrest-2.4.3');
    const adapter = adapterFor(r);
    const many = Array.from({ length: 129 }, (_, i) => `10.0.${Math.floor(i / 250)}.${i % 250}`);
    const domains = Array.from({ length: 200 }, (_, i) => `d${i}.example`);
    const plan = await planFor(adapter, desired(many, [], domains));
    expect(plan.refusal).toMatch(/iocwall_v4 needs 129 entries but the device holds at most 128.*2\.5\.4/);
    expect(plan.refusal).not.toMatch(/iocwall_dns/);
    const ok = await sync(adapter, desired(many.slice(0, 128), [], domains));
    expect(ok.drift).toEqual([]);
  });

  it('reports changes pending before iocwall started and names them when it applies', async () => {
    r = await startSim();
    const adapter = adapterFor(r);
    await sync(adapter, D);
    await r.adminClient.post(
      'firewall/alias',
      { name: 'admin_pending', type: 'network', descr: 'x', address: ['10.7.0.0/16'], detail: ['a'] },
      ANY,
    );
    const obs = await adapter.read();
    expect(obs.pendingApply).toBe(true);
    const plan = await planFor(adapter, D);
    expect(plan.drift.map((x) => x.kind)).toEqual(['not-applied']);
    const result = await adapter.apply(plan.changes, plan.desired);
    expect(result.warnings.join(' ')).toMatch(/saved before iocwall started \(pending: aliases\)/);
    expect((await adapter.read()).pendingApply).toBe(false);
  });

  it('a read-only adapter reads and never writes', async () => {
    r = await startSim();
    await sync(adapterFor(r), D);
    const writes = r.sim.writeCount();
    const ro = adapterFor(r, { readOnly: true });
    expect((await ro.read()).sets).toHaveLength(3);
    await expect(ro.apply(allChanges(D), D)).rejects.toBeInstanceOf(ReadOnlyViolationError);
    expect(r.sim.writeCount()).toBe(writes);
  });

  it('a VendorError names the missing privilege', async () => {
    r = await startSim(undefined, {
      users: {
        iocwall: { password: 'i0cW4ll-pW+7vT3k', privileges: ['api-v2-system-version-get'] },
        admin: { password: 'x1234567', privileges: ['page-all'] },
      },
    });
    const err = await adapterFor(r)
      .read()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VendorError);
    expect((err as Error).message).toMatch(/api-v2-system-restapi-version-get/);
  });
});
