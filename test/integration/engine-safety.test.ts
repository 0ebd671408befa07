import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labFixture, opnsenseAdmin, type LabFixture, opnsenseSim } from './helpers.js';

const IPS = Array.from({ length: 20 }, (_, i) => `45.76.${10 + i}.7`);

describe('engine safety against the OPNsense simulator', () => {
  let fx: LabFixture;
  beforeAll(async () => {
    fx = await labFixture({ vendors: ['opnsense'] }, IPS);
    // Without retention a value that leaves the feed is removed at once: that is what thresholds guard.
    fx.editConfig((c) => {
      c.retentionDays = 0;
    });
  });
  afterAll(async () => {
    await fx.lab.stop();
  });

  it('refuses to remove more than 30 % of managed entries unless --force', async () => {
    expect((await fx.run('sync')).code).toBe(0);
    fx.setFeed(IPS.slice(0, 5));
    const refused = await fx.run('sync');
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/removes 15 of 20 managed entries/);
    expect((await fx.run('audit')).code).toBe(2);
    const forced = await fx.run('sync', '--force');
    expect(forced.code).toBe(0);
    expect((await fx.run('audit')).code).toBe(0);
  });

  it('never empties a firewall because a feed became empty', async () => {
    fx.setFeed(IPS);
    expect((await fx.run('sync')).code).toBe(0);
    fx.setFeed(['# nothing today']);
    const res = await fx.run('sync');
    expect(res.code).not.toBe(0);
    expect((await fx.run('audit')).code).toBe(2);
    fx.setFeed(IPS);
    expect((await fx.run('sync')).code).toBe(0);
  });

  it('stops at a foreign object holding one of our names (exit 3) and leaves it alone', async () => {
    const api = opnsenseAdmin(fx.device('opnsense'));
    const created = await api.post('/firewall/alias/add_item', {
      alias: { name: 'other_v4', type: 'network', content: '198.51.100.0/24', description: 'made by hand' },
    });
    expect(created.data).toMatchObject({ result: 'saved' });
    fx.editConfig((c) => {
      c.defaults = { policy: { prefix: 'other' } };
    });
    const res = await fx.run('sync');
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/foreign object.*other_v4/);
    const after = await api.get(`/firewall/alias/get_alias_u_u_i_d/other_v4`);
    const uuid = (after.data as { uuid: string }).uuid;
    const item = (await api.get(`/firewall/alias/get_item/${uuid}`)).data as {
      alias: { description: string };
    };
    expect(item.alias.description).toBe('made by hand');
    fx.editConfig((c) => {
      delete c.defaults;
    });
  });

  it('converges on the next sync after a connection reset mid-apply', async () => {
    fx.setFeed([...IPS, '45.77.1.1', '45.77.1.2']);
    opnsenseSim(fx).setFaults({ resetAfterCalls: 4 });
    const broken = await fx.run('sync');
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/lab-opnsense/);
    opnsenseSim(fx).setFaults({});
    expect((await fx.run('sync')).code).toBe(0);
    expect((await fx.run('audit')).code).toBe(0);
  });

  it('one unreachable target among two gives exit 4 and the other is done', async () => {
    fx.setFeed([...IPS, '45.77.2.2']);
    fx.editConfig((c) => {
      const targets = c.targets as Record<string, unknown>[];
      targets.push({
        ...targets[0],
        name: 'dead-fw',
        endpoint: 'https://127.0.0.1:1',
        tls: { insecure: false },
      });
    });
    const res = await fx.run('sync', '--json');
    expect(res.code).toBe(4);
    expect(res.stderr).toMatch(/target dead-fw failed/);
    const json = JSON.parse(res.stdout) as { targets: { name: string; status: string }[] };
    expect(json.targets.find((t) => t.name === 'lab-opnsense')?.status).toBe('applied');
    expect(json.targets.find((t) => t.name === 'dead-fw')?.status).toBe('error');

    // plan names it in its JSON too (and in a saved plan, whose checksum covers it).
    fx.setFeed([...IPS, '45.77.2.2', '45.77.2.3']);
    const planPath = join(fx.dir, 'partial-plan.json');
    const plan = await fx.run('plan', '--json', '--out', planPath);
    expect(plan.code).toBe(4);
    const planJson = JSON.parse(plan.stdout) as {
      targets: { target: string }[];
      failed?: { target: string; status: string; error: string }[];
    };
    expect(planJson.targets.map((t) => t.target)).toEqual(['lab-opnsense']);
    expect(planJson.failed).toEqual([
      { target: 'dead-fw', status: 'error', error: expect.stringMatching(/ECONNREFUSED/) as string },
    ]);
    const applied = await fx.run('apply', planPath, '--target', 'lab-opnsense');
    expect(applied.stderr).not.toMatch(/modified|not an iocwall plan/);
    expect(applied.code).toBe(0);
    fx.editConfig((c) => {
      (c.targets as unknown[]).pop();
    });
  });

  it('refuses a device whose certificate does not match the pinned fingerprint', async () => {
    const right = fx.device('opnsense').fingerprint!;
    const wrong = right.replace(/^../, right.startsWith('00') ? '11' : '00');
    fx.editConfig((c) => {
      ((c.targets as Record<string, unknown>[])[0]!.tls as Record<string, string>).fingerprint =
        `sha256:${wrong}`;
    });
    const before = opnsenseSim(fx).requestLog.length;
    const res = await fx.run('audit');
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/fingerprint/i);
    expect(opnsenseSim(fx).requestLog.length).toBe(before);
    fx.editConfig((c) => {
      ((c.targets as Record<string, unknown>[])[0]!.tls as Record<string, string>).fingerprint =
        `sha256:${right}`;
    });
    expect((await fx.run('audit')).code).toBe(0);
  });

  it('keeps a vanished value for the retention period, then removes it', async () => {
    fx.editConfig((c) => {
      c.retentionDays = 7;
    });
    // Runs late: it moves the clock forward, and later runs must not see a future last-seen time.
    fx.setFeed([...IPS, '45.77.9.9']);
    expect((await fx.run('sync')).code).toBe(0);
    fx.setFeed(IPS);
    const now = Date.now();
    const soon = new Date(now + 86_400_000).toISOString();
    expect((await fx.run('plan', '--now', soon)).code).toBe(0);
    const later = new Date(now + 9 * 86_400_000).toISOString();
    const plan = await fx.run('plan', '--now', later);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('- 45.77.9.9');
    expect((await fx.run('sync', '--now', later)).code).toBe(0);
    fx.editConfig((c) => {
      c.retentionDays = 0;
    });
  });

  it('refuses inline secrets in the config', async () => {
    fx.editConfig((c) => {
      ((c.targets as Record<string, unknown>[])[0]!.credentials as Record<string, string>).secret =
        'hunter2hunter2';
    });
    const res = await fx.run('plan');
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/inline secrets are refused/);
    expect(res.stderr).not.toContain('hunter2');
  });
});

describe("a firewall's own address and name are guarded", () => {
  it('never pushes a target its own endpoint', async () => {
    const fx = await labFixture({ vendors: ['opnsense'] }, ['45.76.10.7', 'fw.acme-customer.net']);
    try {
      fx.editConfig((c) => {
        const targets = c.targets as Record<string, unknown>[];
        targets.push({
          ...targets[0],
          name: 'named-fw',
          endpoint: 'https://fw.acme-customer.net',
          tls: { insecure: false },
        });
        targets.push({
          ...targets[0],
          name: 'ip-fw',
          endpoint: 'https://45.76.10.7:4443',
          tls: { insecure: false },
        });
      });
      const res = await fx.run('compile', '--json');
      const json = JSON.parse(res.stdout) as {
        entries: unknown[];
        rejected: { value: string; reason: string }[];
      };
      expect(json.entries).toEqual([]);
      expect(json.rejected.map((r) => `${r.value}:${r.reason}`).sort()).toEqual([
        '45.76.10.7:guarded',
        'fw.acme-customer.net:guarded',
      ]);
    } finally {
      await fx.lab.stop();
    }
  });
});
