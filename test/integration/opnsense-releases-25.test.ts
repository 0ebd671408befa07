/**
 * A user's story per OPNsense 25.7 release range (src/vendors/opnsense/firmware.ts), and the upgrade
 * past 25.7.7 that moves the old DNSBL into a policy named "default".
 */
import { describe, expect, it } from 'vitest';
import { queryDns } from '../../src/vendors/simkit/dns-responder.js';
import { labFixture } from './helpers.js';
import { STORY_FEED, opnsenseStory } from './opnsense-story.js';

opnsenseStory('25.7.5');
opnsenseStory('25.7.11');

describe('OPNsense 25.7.5 upgraded to 25.7.11 in a running lab', () => {
  it('keeps blocking, and prunes what the migrated default policy held', async () => {
    const fx = await labFixture({ vendors: ['opnsense'], firmware: { opnsense: '25.7.5' } }, STORY_FEED);
    try {
      const device = fx.device('opnsense');
      expect((await fx.run('sync')).code).toBe(0);
      await device.upgrade!('25.7.11');
      expect(device.firmware).toBe('25.7.11');
      expect((await queryDns(device.dns, 'x.journalide.org')).rcode).toBe('NXDOMAIN');
      expect((await fx.run('audit')).code).toBe(0);
      fx.editConfig((c) => {
        c.retentionDays = 0;
      });
      fx.setFeed(STORY_FEED.filter((x) => x !== 'journalide.org'));
      expect((await fx.run('sync')).code).toBe(0);
      expect((await queryDns(device.dns, 'x.journalide.org')).rcode).toBe('NOERROR');
      expect((await queryDns(device.dns, 'x.msstorageazure.com')).rcode).toBe('NXDOMAIN');
      expect((await fx.run('audit')).code).toBe(0);
    } finally {
      await fx.lab.stop();
    }
  });
});
