/**
 * An administrator's hand edits on a lab SFOS, through the XML API with the `admin` account (whole-object
 * updates, like an admin tool): drift tests, the conformance suite and the demo. Loaded by the lab entry's
 * `start()` only, so the vendor module (every config check) loads neither the client nor the XML libraries.
 */
import { ConfigError } from '../../errors.js';
import type { AdminHandEdits, SetId } from '../types.js';
import type { SophosClient } from './client.js';
import type { XmlNode } from './xml.js';
import { listOf, text } from './xml.js';

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
