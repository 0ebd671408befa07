/**
 * The lab entry of Sophos: which SFOS releases the simulator plays, and a started device with the hand
 * edits an administrator makes through the XML API with the `admin` account (drift tests, the demo).
 */
import { ConfigError } from '../../errors.js';
import type {
  AdminHandEdits,
  FirmwareRange,
  LabDeviceHandle,
  LabEntry,
  LabStartOptions,
  SetId,
} from '../types.js';
import { SophosClient } from './client.js';
import { SFOS_RELEASES, type SfosRelease } from './simulator/releases.js';
import type { XmlNode } from './xml.js';
import { listOf, text } from './xml.js';

/** The ranges played, in release order (sophos-facts.md §10). */
export const SOPHOS_FIRMWARE: readonly FirmwareRange[] = [
  {
    releases: '19.5',
    example: '19.5',
    behaviour: 'APIVersion 1905.1; zero records "Number of records Zero."; API allow-list is an IP list',
  },
  {
    releases: '20.0',
    example: '20.0',
    behaviour: 'APIVersion 2000.2 with IS_WIFI6; otherwise as 19.5 (zero-record text assumed)',
  },
  { releases: '21.0', example: '21.0', behaviour: 'APIVersion 2100.1; as 20.0 (zero-record text assumed)' },
  {
    releases: '21.5',
    example: '21.5',
    behaviour: 'rules carry Section; "No. of records Zero." (assumed); APIVersion 2150.1 (assumed)',
  },
  {
    releases: '22.0',
    example: '22.0',
    behaviour: 'APIVersion 2200.1; API allow-list is IP host objects apiconfig_* (≤ 64)',
  },
];

/** Normalises a release (`22`, `21.5.1`, `SFOS 21.0 MR1`) or throws `ConfigError` listing the ranges. */
export function parseSophosFirmware(release: string): string {
  const m = /^(?:sfos\s*)?v?(\d{2})(?:\.(\d))?(?:\.(\d+))?(?:\s*(?:mr|ga)[\s-]?\d*)?$/i.exec(release.trim());
  const line = m === null ? undefined : `${m[1]}.${m[2] ?? '0'}`;
  if (m === null || !(SFOS_RELEASES as readonly string[]).includes(line ?? '')) {
    throw new ConfigError(
      `sophos firmware "${release}" is not played by the simulator (plays: ${SOPHOS_FIRMWARE.map((f) => f.releases).join(', ')})`,
    );
  }
  return m[3] === undefined ? (line ?? '') : `${line ?? ''}.${m[3]}`;
}

/** The release line of a normalised firmware string. */
function lineOf(firmware: string): SfosRelease {
  return firmware.split('.').slice(0, 2).join('.') as SfosRelease;
}

/** Hand edits through the XML API with the administrator account (whole-object updates, like an admin tool). */
export function adminEdits(admin: () => Promise<SophosClient>): AdminHandEdits {
  const groupTag = (set: SetId): string => (set === 'dns' ? 'FQDNHostGroup' : 'IPHostGroup');
  const listTag = (set: SetId): [string, string] =>
    set === 'dns' ? ['FQDNHostList', 'FQDNHost'] : ['HostList', 'Host'];
  const clean = (n: XmlNode): XmlNode => {
    const out = structuredClone(n);
    delete out['@_transactionid'];
    return out;
  };
  const group = async (c: SophosClient, set: SetId, name: string): Promise<XmlNode> => {
    const g = (await c.get(groupTag(set))).find((x) => text(x, 'Name') === name);
    if (g === undefined) throw new ConfigError(`lab admin: no group ${name}`);
    return clean(g);
  };
  const setMembers = (g: XmlNode, set: SetId, members: string[]): void => {
    const [list, item] = listTag(set);
    if (members.length === 0) Reflect.deleteProperty(g, list);
    else g[list] = { [item]: members };
  };
  const rule = async (c: SophosClient, ruleName: string): Promise<XmlNode> => {
    const r = (await c.get('FirewallRule')).find(
      (x) => text(x, 'Description') === ruleName || text(x, 'Name') === ruleName,
    );
    if (r === undefined) throw new ConfigError(`lab admin: no rule ${ruleName}`);
    return clean(r);
  };
  return {
    async removeEntry(set, setName, value) {
      const c = await admin();
      const g = await group(c, set, setName);
      const [list, item] = listTag(set);
      const members = listOf(g, list, item);
      const hosts = await c.get(set === 'dns' ? 'FQDNHost' : 'IPHost');
      const keep: string[] = [];
      for (const m of members) {
        const h = hosts.find((x) => text(x, 'Name') === m);
        const fqdn = text(h, 'FQDN');
        const csv = text(h, 'ListOfIPAddresses');
        if (
          set === 'dns'
            ? fqdn === value || fqdn === `*.${value}`
            : text(h, 'IPAddress') === value && text(h, 'HostType') === 'IP'
        )
          continue;
        if (csv !== undefined && csv.split(',').includes(value) && h !== undefined) {
          const rest = csv.split(',').filter((a) => a !== value);
          if (rest.length === 0) continue;
          // The admin edits the IP list itself, resending the whole host with its group.
          await c.set('update', 'IPHost', { ...clean(h), ListOfIPAddresses: rest.join(',') });
        }
        if (set !== 'dns' && value.includes('/') && h !== undefined && text(h, 'HostType') !== 'IPList') {
          const [base] = value.split('/');
          if (text(h, 'IPAddress') === base || text(h, 'StartIPAddress') === base) continue;
        }
        keep.push(m);
      }
      setMembers(g, set, keep);
      await c.set('update', groupTag(set), g);
    },
    async addEntry(set, setName, value) {
      const c = await admin();
      const g = await group(c, set, setName);
      const [list, item] = listTag(set);
      const added: string[] = [];
      const tag = `admin_${value.replace(/[^A-Za-z0-9.-]/g, '_')}`.slice(0, 48);
      if (set === 'dns') {
        for (const [n, f] of [
          [`${tag}_d`, value],
          [`${tag}_w`, `*.${value}`],
        ] as const) {
          await c.set('add', 'FQDNHost', { Name: n, FQDN: f, Description: 'added by hand' });
          added.push(n);
        }
      } else {
        const family = value.includes(':') ? 'IPv6' : 'IPv4';
        const [base = value, len] = value.split('/');
        const fields: XmlNode =
          len === undefined
            ? { HostType: 'IP', IPAddress: base }
            : family === 'IPv4'
              ? { HostType: 'Network', IPAddress: base, Subnet: maskOf(Number(len)) }
              : { HostType: 'Network', IPAddress: base, Subnet: len };
        await c.set('add', 'IPHost', {
          Name: tag,
          IPFamily: family,
          ...fields,
          Description: 'added by hand',
        });
        added.push(tag);
      }
      setMembers(g, set, [...listOf(g, list, item), ...added]);
      await c.set('update', groupTag(set), g);
    },
    async disableRule(_rule, ruleName) {
      const c = await admin();
      const r = await rule(c, ruleName);
      // The whole record goes back (Position included), only Status changes — as a careful admin tool does.
      await c.set('update', 'FirewallRule', { ...r, Status: 'Disable' });
    },
    async deleteRule(_rule, ruleName) {
      const c = await admin();
      const r = await rule(c, ruleName);
      await c.remove('FirewallRule', [text(r, 'Name') ?? ruleName]);
    },
    async allowAbove(id, ruleName) {
      const c = await admin();
      await rule(c, ruleName);
      await c.set('add', 'FirewallRule', {
        Name: `Allow all ${id}`,
        Description: 'admin allow rule',
        IPFamily: id === 'egress-ipv6' ? 'IPv6' : 'IPv4',
        Status: 'Enable',
        Position: 'Top',
        PolicyType: 'Network',
        NetworkPolicy: {
          Action: 'Accept',
          LogTraffic: 'Disable',
          SourceZones: { Zone: ['LAN'] },
          DestinationZones: { Zone: ['WAN'] },
        },
      });
    },
    async createForeignSet(set, setName) {
      const c = await admin();
      if (set === 'dns') await c.set('add', 'FQDNHostGroup', { Name: setName, Description: 'made by hand' });
      else
        await c.set('add', 'IPHostGroup', {
          Name: setName,
          IPFamily: set === 'ipv6' ? 'IPv6' : 'IPv4',
          Description: 'made by hand',
        });
    },
  };
}

function maskOf(len: number): string {
  const n = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  return [24, 16, 8, 0].map((s) => (n >>> s) & 0xff).join('.');
}

/** Starts one simulated SFOS for the lab. */
async function start(o: LabStartOptions): Promise<LabDeviceHandle> {
  const firmware = parseSophosFirmware(o.firmware);
  const password = o.secret();
  const adminPassword = o.secret();
  // Loaded on start only: loading a config (every sync) must not load the simulator and its TLS kit.
  const { SophosSimulator } = await import('./simulator/simulator.js');
  const sim = new SophosSimulator({
    release: lineOf(firmware),
    username: 'iocwall',
    password,
    adminPassword,
    latency: { callMs: o.latencyMs ?? 0 },
  });
  await sim.start();
  let client: Promise<SophosClient> | undefined;
  const admin = (): Promise<SophosClient> =>
    (client ??= SophosClient.connect({
      target: 'lab-admin',
      endpoint: sim.endpoint,
      username: 'admin',
      password: adminPassword,
      tls: { fingerprint: sim.fingerprint },
      timeoutMs: 30_000,
      readOnly: false,
    }));
  return {
    firmware,
    endpoint: sim.endpoint,
    dns: sim.dnsAddress,
    credentials: { username: 'iocwall', password },
    fingerprint: sim.fingerprint,
    admin: adminEdits(admin),
    dropConnectionAfter: (count) => sim.dropConnectionAfter(count),
    simulator: sim,
    // SFOS has no resolver block: its FQDN hosts learn the addresses and the rule drops them (§8).
    nameBlocking: 'egress',
    dropsTrafficTo: (address) => sim.wouldDrop('LAN', address),
    // The admin's own hand edits are writes too, but the question asked is "did iocwall write".
    writeCount: () => sim.writeRequests,
    async stop() {
      if (client !== undefined) (await client.catch(() => undefined))?.close();
      await sim.stop();
    },
  };
}

/** The lab entry. */
export const sophosLab: LabEntry = {
  defaultFirmware: '22.0',
  firmware: SOPHOS_FIRMWARE,
  parseFirmware: parseSophosFirmware,
  start,
};
