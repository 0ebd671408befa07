import { describe, expect, it } from 'vitest';
import { buildDesiredState } from '../../src/plan/desired.js';
import { buildPlan, observedDigest } from '../../src/plan/planner.js';
import { policySchema } from '../../src/config/schema.js';
import type { BlocklistEntry } from '../../src/blocklist/types.js';
import type { ObservedState } from '../../src/vendors/types.js';

const policy = policySchema.parse({});
const entry = (value: string): BlocklistEntry =>
  /^[0-9a-f:.]+(\/\d+)?$/.test(value) && /\d/.test(value)
    ? { type: 'ip', value, sources: ['t'], expiresAt: null }
    : { type: 'domain', value, subdomains: true, sources: ['t'], expiresAt: null };
const desiredOf = (values: string[], p = policy) =>
  buildDesiredState({ entries: values.map(entry) }, { name: 'fw1', vendor: 'opnsense' }, p, 'test');

const caps = { ipv6: true, cidr: true, dnsSubdomainBlock: true, maxEntriesPerSet: 1000 };
const empty: ObservedState = {
  version: '26.1',
  capabilities: caps,
  sets: [],
  rules: [],
  foreign: [],
  pendingApply: false,
};
const opts = {
  tenant: 'acme',
  endpoint: 'https://fw1.example',
  thresholds: { maxRemovePercent: 30, minEntries: 10 },
  force: false,
};

function inSync(values: string[]): ObservedState {
  const d = desiredOf(values);
  return {
    ...empty,
    sets: d.sets.map((s) => ({ id: s.id, name: s.name, entries: [...s.entries] })),
    rules: d.rules.map((r) => ({
      id: r.id,
      name: r.name,
      enabled: true,
      action: r.action,
      references: d.sets.find((s) => s.id === r.setId)!.name,
      positionOk: true,
    })),
  };
}

describe('src/plan/planner', () => {
  it('creates every set and rule on an empty device and reports them missing', () => {
    const plan = buildPlan(desiredOf(['1.2.3.4', '2001:db8::/48', 'evil.example']), empty, opts);
    expect(
      plan.changes.map(
        (c) =>
          `${c.kind}:${c.kind === 'apply' ? '' : c.op}:${c.kind === 'set' ? c.setId : c.kind === 'rule' ? c.ruleId : ''}`,
      ),
    ).toEqual([
      'set:create:ipv4',
      'set:create:ipv6',
      'set:create:dns',
      'rule:create:egress-ipv4',
      'rule:create:egress-ipv6',
    ]);
    expect(plan.drift.filter((d) => d.kind === 'missing-entry').map((d) => d.value)).toEqual([
      '1.2.3.4',
      '2001:db8::/48',
      'evil.example',
    ]);
    expect(plan.drift.filter((d) => d.kind === 'rule-missing')).toHaveLength(2);
    expect(plan.refusal).toBeNull();
    expect(plan.summary).toEqual({ add: 3, remove: 0, managed: 0, ruleChanges: 2 });
  });

  it('plans nothing when the device matches', () => {
    const values = ['1.2.3.4', 'evil.example', '2001:db8::1'];
    const plan = buildPlan(desiredOf(values), inSync(values), opts);
    expect(plan.changes).toEqual([]);
    expect(plan.drift).toEqual([]);
  });

  it('diffs entries both ways and names each drifted value', () => {
    const observed = inSync(['1.2.3.4', '5.6.7.8']);
    const plan = buildPlan(desiredOf(['1.2.3.4', '9.9.9.0/24']), observed, opts);
    const change = plan.changes.find((c) => c.kind === 'set' && c.setId === 'ipv4');
    expect(change).toMatchObject({ op: 'update', add: ['9.9.9.0/24'], remove: ['5.6.7.8'] });
    expect(plan.drift).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'missing-entry', value: '9.9.9.0/24' }),
        expect.objectContaining({ kind: 'extra-entry', value: '5.6.7.8' }),
      ]),
    );
  });

  it('reports disabled, changed and misplaced rules with their own drift kinds', () => {
    const values = ['1.2.3.4'];
    const observed = inSync(values);
    observed.rules[0] = { ...observed.rules[0]!, enabled: false, action: 'other', positionOk: false };
    const plan = buildPlan(desiredOf(values), observed, opts);
    const kinds = plan.drift.map((d) => d.kind).sort();
    expect(kinds).toEqual(['rule-changed', 'rule-disabled', 'rule-order']);
    expect(plan.drift.find((d) => d.kind === 'rule-changed')?.detail).toBe(
      'action is neither drop nor reject (it lets the traffic through, or does something else), want drop',
    );
    expect(plan.changes.flatMap((c) => (c.kind === 'rule' ? [c.op] : []))).toEqual(['update', 'move']);
  });

  it('finds configuration that is not running and plans an apply', () => {
    const values = ['1.2.3.4'];
    const observed = inSync(values);
    observed.sets[0] = { ...observed.sets[0]!, runtimeEntries: [] };
    const plan = buildPlan(desiredOf(values), observed, opts);
    expect(plan.drift.map((d) => d.kind)).toEqual(['not-applied']);
    expect(plan.drift[0]?.detail).toBe(
      'saved but not in effect: none of its 1 entry is active (the saved configuration was not applied)',
    );
    expect(plan.changes).toEqual([{ kind: 'apply', reason: 'configuration and running state differ' }]);
    // Part of it running: both directions counted.
    observed.sets[0] = { ...observed.sets[0], runtimeEntries: ['5.6.7.8'] };
    expect(buildPlan(desiredOf(values), observed, opts).drift[0]?.detail).toBe(
      'running state differs from configuration (1 saved but not active, 1 active but not saved)',
    );
  });

  it('refuses a target with a foreign object holding our name', () => {
    const plan = buildPlan(
      desiredOf(['1.2.3.4']),
      { ...empty, foreign: [{ kind: 'set', name: 'iocwall_v4', detail: 'no ownership marker' }] },
      opts,
    );
    expect(plan.refusal).toMatch(/foreign object.*iocwall_v4/);
    expect(plan.drift[0]).toMatchObject({ kind: 'foreign-object', object: 'iocwall_v4' });
  });

  it('refuses to remove more than 30 % of at least 10 managed entries unless forced', () => {
    const old = Array.from({ length: 20 }, (_, i) => `10.${i}.0.1`.replace(/^10/, '11'));
    const observed = inSync(old);
    const keep = old.slice(0, 13); // removes 7 of 20 = 35 %
    const refused = buildPlan(desiredOf(keep), observed, opts);
    expect(refused.refusal).toMatch(/removes 7 of 20 managed entries \(35\.0 % > 30 %\)/);
    const forced = buildPlan(desiredOf(keep), observed, { ...opts, force: true });
    expect(forced.refusal).toBeNull();
    expect(forced.warnings.join()).toMatch(/overridden by --force/);
    const fine = buildPlan(desiredOf(old.slice(0, 14)), observed, opts); // 6 of 20 = 30 %
    expect(fine.refusal).toBeNull();
  });

  it('does not apply thresholds below the minimum size', () => {
    const observed = inSync(['1.1.1.1', '2.2.2.2']);
    expect(buildPlan(desiredOf([]), observed, opts).refusal).toBeNull();
  });

  it('tells the plan, not the apply, when the device cannot hold IPv6 or enough entries', () => {
    const noV6 = { ...empty, capabilities: { ...caps, ipv6: false } };
    const plan = buildPlan(desiredOf(['1.2.3.4', '2001:db8::1']), noV6, opts);
    expect(plan.changes.some((c) => c.kind === 'set' && c.setId === 'ipv6')).toBe(false);
    expect(plan.changes.some((c) => c.kind === 'rule' && c.ruleId === 'egress-ipv6')).toBe(false);
    expect(plan.warnings).toContain('device cannot hold IPv6: 1 IPv6 entry is not pushed');
    // Nothing to say when the blocklist has no IPv6 for it.
    expect(buildPlan(desiredOf(['1.2.3.4']), noV6, opts).warnings).toEqual([]);
    const small = { ...empty, capabilities: { ...caps, maxEntriesPerSet: 2 } };
    expect(buildPlan(desiredOf(['1.1.1.1', '2.2.2.2', '3.3.3.3']), small, opts).refusal).toMatch(
      /iocwall_v4 needs 3 entries but the device holds at most 2/,
    );
  });

  it('deletes managed objects the policy no longer wants, rules before sets', () => {
    const observed = inSync(['1.2.3.4', 'evil.example']);
    const noDns = policySchema.parse({ dns: false });
    const plan = buildPlan(desiredOf(['1.2.3.4', 'evil.example'], noDns), observed, opts);
    expect(plan.changes).toEqual([
      expect.objectContaining({ kind: 'set', op: 'delete', setId: 'dns', remove: ['evil.example'] }),
    ]);
    const noEgress = policySchema.parse({ egress: false });
    const plan2 = buildPlan(desiredOf(['1.2.3.4'], noEgress), inSync(['1.2.3.4']), opts);
    const ops = plan2.changes.map((c) => (c.kind === 'apply' ? 'apply' : `${c.kind}:${c.op}`));
    expect(ops.indexOf('rule:delete')).toBeLessThan(ops.indexOf('set:delete'));
  });

  it('digests observed state independently of set order', () => {
    const a = inSync(['1.2.3.4', 'x.example']);
    const b = { ...a, sets: [...a.sets].reverse() };
    expect(observedDigest(a)).toBe(observedDigest(b));
    expect(observedDigest(a)).not.toBe(observedDigest(inSync(['1.2.3.5', 'x.example'])));
  });
});

describe('src/plan/planner with implicit sets (RouterOS address lists)', () => {
  it('does not create an empty set that the device cannot show', () => {
    const implicit = { ...empty, capabilities: { ...caps, implicitSets: true } };
    const plan = buildPlan(desiredOf(['1.2.3.4']), implicit, opts);
    expect(plan.changes.some((c) => c.kind === 'set' && c.setId === 'ipv6')).toBe(false);
    expect(plan.changes.some((c) => c.kind === 'rule' && c.ruleId === 'egress-ipv6')).toBe(true);
    const explicit = buildPlan(desiredOf(['1.2.3.4']), empty, opts);
    expect(explicit.changes.some((c) => c.kind === 'set' && c.setId === 'ipv6')).toBe(true);
  });
});

describe('src/plan/planner on renamed objects and per-set thresholds', () => {
  it('plans a prefix change as create new, re-point rules, delete old — and removes nothing from enforcement', () => {
    const values = Array.from({ length: 20 }, (_, i) => `45.76.${i}.1`);
    const observed = inSync(values);
    const acme = policySchema.parse({ prefix: 'acme' });
    const plan = buildPlan(desiredOf(values, acme), observed, opts);
    const ops = plan.changes.map((c) =>
      c.kind === 'apply' ? 'apply' : `${c.kind}:${c.op}:${c.name.split(' ')[0]}`,
    );
    expect(ops).toEqual([
      'set:create:acme_v4',
      'set:create:acme_v6',
      'set:create:acme_dns',
      'rule:create:acme_egress_v4',
      'rule:create:acme_egress_v6',
      'rule:delete:iocwall_egress_v4',
      'rule:delete:iocwall_egress_v6',
      'set:delete:iocwall_v4',
      'set:delete:iocwall_v6',
      'set:delete:iocwall_dns',
    ]);
    expect(plan.refusal).toBeNull();
  });

  it('refuses emptying one set even when it is a small share of the whole target', () => {
    const ips = Array.from({ length: 10 }, (_, i) => `45.76.${i}.1`);
    const domains = Array.from({ length: 90 }, (_, i) => `d${i}.example.org`);
    const observed = inSync([...ips, ...domains]);
    const plan = buildPlan(desiredOf(domains), observed, opts);
    expect(plan.refusal).toMatch(/ipv4 set: plan removes 10 of 10 managed entries/);
  });
});
