/**
 * Edited plan files (issue 14, item 1): a plan's checksum is no signature, so anyone who can write the
 * file can recompute it. `apply` must recompute what the plan does against a fresh read and the current
 * blocklist, refuse what that blocklist does not justify, and send nothing at all when it refuses.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Of } from '../../src/plan/digest.js';
import type { PlanFile, TargetPlan } from '../../src/plan/types.js';
import { labFixture, opnsenseSim, type LabFixture } from './helpers.js';

const IPS = ['45.76.10.7', '45.76.11.7', '45.76.12.7', '45.76.13.0/24', '2a0c:5a80::1'];
const FEED = [...IPS, 'journalide.org', 'msstorageazure.com'];
/** OPNsense calls that change something (its reads include POSTs: searches and `alias_util/list`). */
const OPNSENSE_WRITES = /\/(add|set|del|toggle|reconfigure|apply|savepoint|revert|cancel|flush|update|move)/i;

/** Rewrites a saved plan and recomputes its checksum, as an attacker with write access to it would. */
function editPlan(path: string, target: string, edit: (plan: TargetPlan) => void): void {
  const file = JSON.parse(readFileSync(path, 'utf8')) as PlanFile;
  const plan = file.targets.find((t) => t.target === target);
  if (!plan) throw new Error(`no plan for ${target}`);
  edit(plan);
  const { checksum: _old, ...body } = file;
  writeFileSync(path, JSON.stringify({ ...body, checksum: sha256Of(body) }));
}

/** Empties one managed set in the plan, with the changes and summary the planner would write for it. */
function emptySet(plan: TargetPlan, setId: 'ipv4' | 'ipv6' | 'dns'): void {
  const set = plan.desired.sets.find((s) => s.id === setId);
  if (!set) throw new Error(`no ${setId} set`);
  const removed = [...set.entries].sort();
  set.entries = [];
  plan.changes.push({
    kind: 'set',
    op: 'update',
    setId,
    name: set.name,
    family: set.family,
    add: [],
    remove: removed,
    entries: [],
  });
}

describe('apply refuses edited plans whose checksum was recomputed', () => {
  let fx: LabFixture;
  let planPath: string;
  const writes = (): number =>
    fx.device('mikrotik').writeCount() +
    opnsenseSim(fx).requestLog.filter(
      (r) => r.method !== 'GET' && OPNSENSE_WRITES.test(r.path) && !/search/.test(r.path),
    ).length;

  beforeAll(async () => {
    fx = await labFixture({ vendors: ['opnsense', 'mikrotik'] }, FEED);
    fx.editConfig((c) => {
      c.retentionDays = 0;
    });
    planPath = join(fx.dir, 'plan.json');
    expect((await fx.run('sync')).code).toBe(0);
  });
  afterAll(async () => {
    await fx.lab.stop();
  });

  /** Makes a fresh plan (the devices are in sync: no changes), edits it, applies it. */
  async function applyEdited(target: string, edit: (plan: TargetPlan) => void) {
    expect((await fx.run('plan', '--out', planPath)).code).toBe(0);
    editPlan(planPath, target, edit);
    const before = writes();
    const res = await fx.run('apply', planPath, '--target', target);
    expect(writes()).toBe(before);
    expect((await fx.run('audit')).code).toBe(0);
    return res;
  }

  it('an OPNsense alias emptied in the plan: exit 3, nothing sent', async () => {
    const res = await applyEdited('lab-opnsense', (plan) => emptySet(plan, 'ipv4'));
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/lab-opnsense refused: .*removes 45\.76\.10\.7.* the current blocklist holds/);
  });

  it('one value removed (below every threshold) is still refused when the blocklist holds it', async () => {
    const res = await applyEdited('lab-opnsense', (plan) => {
      const set = plan.desired.sets.find((s) => s.id === 'ipv4')!;
      set.entries = set.entries.filter((v) => v !== '45.76.12.7');
      plan.changes.push({
        kind: 'set',
        op: 'update',
        setId: 'ipv4',
        name: set.name,
        family: 'ipv4',
        add: [],
        remove: ['45.76.12.7'],
        entries: set.entries,
      });
      plan.summary.remove = 1;
    });
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/removes 45\.76\.12\.7/);
  });

  it('every MikroTik entry removed from the plan: exit 3, nothing sent', async () => {
    const res = await applyEdited('lab-mikrotik', (plan) => {
      for (const id of ['ipv4', 'ipv6', 'dns'] as const) emptySet(plan, id);
    });
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/lab-mikrotik refused: .*the current blocklist holds/);
  });

  it('the IPv4 block rule deleted from the plan: exit 3, nothing sent', async () => {
    const res = await applyEdited('lab-opnsense', (plan) => {
      const rule = plan.desired.rules.find((r) => r.id === 'egress-ipv4')!;
      plan.desired.rules = plan.desired.rules.filter((r) => r.id !== 'egress-ipv4');
      plan.changes.push({
        kind: 'rule',
        op: 'delete',
        ruleId: 'egress-ipv4',
        name: rule.name,
        rule,
        reasons: ['unwanted'],
      });
      plan.summary.ruleChanges = 1;
    });
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/lab-opnsense refused: .*rule .*egress-ipv4/);
  });

  it('changes that do not follow from the plan’s desired state: exit 3, nothing sent', async () => {
    const res = await applyEdited('lab-mikrotik', (plan) => {
      const set = plan.desired.sets.find((s) => s.id === 'ipv4')!;
      // The desired state is left alone; only the change list says "remove everything".
      plan.changes.push({
        kind: 'set',
        op: 'update',
        setId: 'ipv4',
        name: set.name,
        family: 'ipv4',
        add: [],
        remove: [...set.entries],
        entries: [],
      });
    });
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/changes .*do not follow/);
  });

  it('a guarded value slipped into an unchanged set is refused even though no change lists it', async () => {
    const res = await applyEdited('lab-opnsense', (plan) => {
      const set = plan.desired.sets.find((s) => s.id === 'ipv4')!;
      set.entries = [...set.entries, '8.8.8.8'].sort();
    });
    expect(res.code).toBe(3);
  });

  it('an honest plan applies and prints what was really done', async () => {
    fx.setFeed([...FEED, '45.76.20.1']);
    expect((await fx.run('plan', '--out', planPath)).code).toBe(2);
    const res = await fx.run('apply', planPath, '--json');
    expect(res.code).toBe(0);
    const json = JSON.parse(res.stdout) as {
      targets: { name: string; status: string; summary: { add: number; remove: number } }[];
    };
    for (const t of json.targets)
      expect(t).toMatchObject({ status: 'applied', summary: { add: 1, remove: 0 } });
    expect((await fx.run('audit')).code).toBe(0);
  });

  it('a removal the current blocklist justifies is applied', async () => {
    fx.setFeed(FEED.filter((v) => v !== '45.76.20.1'));
    expect((await fx.run('plan', '--out', planPath)).code).toBe(2);
    const res = await fx.run('apply', planPath);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/lab-opnsense .*applied \(\+0 -1, 0 rule changes\)/);
    expect((await fx.run('audit')).code).toBe(0);
  });
});
