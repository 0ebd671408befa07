/**
 * The MikroTik lab entry: which RouterOS releases the simulator plays, how it starts, its resolver
 * answering from `/ip/dns/static`, and an administrator's hand edits through the binary API.
 */
import type { AdminHandEdits, LabDeviceHandle, LabEntry } from '../types.js';
import type { RouterOsClient } from './client.js';
import { MIKROTIK_FIRMWARE, parseRelease } from './releases.js';

export { MIKROTIK_FIRMWARE } from './releases.js';

/**
 * The group policies iocwall's user needs, and all it gets in the lab (docs/vendors/mikrotik.md):
 * `api` to log in through the API, `read` for every `print`, `write` for `add`/`set`/`remove`/`move`
 * (manual "User", group policies). Not `policy`, `sensitive`, `ftp`, `reboot`, `rest-api`, …
 */
export const IOCWALL_POLICIES: readonly string[] = ['read', 'write', 'api'];

function parseFirmware(release: string): string {
  return parseRelease(release).firmware;
}

/** Whether a DNS static row blocks `domain` itself (by name, or by a regexp that matches it). */
function blocks(row: Record<string, string>, domain: string): boolean {
  if (row.name !== undefined && row.name !== '') return row.name.toLowerCase() === domain;
  try {
    return row.regexp !== undefined && row.regexp !== '' && new RegExp(row.regexp).test(domain);
  } catch {
    return false;
  }
}

async function adminEdits(admin: () => Promise<RouterOsClient>): Promise<AdminHandEdits> {
  const run = async (command: string, attributes: Record<string, string> = {}, queries: string[] = []) => {
    const c = await admin();
    try {
      return (await c.write({ command, attributes, queries })).rows;
    } finally {
      await c.close();
    }
  };
  const listMenu = (set: string): string =>
    set === 'ipv6' ? '/ipv6/firewall/address-list' : '/ip/firewall/address-list';
  const ruleRow = async (rule: string, ruleName: string): Promise<Record<string, string>> => {
    const menu = rule === 'egress-ipv6' ? '/ipv6/firewall/filter' : '/ip/firewall/filter';
    const rows = await run(`${menu}/print`);
    const word = ruleName.split(' ')[0] ?? ruleName;
    const hit =
      rows.find((r) => r.comment === ruleName) ??
      rows.find((r) => (r.comment ?? '').split(' ').includes(word));
    if (!hit) throw new Error(`admin: no rule ${ruleName}`);
    return { ...hit, menu };
  };
  return Promise.resolve({
    removeEntry: async (set, setName, value) => {
      if (set === 'dns') {
        // An administrator deletes whatever static entry blocks the name (name or regexp form).
        const rows = await run('/ip/dns/static/print');
        for (const r of rows.filter((row) => blocks(row, value)))
          await run('/ip/dns/static/remove', { '.id': r['.id'] ?? '' });
        return;
      }
      const rows = await run(`${listMenu(set)}/print`, {}, [`?list=${setName}`, `?address=${value}`]);
      for (const r of rows) await run(`${listMenu(set)}/remove`, { '.id': r['.id'] ?? '' });
    },
    addEntry: async (set, setName, value) => {
      if (set === 'dns') {
        await run('/ip/dns/static/add', { name: value, type: 'NXDOMAIN', comment: 'added by hand' });
        return;
      }
      await run(`${listMenu(set)}/add`, { list: setName, address: value, comment: 'added by hand' });
    },
    disableRule: async (rule, ruleName) => {
      const r = await ruleRow(rule, ruleName);
      await run(`${r.menu ?? ''}/set`, { '.id': r['.id'] ?? '', disabled: 'yes' });
    },
    deleteRule: async (rule, ruleName) => {
      const r = await ruleRow(rule, ruleName);
      await run(`${r.menu ?? ''}/remove`, { '.id': r['.id'] ?? '' });
    },
    allowAbove: async (rule, ruleName) => {
      const r = await ruleRow(rule, ruleName);
      await run(`${r.menu ?? ''}/add`, {
        chain: r.chain ?? 'forward',
        action: 'accept',
        comment: 'allow all (by hand)',
        'place-before': r['.id'] ?? '',
      });
    },
    createForeignSet: async (set, setName) => {
      // DNS static entries carry no set name, so no hand-made entry can hold ours: a list is made.
      await run(`${listMenu(set)}/add`, {
        list: setName,
        address: set === 'ipv6' ? '2001:db8::/48' : '198.51.100.0/24',
        comment: 'made by hand',
      });
    },
  });
}

/** The MikroTik lab entry. */
export const mikrotikLab: LabEntry = {
  defaultFirmware: '7.18',
  firmware: MIKROTIK_FIRMWARE,
  parseFirmware,
  async start({ firmware, secret, latencyMs }): Promise<LabDeviceHandle> {
    const password = secret();
    const adminPassword = secret();
    const release = parseRelease(firmware);
    // Loaded on start only: loading a config must not load the simulators, nor the API client.
    const [
      { MikrotikSimulator, FULL_POLICIES },
      { resolveStatic },
      { startDnsResponder },
      { connectRouterOs },
    ] = await Promise.all([
      import('./simulator/simulator.js'),
      import('./simulator/dns.js'),
      import('../simkit/dns-responder.js'),
      import('./client.js'),
    ]);
    const sim = new MikrotikSimulator({
      firmware: release.firmware,
      username: 'iocwall',
      password,
      policies: IOCWALL_POLICIES,
      // The router's administrator (group `full`), whose hand edits the audit must find.
      users: [{ name: 'admin', password: adminPassword, policies: FULL_POLICIES }],
      ...(latencyMs ? { latencyMs } : {}),
    });
    const started = await sim.start();
    const dns = await startDnsResponder((name, type) => resolveStatic(sim.router, sim.release, name, type));
    const admin = await adminEdits(() =>
      connectRouterOs({
        endpoint: started.endpoint,
        username: 'admin',
        password: adminPassword,
        timeoutMs: 5000,
        readOnly: false,
        target: 'admin',
      }),
    );
    const isWrite = /\/(add|set|remove|move|unset|enable|disable)$/;
    return {
      firmware: release.firmware,
      endpoint: started.endpoint,
      dns: dns.address,
      credentials: { username: 'iocwall', password },
      ...(started.fingerprint ? { fingerprint: started.fingerprint } : {}),
      admin,
      simulator: sim,
      dropConnectionAfter: (requests) => sim.dropAfter(requests),
      writeCount: () => sim.commandLog.filter((c) => isWrite.test(c.command)).length,
      stop: async () => {
        await dns.stop();
        await sim.stop();
      },
    };
  },
};
