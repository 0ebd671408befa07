/**
 * The OPNsense lab entry: which releases the simulator plays, how it starts, and an administrator's
 * hand edits through the device's own REST API.
 */
import https from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import { ConfigError } from '../../errors.js';
import { isOpnsenseMutating } from './client.js';
import { plainAnswer, startDnsResponder } from '../simkit/dns-responder.js';
import type { AdminHandEdits, FirmwareRange, LabEntry, LabDeviceHandle } from '../types.js';
import type { SimVersion } from './simulator-state.js';

/** Release ranges the simulator plays (see the simulator's comments for each behaviour's source). */
export const OPNSENSE_FIRMWARE: readonly FirmwareRange[] = [
  { releases: '25.7', example: '25.7', behaviour: 'single DNSBL object; savepoint rollback' },
  { releases: '26.1', example: '26.1', behaviour: 'DNSBL policies; savepoint rollback' },
  { releases: '26.7', example: '26.7', behaviour: 'DNSBL policies; no savepoint endpoints' },
];

function parseFirmware(release: string): string {
  const line = /^(\d+\.\d+)(?:\.\d+)?$/.exec(release.trim())?.[1];
  if (line && OPNSENSE_FIRMWARE.some((r) => r.releases === line)) return line;
  throw new ConfigError(
    `opnsense firmware ${release} is not played by the simulator (plays ${OPNSENSE_FIRMWARE.map((r) => r.releases).join(', ')})`,
  );
}

/** Hand edits as an administrator would make them through `/api` (GUI actions call the same endpoints). */
function adminEdits(api: AxiosInstance): AdminHandEdits {
  const ok = async (p: Promise<{ status: number; data: unknown }>, what: string): Promise<unknown> => {
    const r = await p;
    if (r.status !== 200) throw new Error(`admin ${what}: HTTP ${String(r.status)}`);
    return r.data;
  };
  const aliasUuid = async (name: string): Promise<string> =>
    ((await ok(api.get(`/firewall/alias/get_alias_u_u_i_d/${name}`), 'alias uuid')) as { uuid: string }).uuid;
  const ruleUuid = async (name: string): Promise<string> => {
    const rows = (
      (await ok(api.post('/firewall/filter/search_rule', { interface: 'lan' }), 'search rules')) as {
        rows: { uuid: string; description: string }[];
      }
    ).rows;
    const hit = rows.find(
      (r) => r.description === name || r.description.startsWith(`${name.split(' ')[0] ?? ''} `),
    );
    if (!hit) throw new Error(`admin: no rule ${name}`);
    return hit.uuid;
  };
  const editAlias = async (setName: string, edit: (lines: string[]) => string[]): Promise<void> => {
    const uuid = await aliasUuid(setName);
    const item = (await ok(api.get(`/firewall/alias/get_item/${uuid}`), 'get alias')) as {
      alias: { content: Record<string, { selected: number; value: string }> | string };
    };
    const content = item.alias.content;
    const lines =
      typeof content === 'string'
        ? content.split('\n')
        : Object.entries(content)
            .filter(([, v]) => v.selected === 1)
            .map(([k]) => k);
    await ok(
      api.post(`/firewall/alias/set_item/${uuid}`, { alias: { content: edit(lines).join('\n') } }),
      'set alias',
    );
    await ok(api.post('/firewall/alias/reconfigure', {}), 'reconfigure');
  };
  return {
    removeEntry: (_set, setName, value) => editAlias(setName, (l) => l.filter((v) => v !== value)),
    addEntry: (_set, setName, value) => editAlias(setName, (l) => [...l, value]),
    disableRule: async (_rule, ruleName) => {
      await ok(api.post(`/firewall/filter/toggle_rule/${await ruleUuid(ruleName)}/0`, {}), 'toggle');
      await ok(api.post('/firewall/filter/apply', {}), 'apply');
    },
    deleteRule: async (_rule, ruleName) => {
      await ok(api.post(`/firewall/filter/del_rule/${await ruleUuid(ruleName)}`, {}), 'delete rule');
      await ok(api.post('/firewall/filter/apply', {}), 'apply');
    },
    allowAbove: async (rule) => {
      await ok(
        api.post('/firewall/filter/add_rule', {
          rule: {
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
          },
        }),
        'add rule',
      );
      await ok(api.post('/firewall/filter/apply', {}), 'apply');
    },
    createForeignSet: async (set, setName) => {
      await ok(
        api.post('/firewall/alias/add_item', {
          alias: {
            name: setName,
            type: set === 'dns' ? 'host' : 'network',
            content: set === 'ipv6' ? '2001:db8::/48' : set === 'dns' ? 'example.org' : '198.51.100.0/24',
            description: 'made by hand',
          },
        }),
        'add alias',
      );
    },
  };
}

/** The OPNsense lab entry. */
export const opnsenseLab: LabEntry = {
  defaultFirmware: '26.1',
  firmware: OPNSENSE_FIRMWARE,
  parseFirmware,
  async start({ firmware, secret, latencyMs }): Promise<LabDeviceHandle> {
    const key = secret();
    const apiSecret = secret();
    // Loaded on start only: loading a config must not load the simulators.
    const { OpnsenseSimulator } = await import('./simulator.js');
    const sim = new OpnsenseSimulator({
      key,
      secret: apiSecret,
      version: parseFirmware(firmware) as SimVersion,
      ...(latencyMs ? { latencyMs } : {}),
    });
    const started = await sim.start();
    const dns = await startDnsResponder((name, type) =>
      sim.dnsBlocked(name.toLowerCase()) ? { rcode: 'NXDOMAIN' } : plainAnswer(type),
    );
    const api = axios.create({
      baseURL: `${started.endpoint}/api`,
      auth: { username: key, password: apiSecret },
      httpsAgent: new https.Agent({ ca: started.caPem }),
      validateStatus: () => true,
    });
    return {
      firmware: parseFirmware(firmware),
      endpoint: started.endpoint,
      dns: dns.address,
      credentials: { key, secret: apiSecret },
      fingerprint: started.fingerprint,
      admin: adminEdits(api),
      simulator: sim,
      dropConnectionAfter: (requests) => sim.setFaults({ resetAfterCalls: requests }),
      writeCount: () =>
        sim.requestLog.filter((r) => isOpnsenseMutating(r.method, r.path.replace(/^\/api\//, ''))).length,
      stop: async () => {
        await dns.stop();
        await sim.stop();
      },
    };
  },
};
