import { VENDOR_MODULES } from '../../src/vendors/index.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labFixture, type LabFixture, opnsenseSim, routerOsSession } from './helpers.js';

describe('manual push after an advisory, and the audit report', () => {
  let fx: LabFixture;
  beforeAll(async () => {
    fx = await labFixture({}, ['23.254.211.230', 'journalide.org']);
    expect((await fx.run('sync')).code).toBe(0);
  });
  afterAll(async () => {
    await fx.lab.stop();
  });

  it('pushes a new advisory to one target now, and the nightly sync keeps it there', async () => {
    const advisory = join(fx.dir, 'advisory.txt');
    writeFileSync(advisory, 'msboxonline[.]com\nhxxps://45.77.5.5:443/path\n8.8.8.8\n');
    const push = await fx.run('push', '--input', advisory, '--target', 'lab-mikrotik', '--json');
    expect(push.code).toBe(0);
    const json = JSON.parse(push.stdout) as {
      pushed: number;
      rejected: { value: string; reason: string }[];
      targets: { name: string; status: string }[];
    };
    expect(json.pushed).toBe(2);
    expect(json.rejected).toEqual([expect.objectContaining({ value: '8.8.8.8', reason: 'warninglisted' })]);
    expect(json.targets).toEqual([expect.objectContaining({ name: 'lab-mikrotik', status: 'applied' })]);

    // The nightly sync of every target: the pushed values stay on the MikroTik, and only there.
    const nightly = await fx.run('sync', '--json');
    expect(nightly.code).toBe(0);
    expect(
      (JSON.parse(nightly.stdout) as { targets: { status: string }[] }).targets.map((t) => t.status),
    ).toEqual(VENDOR_MODULES.map(() => 'in-sync'));
    const d = fx.device('mikrotik');
    const admin = await routerOsSession(d, true);
    try {
      const dns = await admin.write({ command: '/ip/dns/static/print', queries: ['?type=NXDOMAIN'] });
      expect(dns.rows.map((r) => r.name).sort()).toEqual(['journalide.org', 'msboxonline.com']);
      const v4 = await admin.write({
        command: '/ip/firewall/address-list/print',
        queries: ['?list=iocwall_v4'],
      });
      expect(v4.rows.map((r) => r.address).sort()).toEqual(['23.254.211.230', '45.77.5.5']);
    } finally {
      await admin.close();
    }
    expect(opnsenseSim(fx).dnsBlocked('msboxonline.com')).toBe(false);
    const audit = await fx.run('audit', '--json');
    expect(audit.code).toBe(0);
  });

  it('writes Markdown and HTML reports with first-pushed times from the journal', async () => {
    const md = join(fx.dir, 'audit.md');
    const html = join(fx.dir, 'audit.html');
    expect((await fx.run('audit', '--report', md)).code).toBe(0);
    expect((await fx.run('audit', '--report', html)).code).toBe(0);
    const text = readFileSync(md, 'utf8');
    expect(text).toMatch(/\| lab \| lab-mikrotik \| mikrotik \| in-sync \| 0 \|/);
    expect(text).toMatch(/\| msboxonline\.com \| \d{4}-\d\d-\d\dT/);
    expect(text).toMatch(/Blocklist digest `sha256:[0-9a-f]{64}`/);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<td class="in-sync">in-sync</td>');
    expect(page).not.toMatch(/<script/i);
    const bad = await fx.run('audit', '--report', join(fx.dir, 'audit.pdf'));
    expect(bad.code).toBe(1);
  });

  it('stops sending a pushed value once it is allowlisted, and can still withdraw it', async () => {
    const advisory = join(fx.dir, 'advisory2.txt');
    writeFileSync(advisory, '45.77.6.6\n');
    expect((await fx.run('push', '--input', advisory, '--target', 'lab-mikrotik')).code).toBe(0);
    fx.editConfig((c) => {
      c.allowlist = { domains: ['3cx.com'], ips: ['45.77.6.6'] };
    });
    const sync = await fx.run('sync', '--target', 'lab-mikrotik', '--json');
    expect(sync.code).toBe(0);
    expect(JSON.parse(sync.stdout)).toMatchObject({
      targets: [{ status: 'applied', summary: { remove: 1 } }],
    });
    const withdraw = await fx.run('push', '--input', advisory, '--target', 'lab-mikrotik', '--withdraw');
    expect(withdraw.code).toBe(0);
    const again = await fx.run('push', '--input', advisory, '--target', 'lab-mikrotik', '--withdraw');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/nothing to withdraw/);
  });

  it('withdraws pushed indicators', async () => {
    const advisory = join(fx.dir, 'advisory.txt');
    const res = await fx.run('push', '--input', advisory, '--target', 'lab-mikrotik', '--withdraw');
    expect(res.code).toBe(0);
    const plan = await fx.run('plan', '--target', 'lab-mikrotik');
    expect(plan.code).toBe(0);
  });
});

describe('OPNsense releases', () => {
  for (const version of ['25.7', '26.7'] as const) {
    it(`syncs and audits OPNsense ${version}`, async () => {
      const fx = await labFixture({ vendors: ['opnsense'], firmware: { opnsense: version } }, [
        '23.254.211.230',
        'journalide.org',
        '2a0c:5a80::1',
      ]);
      try {
        expect((await fx.run('sync')).code).toBe(0);
        expect(opnsenseSim(fx).dnsBlocked('a.journalide.org')).toBe(true);
        expect((await fx.run('audit')).code).toBe(0);
        expect((await fx.run('sync', '--json')).stdout).toContain('"in-sync"');
      } finally {
        await fx.lab.stop();
      }
    });
  }
});

describe('iocwall check --config', () => {
  it('tells on which targets a value is enforced, and by which entry', async () => {
    const fx = await labFixture({}, ['23.254.211.0/28', 'journalide.org']);
    try {
      expect((await fx.run('sync', '--target', 'lab-mikrotik')).code).toBe(0);
      const res = await fx.run('check', 'hxxps://www.journalide[.]org/djour.php', '--json');
      expect(res.code).toBe(0);
      const json = JSON.parse(res.stdout) as {
        blocked: boolean;
        targets: { target: string; present: boolean; entry?: string }[];
      };
      expect(json.blocked).toBe(true);
      expect(json.targets).toEqual([
        { target: 'lab-opnsense', present: false },
        { target: 'lab-pfsense', present: false },
        {
          target: 'lab-mikrotik',
          present: true,
          set: 'iocwall_dns',
          entry: 'journalide.org',
          // Since when: the journal's time of the sync that put it there.
          since: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as string,
        },
        { target: 'lab-sophos', present: false },
      ]);
      const ip = JSON.parse((await fx.run('check', '23.254.211.5', '--json')).stdout) as {
        targets: unknown[];
      };
      expect(ip.targets).toEqual([
        { target: 'lab-opnsense', present: false },
        { target: 'lab-pfsense', present: false },
        {
          target: 'lab-mikrotik',
          present: true,
          set: 'iocwall_v4',
          entry: '23.254.211.0/28',
          since: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as string,
        },
        { target: 'lab-sophos', present: false },
      ]);
      const text = await fx.run('check', '23.254.211.5');
      expect(text.stdout).toMatch(
        /target lab-mikrotik: present \(iocwall_v4 23\.254\.211\.0\/28, since \d{4}-\d\d-\d\dT[^)]*\)/,
      );
    } finally {
      await fx.lab.stop();
    }
  });
});
