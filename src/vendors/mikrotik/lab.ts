/**
 * The MikroTik lab entry: which RouterOS releases the simulator plays, how it starts, its resolver
 * answering from `/ip/dns/static`, and an administrator's hand edits through the binary API.
 */
import { ConfigError } from '../../errors.js';
import { plainAnswer, startDnsResponder, type DnsVerdict } from '../simkit/dns-responder.js';
import type { AdminHandEdits, FirmwareRange, LabDeviceHandle, LabEntry } from '../types.js';
import { connectRouterOs, type RouterOsClient } from './client.js';
import type { SimRouter } from './sim-router.js';

/** Release ranges the simulator plays. */
export const MIKROTIK_FIRMWARE: readonly FirmwareRange[] = [
  { releases: '6.49', example: '6.49', behaviour: 'bare !done for empty prints; DNS blocks by regexp' },
  {
    releases: '7.18+',
    example: '7.18',
    behaviour: '!empty replies; NXDOMAIN static entries with match-subdomain',
  },
];

function parseFirmware(release: string): string {
  const r = release.trim();
  if (/^6\.49(\.\d+)?$/.test(r)) return '6.49';
  if (/^7\.(1[89]|[2-9]\d)(\.\d+)?$/.test(r)) return '7.18';
  throw new ConfigError(
    `mikrotik firmware ${release} is not played by the simulator (plays ${MIKROTIK_FIRMWARE.map((f) => f.releases).join(', ')})`,
  );
}

/**
 * What the router's resolver answers, from its static entries in order (first match wins), as the
 * RouterOS manual's DNS page describes static entries (`name` or `regexp`, `match-subdomain`, `type`).
 */
export function resolveStatic(router: SimRouter, name: string, type: string): DnsVerdict {
  const lower = name.toLowerCase();
  for (const row of router.table('/ip/dns/static')?.list() ?? []) {
    if (row.disabled === 'true' || row.disabled === 'yes') continue;
    let hit = false;
    if (row.name !== undefined && row.name !== '') {
      const base = row.name.toLowerCase();
      hit =
        lower === base ||
        (row['match-subdomain'] === 'true' || row['match-subdomain'] === 'yes'
          ? lower.endsWith(`.${base}`)
          : false);
    } else if (row.regexp !== undefined && row.regexp !== '') {
      try {
        hit = new RegExp(row.regexp).test(name);
      } catch {
        hit = false;
      }
    }
    if (!hit) continue;
    const rowType = row.type ?? 'A';
    if (rowType === 'NXDOMAIN') return { rcode: 'NXDOMAIN' };
    if (rowType === type) return { rcode: 'NOERROR', addresses: row.address ? [row.address] : [] };
  }
  return plainAnswer(type);
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
    const hit = rows.find((r) => (r.comment ?? '').includes(word));
    if (!hit) throw new Error(`admin: no rule ${ruleName}`);
    return { ...hit, menu };
  };
  return Promise.resolve({
    removeEntry: async (set, setName, value) => {
      const rows = await run(`${listMenu(set)}/print`, {}, [`?list=${setName}`, `?address=${value}`]);
      for (const r of rows) await run(`${listMenu(set)}/remove`, { '.id': r['.id'] ?? '' });
    },
    addEntry: async (set, setName, value) => {
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
    const mode = parseFirmware(firmware) as '6.49' | '7.18';
    // Loaded on start only: loading a config must not load the simulators.
    const { MikrotikSimulator } = await import('./simulator.js');
    const sim = new MikrotikSimulator({
      mode,
      username: 'iocwall',
      password,
      ...(latencyMs ? { latencyMs } : {}),
    });
    const started = await sim.start();
    const dns = await startDnsResponder((name, type) => resolveStatic(sim.router, name, type));
    const admin = await adminEdits(() =>
      connectRouterOs({
        endpoint: started.endpoint,
        username: 'iocwall',
        password,
        timeoutMs: 5000,
        readOnly: false,
        target: 'admin',
      }),
    );
    const isWrite = /\/(add|set|remove|move|unset|enable|disable)$/;
    return {
      firmware: mode,
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
