import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labFixture, opnsenseAdmin, type LabFixture, opnsenseSim } from './helpers.js';

const FEED = ['23.254.211.230', '172.93.201.88', 'journalide.org', 'msstorageazure.com', '2a0c:5a80::1'];

async function ruleUuid(fx: LabFixture, name: string): Promise<string> {
  const api = opnsenseAdmin(fx.device('opnsense'));
  const res = await api.post('/firewall/filter/search_rule', { current: 1, rowCount: -1 });
  const rows = (res.data as { rows: { uuid: string; description: string }[] }).rows;
  const row = rows.find((r) => r.description.includes(name));
  if (!row) throw new Error(`rule ${name} not found`);
  return row.uuid;
}

describe('OPNsense end to end through the CLI', () => {
  let fx: LabFixture;
  beforeAll(async () => {
    fx = await labFixture({ vendors: ['opnsense'] }, FEED);
  });
  afterAll(async () => {
    await fx.lab.stop();
  });

  it('first sync creates everything; a second sync and a plan change nothing', async () => {
    const first = await fx.run('sync', '--json');
    expect(first.code).toBe(0);
    // Nobody else changed filter rules during the run, so no rollback-timer warning (docs/vendors/opnsense.md).
    expect(first.stderr.trim()).toBe('');
    const firstJson = JSON.parse(first.stdout) as {
      targets: { status: string; summary: { add: number }; warnings: string[] }[];
    };
    expect(firstJson.targets[0]).toMatchObject({ status: 'applied', summary: { add: 5 } });
    expect(firstJson.targets[0]!.warnings).toEqual([]);
    expect(opnsenseSim(fx).dnsBlocked('journalide.org')).toBe(true);
    expect(opnsenseSim(fx).dnsBlocked('www.journalide.org')).toBe(true);

    const second = await fx.run('sync', '--json');
    expect(second.code).toBe(0);
    expect((JSON.parse(second.stdout) as { targets: { status: string }[] }).targets[0]!.status).toBe(
      'in-sync',
    );
    const plan = await fx.run('plan');
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('no changes');
  });

  it('audit finds a hand edit through the API without writing, and sync repairs it', async () => {
    const api = opnsenseAdmin(fx.device('opnsense'));
    const uuid = ((await api.get('/firewall/alias/get_alias_u_u_i_d/iocwall_v4')).data as { uuid: string })
      .uuid;
    expect(uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(
      (await api.post(`/firewall/alias/set_item/${uuid}`, { alias: { content: '23.254.211.230' } })).data,
    ).toEqual({ result: 'saved' });
    await api.post('/firewall/alias/reconfigure', {});
    expect(
      (await api.post(`/firewall/filter/toggle_rule/${await ruleUuid(fx, 'iocwall_egress_v4')}/0`, {}))
        .status,
    ).toBe(200);
    await api.post('/firewall/filter/apply', {});

    const before = opnsenseSim(fx).requestLog.length;
    const writes = fx.device('opnsense').writeCount();
    const audit = await fx.run('audit', '--json');
    expect(audit.code).toBe(2);
    const json = JSON.parse(audit.stdout) as {
      targets: { status: string; drift: { kind: string; value: string | null }[] }[];
    };
    expect(json.targets[0]!.status).toBe('drift');
    expect(json.targets[0]!.drift).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'missing-entry', value: '172.93.201.88' }),
        expect.objectContaining({ kind: 'rule-disabled' }),
      ]),
    );
    const during = opnsenseSim(fx).requestLog.slice(before);
    expect(during.length).toBeGreaterThan(0);
    expect(fx.device('opnsense').writeCount()).toBe(writes);

    const repair = await fx.run('sync');
    expect(repair.code).toBe(0);
    expect((await fx.run('audit')).code).toBe(0);
  });

  it('refuses a stale plan (exit 3) and applies a fresh one', async () => {
    fx.setFeed([...FEED, '45.76.1.1']);
    const planPath = join(fx.dir, 'plan.json');
    const plan = await fx.run('plan', '--out', planPath);
    expect(plan.code).toBe(2);
    // The device changes after the plan was made.
    const api = opnsenseAdmin(fx.device('opnsense'));
    await api.post(`/firewall/filter/toggle_rule/${await ruleUuid(fx, 'iocwall_egress_v4')}/0`, {});
    const stale = await cliApply(fx, planPath);
    expect(stale.code).toBe(3);
    expect(stale.stderr).toMatch(/changed since the plan was made/);

    expect((await fx.run('plan', '--out', planPath)).code).toBe(2);
    const fresh = await cliApply(fx, planPath);
    expect(fresh.code).toBe(0);
    expect((await fx.run('audit')).code).toBe(0);
  });

  it('writes the plan as Markdown for a change ticket', async () => {
    fx.setFeed([...FEED, '45.76.1.1', '45.76.1.9']);
    const md = join(fx.dir, 'plan.md');
    expect((await fx.run('plan', '--markdown', md)).code).toBe(2);
    const text = readFileSync(md, 'utf8');
    expect(text).toContain('| lab-opnsense | lab | opnsense | 1 | 0 | 0 | changes pending |');
    expect(text).toContain('+ 45.76.1.9');
  });

  it('refuses an edited plan file', async () => {
    const planPath = join(fx.dir, 'plan2.json');
    fx.setFeed([...FEED, '45.76.1.1', '45.76.1.2']);
    expect((await fx.run('plan', '--out', planPath)).code).toBe(2);
    const text = readFileSync(planPath, 'utf8').replace('45.76.1.2', '8.8.8.8');
    writeFileSync(planPath, text);
    const res = await cliApply(fx, planPath);
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/checksum/);
  });

  it('never leaks a secret into logs, plans, journal or reports', async () => {
    const report = join(fx.dir, 'audit.html');
    const res = await fx.run('audit', '--report', report, '--log-level', 'debug');
    const { key, secret } = fx.device('opnsense').credentials;
    const everything = `${res.stdout}${res.stderr}${fx.allText()}`;
    expect(everything).toContain('iocwall audit');
    expect(everything).not.toContain(key!);
    expect(everything).not.toContain(secret!);
  });
});

async function cliApply(fx: LabFixture, planPath: string) {
  return fx.run('apply', planPath);
}

describe('apply binds a plan to its device and config', () => {
  it('refuses a plan made for another endpoint or instance, and reports plan targets the config lacks', async () => {
    const fx = await labFixture({ vendors: ['opnsense'] }, ['45.76.1.1']);
    try {
      const planPath = join(fx.dir, 'plan.json');
      expect((await fx.run('plan', '--out', planPath)).code).toBe(2);
      fx.editConfig((c) => {
        c.instanceId = 'other-msp';
      });
      const other = await fx.run('apply', planPath);
      expect(other.code).toBe(3);
      expect(other.stderr).toMatch(/was made for opnsense at https:\/\/127\.0\.0\.1:\d+ \(instance lab\)/);
      fx.editConfig((c) => {
        c.instanceId = 'lab';
        (c.targets as Record<string, unknown>[])[0]!.name = 'renamed-fw';
      });
      const missing = await fx.run('apply', planPath);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(
        /the plan holds none of the selected targets \(plan: lab-opnsense; selected from the config: renamed-fw\)/,
      );
    } finally {
      await fx.lab.stop();
    }
  });
});
