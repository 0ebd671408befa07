/**
 * A user's story on one OPNsense release, through the CLI against a lab device playing that release:
 * sync twice, a no-op plan, an administrator's hand edit found by a read-only audit, a repair, and the
 * device's resolver answering NXDOMAIN for a blocked name's subdomain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryDns } from '../../src/vendors/simkit/dns-responder.js';
import { labFixture, type LabFixture } from './helpers.js';

/** The feed every story uses. */
export const STORY_FEED = [
  '23.254.211.230',
  '172.93.201.88',
  'journalide.org',
  'msstorageazure.com',
  '2a0c:5a80::1',
];

/** Drift findings of an `audit --json`. */
type AuditJson = { targets: { status: string; drift: { kind: string; value: string | null }[] }[] };

/** Registers the story for `firmware` (a `describe` with one lab shared by its steps). */
export function opnsenseStory(firmware: string): void {
  describe(`OPNsense ${firmware}: a user's story`, () => {
    let fx: LabFixture;
    beforeAll(async () => {
      fx = await labFixture({ vendors: ['opnsense'], firmware: { opnsense: firmware } }, STORY_FEED);
    });
    afterAll(async () => {
      await fx.lab.stop();
    });

    it('plays exactly that release', () => {
      expect(fx.device('opnsense').firmware).toBe(firmware);
    });

    it('syncs, then a second sync and a plan change nothing', async () => {
      const first = await fx.run('sync', '--json');
      expect(first.code).toBe(0);
      expect(JSON.parse(first.stdout)).toMatchObject({ targets: [{ status: 'applied', warnings: [] }] });
      const second = await fx.run('sync', '--json');
      expect(JSON.parse(second.stdout)).toMatchObject({ targets: [{ status: 'in-sync' }] });
      const plan = await fx.run('plan');
      expect(plan.code).toBe(0);
      expect(plan.stdout).toContain('no changes');
    });

    it("the device's resolver answers NXDOMAIN for a blocked name's subdomains, in any case and type", async () => {
      const dns = fx.device('opnsense').dns;
      expect((await queryDns(dns, 'cdn.journalide.org')).rcode).toBe('NXDOMAIN');
      expect((await queryDns(dns, 'WWW.MsStorageAzure.com', 'AAAA')).rcode).toBe('NXDOMAIN');
      expect((await queryDns(dns, 'journalide.org')).rcode).toBe('NXDOMAIN');
      expect(await queryDns(dns, 'example.org')).toEqual({ rcode: 'NOERROR', addresses: ['192.0.2.10'] });
    });

    it('a read-only audit finds hand edits without writing; sync repairs them', async () => {
      const device = fx.device('opnsense');
      await device.admin.removeEntry('ipv4', 'iocwall_v4', '172.93.201.88');
      await device.admin.disableRule('egress-ipv4', 'iocwall_egress_v4');
      await device.admin.removeEntry('dns', 'iocwall_dns', 'msstorageazure.com');
      const writes = device.writeCount();
      const audit = await fx.run('audit', '--json');
      expect(audit.code).toBe(2);
      expect(device.writeCount()).toBe(writes);
      const drift = (JSON.parse(audit.stdout) as AuditJson).targets[0]!.drift;
      expect(drift).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ kind: 'missing-entry', value: '172.93.201.88' }),
          expect.objectContaining({ kind: 'missing-entry', value: 'msstorageazure.com' }),
          expect.objectContaining({ kind: 'rule-disabled' }),
        ]),
      );
      expect((await queryDns(device.dns, 'a.msstorageazure.com')).rcode).toBe('NOERROR');
      expect((await fx.run('sync')).code).toBe(0);
      expect((await fx.run('audit')).code).toBe(0);
      expect((await queryDns(device.dns, 'a.msstorageazure.com')).rcode).toBe('NXDOMAIN');
    });

    it('a name dropped from the feed stops being blocked', async () => {
      fx.editConfig((c) => {
        c.retentionDays = 0;
      });
      fx.setFeed(STORY_FEED.filter((x) => x !== 'journalide.org'));
      expect((await fx.run('sync')).code).toBe(0);
      expect((await queryDns(fx.device('opnsense').dns, 'cdn.journalide.org')).rcode).toBe('NOERROR');
      expect((await fx.run('audit')).code).toBe(0);
    });
  });
}
