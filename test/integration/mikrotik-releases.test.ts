/**
 * A user's story on every RouterOS release range the lab plays: `lab --firmware mikrotik=X`, sync twice,
 * a plan with nothing to do, an administrator's hand edit found by a read-only audit, a repair, and the
 * router's own resolver answering NXDOMAIN for a blocked name's subdomains.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIKROTIK_FIRMWARE } from '../../src/vendors/mikrotik/releases.js';
import { queryDns } from '../../src/vendors/simkit/dns-responder.js';
import { labFixture, type LabFixture } from './helpers.js';

const FEED = ['23.254.211.230', '172.93.201.88', '193.233.20.0/24', 'journalide.org', '2a0c:5a80::1'];

interface Audit {
  targets: { status: string; drift: { kind: string; object: string; value: string | null }[] }[];
}

for (const { releases, example } of MIKROTIK_FIRMWARE) {
  describe(`RouterOS ${releases} (lab --firmware mikrotik=${example})`, () => {
    let fx: LabFixture;
    beforeAll(async () => {
      fx = await labFixture({ vendors: ['mikrotik'], firmware: { mikrotik: example } }, FEED);
    });
    afterAll(async () => {
      await fx.lab.stop();
    });

    it('plays the release asked for', () => {
      expect(fx.device('mikrotik').firmware).toBe(example);
    });

    it('sync creates, a second sync and a plan change nothing', async () => {
      const first = await fx.run('sync', '--json');
      expect(first.code).toBe(0);
      expect((JSON.parse(first.stdout) as Audit).targets[0]!.status).toBe('applied');
      const second = await fx.run('sync', '--json');
      expect(second.code).toBe(0);
      expect((JSON.parse(second.stdout) as Audit).targets[0]!.status).toBe('in-sync');
      const plan = await fx.run('plan', '--json');
      expect(plan.code).toBe(0);
      const planned = JSON.parse(plan.stdout) as { targets: { changes: unknown[]; drift: unknown[] }[] };
      expect(planned.targets[0]).toMatchObject({ changes: [], drift: [] });
    });

    it("a read-only audit finds the administrator's hand edit, sync repairs it", async () => {
      const device = fx.device('mikrotik');
      await device.admin.removeEntry('ipv4', 'iocwall_v4', '172.93.201.88');
      await device.admin.disableRule('egress-ipv4', 'iocwall_egress_v4 iocwall:lab');
      const writes = device.writeCount();
      const audit = await fx.run('audit', '--json');
      expect(audit.code).toBe(2);
      expect((JSON.parse(audit.stdout) as Audit).targets[0]!.drift).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ kind: 'missing-entry', value: '172.93.201.88' }),
          expect.objectContaining({ kind: 'rule-disabled' }),
        ]),
      );
      expect(device.writeCount()).toBe(writes);
      expect((await fx.run('sync')).code).toBe(0);
      expect((await fx.run('audit')).code).toBe(0);
    });

    it("the router's resolver answers NXDOMAIN for a blocked name and its subdomains, any type or case", async () => {
      const { dns } = fx.device('mikrotik');
      for (const name of ['journalide.org', 'cdn.journalide.org', 'CDN.JournalIDE.org'])
        for (const type of ['A', 'AAAA'] as const)
          expect((await queryDns(dns, name, type)).rcode, `${name} ${type}`).toBe('NXDOMAIN');
      expect((await queryDns(dns, 'example.org')).rcode).toBe('NOERROR');
    });
  });
}
