/**
 * An administrator's hand edits on a lab OPNsense, through the device's own REST API with the
 * administrator's key (the GUI calls the same endpoints). Used by drift tests, the conformance suite and
 * the demo. They work on every release the simulator plays: rules are looked up with and without
 * `interface` (25.7.x and 26.1.0 list only floating rules without it), the DNS set is the single DNSBL
 * object up to 25.7.7 and a policy from 25.7.8.
 */
import type { AxiosInstance } from 'axios';
import type { AdminHandEdits, SetId } from '../types.js';

type Rows = { rows: Record<string, string>[] };

/** Hand edits through `api`, an axios instance on `<endpoint>/api` with the administrator's key. */
export function adminEdits(api: AxiosInstance): AdminHandEdits {
  const ok = async (p: Promise<{ status: number; data: unknown }>, what: string): Promise<unknown> => {
    const r = await p;
    if (r.status !== 200) throw new Error(`admin ${what}: HTTP ${String(r.status)}`);
    return r.data;
  };
  const policies = async (): Promise<boolean> =>
    (await api.post('/unbound/settings/search_dnsbl', {})).status === 200;
  const rules = async (): Promise<Record<string, string>[]> => {
    const all = ((await ok(api.post('/firewall/filter/search_rule', {}), 'search rules')) as Rows).rows;
    const lan = (
      (await ok(api.post('/firewall/filter/search_rule', { interface: 'lan' }), 'search rules')) as Rows
    ).rows;
    return [...all, ...lan.filter((r) => !all.some((a) => a.uuid === r.uuid))];
  };
  const ruleUuid = async (name: string): Promise<string> => {
    const first = name.split(' ')[0] ?? '';
    const hit = (await rules()).find((r) => r.description === name || r.description?.startsWith(`${first} `));
    if (!hit?.uuid) throw new Error(`admin: no rule ${name}`);
    return hit.uuid;
  };
  const editAlias = async (
    setName: string,
    edit: (lines: string[]) => string[],
    apply = true,
  ): Promise<void> => {
    const { uuid } = (await ok(api.get(`/firewall/alias/get_alias_u_u_i_d/${setName}`), 'alias uuid')) as {
      uuid: string;
    };
    const item = (await ok(api.get(`/firewall/alias/get_item/${uuid}`), 'get alias')) as {
      alias: { content: Record<string, { selected: number }> | string };
    };
    const c = item.alias.content;
    const lines = typeof c === 'string' ? c.split('\n') : Object.keys(c).filter((k) => c[k]?.selected === 1);
    await ok(
      api.post(`/firewall/alias/set_item/${uuid}`, { alias: { content: edit(lines).join('\n') } }),
      'set',
    );
    if (apply) await ok(api.post('/firewall/alias/reconfigure', {}), 'reconfigure');
  };
  const editDns = async (setName: string, edit: (domains: string[]) => string[]): Promise<void> => {
    if (await policies()) {
      const rows = ((await ok(api.post('/unbound/settings/search_dnsbl', {}), 'search dnsbl')) as Rows).rows;
      const p = rows.find((r) => (r.description ?? '').split(/\s+/).includes(setName));
      if (!p?.uuid) throw new Error(`admin: no DNSBL policy for ${setName}`);
      const wildcards = edit((p.wildcards ?? '').split(',').filter((w) => w !== '')).join(',');
      await ok(api.post(`/unbound/settings/set_dnsbl/${p.uuid}`, { blocklist: { wildcards } }), 'set dnsbl');
    } else {
      const got = (await ok(api.get('/unbound/settings/get'), 'get unbound')) as {
        unbound: { dnsbl: { wildcards: Record<string, { selected: number }> } };
      };
      const w = got.unbound.dnsbl.wildcards;
      const wildcards = edit(Object.keys(w).filter((k) => w[k]?.selected === 1)).join(',');
      await ok(api.post('/unbound/settings/set', { unbound: { dnsbl: { wildcards } } }), 'set unbound');
    }
    await ok(api.post('/unbound/service/dnsbl', {}), 'dnsbl reload');
  };
  const edit = (set: SetId, setName: string, f: (l: string[]) => string[]): Promise<void> =>
    set === 'dns' ? editDns(setName, f) : editAlias(setName, f);
  const applied = async (p: Promise<{ status: number; data: unknown }>, what: string): Promise<void> => {
    await ok(p, what);
    await ok(api.post('/firewall/filter/apply', {}), 'apply');
  };
  return {
    removeEntry: (set, setName, value) => edit(set, setName, (l) => l.filter((v) => v !== value)),
    addEntry: (set, setName, value) => edit(set, setName, (l) => [...l, value]),
    disableRule: async (_rule, ruleName) =>
      applied(api.post(`/firewall/filter/toggle_rule/${await ruleUuid(ruleName)}/0`, {}), 'toggle'),
    deleteRule: async (_rule, ruleName) =>
      applied(api.post(`/firewall/filter/del_rule/${await ruleUuid(ruleName)}`, {}), 'delete rule'),
    allowAbove: async (rule) => {
      // A pass rule on lan in the same priority group as iocwall's rule, at the lowest sequence.
      const pass = {
        enabled: '1',
        action: 'pass',
        quick: '1',
        interface: 'lan',
        direction: 'in',
        ipprotocol: rule === 'egress-ipv6' ? 'inet6' : 'inet',
        source_net: 'any',
        destination_net: 'any',
        sequence: '1',
        description: 'allow all (by hand)',
      };
      await applied(api.post('/firewall/filter/add_rule', { rule: pass }), 'add rule');
    },
    // Saved in config.xml, not loaded into pf: what "Apply" not pressed leaves (aliases only; the
    // adapter compares the DNSBL's configuration, not what Unbound loaded).
    saveWithoutApply: async (set, setName, value) => {
      if (set === 'dns') throw new Error('admin: the DNS set has no separate running state iocwall reads');
      await editAlias(setName, (l) => [...l, value], false);
    },
    createForeignSet: async (set, setName) => {
      if (set === 'dns') {
        if (await policies()) {
          const blocklist = { enabled: '1', wildcards: 'example.org', description: `by hand ${setName}` };
          await ok(api.post('/unbound/settings/add_dnsbl', { blocklist }), 'add dnsbl');
        } else {
          const dnsbl = { wildcards: 'example.org' };
          await ok(api.post('/unbound/settings/set', { unbound: { dnsbl } }), 'set unbound');
        }
        return;
      }
      const content = set === 'ipv6' ? '2001:db8::/48' : '198.51.100.0/24';
      const alias = { name: setName, type: 'network', content, description: 'made by hand' };
      await ok(api.post('/firewall/alias/add_item', { alias }), 'add alias');
    },
  };
}
