/**
 * A policy prefix change on OPNsense, as the planner plans it: create the new-named sets (full content),
 * re-point the rules (an update, or a create of the new-named rule and a delete of the old one), then
 * delete the old-named sets. Old and new objects coexist in between and each change touches exactly the
 * object it names.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { objectNames } from '../../../src/vendors/ownership.js';
import { createOpnsenseAdapter } from '../../../src/vendors/opnsense/adapter.js';
import type { Change, DesiredState, FirewallAdapter } from '../../../src/vendors/types.js';
import { MARKER, allChanges, connection, raw, rowsOf, startSim, type Running } from './helpers.js';

const open: { r: Running; adapters: FirewallAdapter[] }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await Promise.all(o.adapters.map((a) => a.close()));
    await o.r.sim.stop();
  }
});

const V4 = ['192.0.2.0/24', '198.51.100.7'];
const V6 = ['2001:db8::/48'];
const DNS = ['journalide.org'];

/** The desired state for a policy prefix, named as `buildDesiredState` names it. */
function desiredFor(prefix: string): DesiredState {
  const n = objectNames(prefix);
  return {
    target: 'opn-test',
    vendor: 'opnsense',
    marker: MARKER,
    sets: [
      { id: 'ipv4', family: 'ipv4', name: n.ipv4, entries: V4 },
      { id: 'ipv6', family: 'ipv6', name: n.ipv6, entries: V6 },
      { id: 'dns', family: 'domain', name: n.dns, entries: DNS },
    ],
    rules: [
      {
        id: 'egress-ipv4',
        name: `${n.egressV4} ${MARKER}`,
        setId: 'ipv4',
        family: 'ipv4',
        action: 'drop',
        placement: 'top',
      },
      {
        id: 'egress-ipv6',
        name: `${n.egressV6} ${MARKER}`,
        setId: 'ipv6',
        family: 'ipv6',
        action: 'drop',
        placement: 'top',
      },
    ],
  };
}

/** A run of the adapter with the names of `prefix` (as the engine builds one per run). */
function run(r: Running, prefix: string): FirewallAdapter {
  const n = objectNames(prefix);
  const a = createOpnsenseAdapter(
    connection(r.ep, { objectNames: { ipv4: n.ipv4, ipv6: n.ipv6, dns: n.dns } }),
    MARKER,
  );
  open.at(-1)?.adapters.push(a);
  return a;
}

/** The rename plan: sets created, rules re-pointed (`update`) or replaced (`replace`), old sets deleted. */
function renameChanges(from: DesiredState, to: DesiredState, rules: 'update' | 'replace'): Change[] {
  const creates = allChanges(to).filter((c) => c.kind === 'set');
  const ruleChanges: Change[] = to.rules.flatMap((rule, i): Change[] => {
    const old = from.rules[i]!;
    if (rules === 'update') {
      const reasons = ['references', 'name'];
      return [{ kind: 'rule', op: 'update', ruleId: rule.id, name: rule.name, rule, reasons }];
    }
    return [
      { kind: 'rule', op: 'create', ruleId: rule.id, name: rule.name, rule, reasons: [] },
      { kind: 'rule', op: 'delete', ruleId: old.id, name: old.name, rule: old, reasons: ['unwanted'] },
    ];
  });
  const deletes = from.sets.map((s): Change => ({
    kind: 'set',
    op: 'delete',
    setId: s.id,
    name: s.name,
    family: s.family,
    add: [],
    remove: s.entries,
    entries: [],
  }));
  return [...creates, ...ruleChanges, ...deletes];
}

describe('opnsense adapter: prefix change iocwall → acme', () => {
  for (const version of ['25.7', '26.1', '26.7'] as const) {
    for (const mode of ['update', 'replace'] as const) {
      it(`${version}: rules ${mode === 'update' ? 're-pointed' : 'replaced'}`, async () => {
        const r = await startSim({ version });
        open.push({ r, adapters: [] });
        const before = desiredFor('iocwall');
        const after = desiredFor('acme');
        await run(r, 'iocwall').apply(allChanges(before), before);

        // The new sets alone first: both names are reported, each with its own content.
        await run(r, 'acme').apply(
          allChanges(after).filter((c) => c.kind === 'set' && c.setId !== 'dns'),
          after,
        );
        const mid = await run(r, 'acme').read();
        expect(mid.sets.filter((s) => s.id === 'ipv4').map((s) => [s.name, s.entries])).toEqual(
          expect.arrayContaining([
            ['iocwall_v4', V4],
            ['acme_v4', V4],
          ]),
        );
        expect(mid.sets.filter((s) => s.id === 'ipv4')).toHaveLength(2);

        await run(r, 'acme').apply(renameChanges(before, after, mode), after);
        const obs = await run(r, 'acme').read();
        expect(obs.foreign).toEqual([]);
        expect(obs.sets.map((s) => [s.id, s.name, s.entries]).sort()).toEqual([
          ['dns', 'acme_dns', DNS],
          ['ipv4', 'acme_v4', V4],
          ['ipv6', 'acme_v6', V6],
        ]);
        expect(obs.rules.map((x) => [x.id, x.name, x.references, x.enabled]).sort()).toEqual([
          ['egress-ipv4', `acme_egress_v4 ${MARKER}`, 'acme_v4', true],
          ['egress-ipv6', `acme_egress_v6 ${MARKER}`, 'acme_v6', true],
        ]);
        const aliases = rowsOf(await raw(r.ep, 'GET', '/api/firewall/alias/search_item'));
        const names = aliases.map((a) => String(a.name));
        expect(names).not.toContain('iocwall_v4');
        expect(names).not.toContain('iocwall_v6');
        expect(r.sim.dnsBlocked('www.journalide.org')).toBe(true);
      });
    }
  }

  it('26.1: deleting a set by name leaves the other-named set of the same id alone', async () => {
    const r = await startSim({ version: '26.1' });
    open.push({ r, adapters: [] });
    const before = desiredFor('iocwall');
    const after = desiredFor('acme');
    await run(r, 'iocwall').apply(allChanges(before), before);
    await run(r, 'acme').apply(
      allChanges(after).filter((c) => c.kind === 'set'),
      after,
    );
    // A delete of a name that is not there (already gone) must not fall back to the same id.
    const gone: Change = {
      kind: 'set',
      op: 'delete',
      setId: 'dns',
      name: 'other_dns',
      family: 'domain',
      add: [],
      remove: [],
      entries: [],
    };
    await run(r, 'acme').apply([gone], after);
    const names = (await run(r, 'acme').read()).sets.map((s) => s.name).sort();
    expect(names).toEqual(['acme_dns', 'acme_v4', 'acme_v6', 'iocwall_dns', 'iocwall_v4', 'iocwall_v6']);
  });
});
