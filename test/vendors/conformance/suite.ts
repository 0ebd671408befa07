/**
 * The adapter conformance suite: one behaviour every vendor shows, at every release its simulator plays.
 * It knows no vendor: it starts the device through the vendor module's lab entry, drives iocwall through
 * its CLI, makes an administrator's hand edits through the device's own API (`LabDeviceHandle.admin`),
 * and proves blocking by asking the device's resolver.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeName } from '../../../src/lab/probe.js';
import type { RuleId, VendorModule } from '../../../src/vendors/types.js';
import {
  addChange,
  DOMAINS,
  IPS,
  IPV6,
  NAMES,
  ruleName,
  startConformanceTarget,
  type ConformanceTarget,
  type Finding,
} from './fixture.js';

/** Values that carry another protocol's metacharacters: none may reach a device. */
const HOSTILE = {
  ipv4: ['198.51.100.1\n=disabled=yes', '198.51.100.2,10.0.0.0/8', '198.51.100.3"/><x', '198.51.100.4 any'],
  dns: [
    'evil.example\nlocal-zone: "." always_nxdomain',
    'evil.example"><Name>x</Name>',
    'evil.example =disabled=yes',
    'evil.example;reboot',
    'evil.example/../../x',
  ],
} as const;

/** Runs the conformance suite for one vendor at one release. */
export function conformanceSuite(module: VendorModule, firmware: string): void {
  describe(`${module.id} ${firmware}: adapter conformance`, () => {
    let t: ConformanceTarget;
    const feed = [...IPS, ...DOMAINS, ...(module.capabilities.ipv6 ? [IPV6] : [])];

    beforeAll(async () => {
      t = await startConformanceTarget(module, firmware, feed);
    });
    afterAll(async () => {
      await t.stop();
    });

    /** Audit must find `kind` (on `value` when given) and send no write; sync repairs; audit is clean. */
    async function foundAndRepaired(kind: string, value?: string): Promise<void> {
      const audit = await t.audit();
      expect(audit.writes, 'a read-only audit sent a write').toBe(0);
      expect(audit.code, JSON.stringify(audit.findings)).toBe(2);
      expect(audit.findings).toEqual(
        expect.arrayContaining([
          expect.objectContaining<Partial<Finding>>(value ? { kind, value } : { kind }),
        ]),
      );
      const sync = await t.run('sync');
      expect(sync.code, sync.stderr).toBe(0);
      const after = await t.audit();
      expect(after.code, JSON.stringify(after.findings)).toBe(0);
    }

    it('creates everything, reads it back in sync, and a second sync plans nothing', async () => {
      const first = await t.run('sync');
      expect(first.code, first.stderr).toBe(0);
      const audit = await t.audit();
      expect(audit.code, JSON.stringify(audit.findings)).toBe(0);
      expect(audit.writes).toBe(0);
      const plan = await t.run('plan');
      expect(plan.code, plan.stdout).toBe(0);
      const writes = t.device.writeCount();
      expect((await t.run('sync')).code).toBe(0);
      expect(t.device.writeCount(), 'a no-op sync wrote to the device').toBe(writes);
    });

    it('blocks a listed domain and its subdomains for a LAN client (resolver or rule), in any case', async () => {
      for (const name of ['journalide.org', 'www.journalide.org', 'CDN.JournalIDE.org']) {
        const verdict = await probeName(t.device, name);
        expect(verdict.blocked, `${name}: ${verdict.summary}`).toBe(true);
      }
      expect((await probeName(t.device, 'example.com')).blocked).toBe(false);
    });

    it('adds and removes entries as the feed changes', async () => {
      t.setFeed([...t.feed.filter((v) => v !== 'sbmsa.wiki' && v !== '45.76.1.1'), '45.76.2.2']);
      const sync = await t.run('sync');
      expect(sync.code, sync.stderr).toBe(0);
      expect((await t.audit()).code).toBe(0);
      expect((await probeName(t.device, 'sbmsa.wiki')).blocked).toBe(false);
      const plan = await t.run('plan', '--json');
      expect(plan.code).toBe(0);
    });

    it('finds a removed entry (missing-entry) without writing, and repairs it', async () => {
      await t.device.admin.removeEntry('ipv4', NAMES.ipv4, '172.93.201.88');
      await foundAndRepaired('missing-entry', '172.93.201.88');
    });

    it('finds a removed domain, whose name then resolves again, and repairs it', async () => {
      await t.device.admin.removeEntry('dns', NAMES.dns, 'msstorageazure.com');
      const audit = await t.audit();
      expect(audit.findings).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ kind: 'missing-entry', value: 'msstorageazure.com' }),
        ]),
      );
      expect((await t.run('sync')).code).toBe(0);
      expect((await probeName(t.device, 'x.msstorageazure.com')).blocked).toBe(true);
    });

    it('finds an entry added by hand: removes it when it is part of our object, refuses when it is not', async () => {
      await t.device.admin.addEntry('ipv4', NAMES.ipv4, '198.51.100.7');
      const audit = await t.audit();
      expect(audit.writes).toBe(0);
      expect(audit.code).toBe(2);
      const finding = audit.findings.find(
        (f) => f.value === '198.51.100.7' || f.detail.includes('198.51.100.7'),
      );
      expect(finding?.kind, JSON.stringify(audit.findings)).toMatch(/^(extra-entry|foreign-object)$/);
      if (finding?.kind === 'extra-entry') {
        // A value inside a marked object (an alias's content): ours to correct.
        await foundAndRepaired('extra-entry', '198.51.100.7');
        return;
      }
      // An object of its own without our marker (a RouterOS list row, a Sophos host): never touched.
      const writes = t.device.writeCount();
      expect((await t.run('sync')).code).toBe(3);
      expect(t.device.writeCount()).toBe(writes);
      await t.device.admin.removeEntry('ipv4', NAMES.ipv4, '198.51.100.7');
      expect((await t.audit()).code).toBe(0);
    });

    const rule: RuleId = 'egress-ipv4';
    it('finds a disabled rule (rule-disabled), and enables it', async () => {
      await t.device.admin.disableRule(rule, ruleName(rule));
      await foundAndRepaired('rule-disabled');
    });

    it('finds a deleted rule (rule-missing), and recreates it', async () => {
      await t.device.admin.deleteRule(rule, ruleName(rule));
      await foundAndRepaired('rule-missing');
    });

    it('finds an allow rule put before ours (rule-order), and moves ours back to the top', async () => {
      await t.device.admin.allowAbove(rule, ruleName(rule));
      await foundAndRepaired('rule-order');
    });

    it('finds configuration saved but not applied (not-applied), where the vendor has it', async () => {
      const admin = t.device.admin;
      if (!admin.saveWithoutApply) return; // the vendor applies every write at once: no such state exists
      await admin.saveWithoutApply('ipv4', NAMES.ipv4, '198.51.100.8');
      await foundAndRepaired('not-applied');
    });

    it('a read-only transport sends no write, even when asked to apply', async () => {
      const adapter = await t.adapter(true);
      try {
        const observed = await adapter.read();
        const v4 = observed.sets.find((s) => s.id === 'ipv4')?.entries ?? [];
        const before = t.device.writeCount();
        await expect(
          adapter.apply(
            [addChange('ipv4', v4, ['198.51.100.9'])],
            t.desired({ ipv4: [...v4, '198.51.100.9'] }),
          ),
        ).rejects.toThrow();
        expect(t.device.writeCount()).toBe(before);
      } finally {
        await adapter.close();
      }
    });

    it('refuses values with protocol metacharacters before anything is sent', async () => {
      const adapter = await t.adapter(false);
      try {
        const observed = await adapter.read();
        for (const set of ['ipv4', 'dns'] as const) {
          const current = observed.sets.find((s) => s.id === set)?.entries ?? [];
          for (const value of HOSTILE[set]) {
            const before = t.device.writeCount();
            await expect(
              adapter.apply([addChange(set, current, [value])], t.desired({ [set]: [...current, value] })),
              JSON.stringify(value),
            ).rejects.toThrow();
            expect(t.device.writeCount(), `${JSON.stringify(value)} reached the device`).toBe(before);
          }
        }
      } finally {
        await adapter.close();
      }
      expect((await t.audit()).code).toBe(0);
    });

    it('converges on the next run after the connection drops mid-apply', async () => {
      t.setFeed([...t.feed, '45.76.3.3', '45.76.4.4', 'evil-c2.example.net']);
      t.device.dropConnectionAfter(2);
      const cut = await t.run('sync');
      expect(cut.code).not.toBe(0);
      const again = await t.run('sync');
      expect(again.code, again.stderr).toBe(0);
      const audit = await t.audit();
      expect(audit.code, JSON.stringify(audit.findings)).toBe(0);
    });

    it('stops at an unmarked object holding one of our names (exit 3) and leaves it alone', async () => {
      const names = { ipv4: 'other_v4' };
      await t.device.admin.createForeignSet('ipv4', names.ipv4);
      t.fx.editConfig((c) => {
        c.defaults = { policy: { prefix: 'other' } };
      });
      const writes = t.device.writeCount();
      const res = await t.run('sync');
      expect(res.code, res.stderr).toBe(3);
      expect(res.stderr).toMatch(/foreign/i);
      expect(t.device.writeCount(), 'wrote despite the foreign object').toBe(writes);
      t.fx.editConfig((c) => {
        delete c.defaults;
      });
      expect((await t.audit()).code).toBe(0);
    });

    it('converges when the policy prefix changes, and back', async () => {
      t.fx.editConfig((c) => {
        c.defaults = { policy: { prefix: 'ioc2' } };
      });
      const moved = await t.run('sync', '--force');
      expect(moved.code, moved.stderr).toBe(0);
      expect((await t.audit()).code).toBe(0);
      expect((await probeName(t.device, 'a.journalide.org')).blocked).toBe(true);
      t.fx.editConfig((c) => {
        delete c.defaults;
      });
      const back = await t.run('sync', '--force');
      expect(back.code, back.stderr).toBe(0);
      const audit = await t.audit();
      expect(audit.code, JSON.stringify(audit.findings)).toBe(0);
      expect((await probeName(t.device, 'a.journalide.org')).blocked).toBe(true);
    });
  });
}
