/**
 * The lab entry of pfSense: starts the simulator for one release with an administrator (`page-all`) and an
 * `iocwall` user holding only the privileges docs/vendors/pfsense.md lists, hands iocwall an API key that
 * user made (the form pfrest recommends for automation), and performs an administrator's hand edits through
 * the REST API with the administrator's account.
 */
import { z } from 'zod';
import { registerSecret } from '../../config/secrets.js';
import type { AdminHandEdits, LabDeviceHandle, LabEntry, LabStartOptions, RuleId, SetId } from '../types.js';
import type { PfsenseClient } from './client.js';
import { PFSENSE_FIRMWARE, formatRelease, parsePfsenseFirmware } from './releases.js';
import { aliasSchema, dnsSettingsSchema, ruleSchema } from './schema.js';

const ANY = z.unknown();

/** What an administrator does by hand, through pfrest with a `page-all` account. */
export function adminEdits(client: PfsenseClient): AdminHandEdits {
  const applyFirewall = (): Promise<unknown> => client.post('firewall/apply', { async: false }, ANY);
  const alias = async (name: string): Promise<z.infer<typeof aliasSchema>> => {
    const all = await client.get('firewall/aliases', z.array(aliasSchema));
    const hit = all.find((a) => a.name === name);
    if (hit === undefined) throw new Error(`no alias ${name}`);
    return hit;
  };
  const rule = async (name: string): Promise<z.infer<typeof ruleSchema>> => {
    const all = await client.get('firewall/rules', z.array(ruleSchema));
    const first = name.split(' ')[0] ?? name;
    const hit = all.find((r) => r.descr === name) ?? all.find((r) => (r.descr ?? '').startsWith(first));
    if (hit === undefined) throw new Error(`no rule ${name}`);
    return hit;
  };
  /** Edits the custom options; applies the resolver unless `apply` is false (a saved, unapplied edit). */
  const editDns = async (edit: (lines: string[]) => string[], apply = true): Promise<void> => {
    const s = await client.get('services/dns_resolver/settings', dnsSettingsSchema);
    const text = edit((s.custom_options ?? '').split('\n')).join('\n');
    await client.patch('services/dns_resolver/settings', { custom_options: text }, ANY);
    if (apply) await client.post('services/dns_resolver/apply', { async: false }, ANY);
  };
  const cidr = (v: string): string => (v.includes('/') ? v : v.includes(':') ? `${v}/128` : `${v}/32`);
  /** Edits an alias as the GUI does (whole content), then applies unless `apply` is false. */
  const editAlias = async (
    name: string,
    edit: (address: string[]) => string[],
    apply = true,
  ): Promise<void> => {
    const a = await alias(name);
    const address = edit(a.address);
    const body = { id: a.id, name: a.name, address, detail: address.map(() => 'admin') };
    await client.patch('firewall/alias', body, ANY);
    if (apply) await applyFirewall();
  };
  const zone = (v: string): string => `local-zone: "${v}." always_nxdomain`;
  const addZone = (setName: string, value: string) => (lines: string[]) =>
    lines.flatMap((l) => (l.startsWith(`# ${setName} end`) ? [zone(value), l] : [l]));
  return {
    async removeEntry(set: SetId, setName: string, value: string) {
      if (set === 'dns') return editDns((lines) => lines.filter((l) => l.trim() !== zone(value)));
      return editAlias(setName, (a) => a.filter((x) => x !== cidr(value) && x !== value));
    },
    async addEntry(set: SetId, setName: string, value: string) {
      if (set === 'dns') return editDns(addZone(setName, value));
      return editAlias(setName, (a) => [...a, cidr(value)]);
    },
    // Saved like a GUI edit whose "Apply changes" was never pressed: configuration and running state differ.
    async saveWithoutApply(set: SetId, setName: string, value: string) {
      if (set === 'dns') return editDns(addZone(setName, value), false);
      return editAlias(setName, (a) => [...a, cidr(value)], false);
    },
    async disableRule(_rule: RuleId, ruleName: string) {
      const r = await rule(ruleName);
      await client.patch('firewall/rule', { id: r.id, disabled: true }, ANY);
      await applyFirewall();
    },
    async deleteRule(_rule: RuleId, ruleName: string) {
      const r = await rule(ruleName);
      await client.deleteOne('firewall/rule', r.id);
      await applyFirewall();
    },
    async allowAbove(id: RuleId, ruleName: string) {
      const r = await rule(ruleName);
      const allow = {
        type: 'pass',
        interface: r.interface,
        ipprotocol: id === 'egress-ipv6' ? 'inet6' : 'inet',
        source: 'any',
        destination: 'any',
        descr: 'admin: allow everything (testing)',
        floating: true,
        quick: true,
        direction: 'any',
        placement: r.id,
      };
      await client.post('firewall/rule', allow, ANY);
      await applyFirewall();
    },
    async createForeignSet(set: SetId, setName: string) {
      if (set === 'dns') {
        const block = [`# ${setName} begin`, 'server:', zone('foreign.example'), `# ${setName} end`];
        return editDns((lines) => [...lines.filter((l) => l !== ''), ...block]);
      }
      const body = {
        name: setName,
        type: 'network',
        descr: 'made by hand',
        address: ['198.51.100.0/24'],
        detail: ['a'],
      };
      await client.post('firewall/alias', body, ANY);
      await applyFirewall();
    },
  };
}

/** The one privilege a user needs to make its own key (pfrest names it after `POST /api/v2/auth/key`). */
const KEY_POST = 'api-v2-auth-key-post';

/**
 * Makes the iocwall user's API key as its administrator would: logged in as that user (pfrest/pfSense-pkg-RESTAPI
 * v2.10.0 `Models/RESTAPIKey.inc` `validate_username()` binds a key to the authenticating user, so a key carries that
 * user's privileges; `POST /auth/key` takes Basic auth only, pfsense-facts.md §4). The key is returned once.
 */
async function makeApiKey(
  client: typeof PfsenseClient,
  endpoint: string,
  fingerprint: string,
  password: string,
): Promise<string> {
  const user = await client.connect({
    target: 'lab-pfsense-keygen',
    endpoint,
    username: 'iocwall',
    password,
    tls: { fingerprint },
    timeoutMs: 30_000,
    readOnly: false,
  });
  try {
    const made = await user.post('auth/key', { descr: 'iocwall (lab)' }, z.object({ key: z.string() }));
    return made.key;
  } finally {
    user.close();
  }
}

async function start(options: LabStartOptions): Promise<LabDeviceHandle> {
  const adminPassword = options.secret();
  const password = options.secret();
  // Loaded on start only: loading a config (every sync) must not load the simulator and its TLS kit, nor
  // the client and its HTTP library.
  const [{ IOCWALL_PRIVILEGES, PfsenseSimulator }, { PfsenseClient }] = await Promise.all([
    import('./simulator/server.js'),
    import('./client.js'),
  ]);
  const sim = new PfsenseSimulator({
    firmware: options.firmware,
    // KeyAuth enabled next to the default BasicAuth (System › REST API › Settings › Authentication Methods):
    // the administrator keeps Basic for the hand edits, iocwall gets a key.
    authMethods: ['BasicAuth', 'KeyAuth'],
    users: {
      admin: { password: adminPassword, privileges: ['page-all'] },
      iocwall: { password, privileges: [...IOCWALL_PRIVILEGES, KEY_POST] },
    },
    ...(options.latencyMs === undefined ? {} : { latency: { requestMs: options.latencyMs } }),
  });
  const ep = await sim.start();
  const apiKey = await makeApiKey(PfsenseClient, ep.endpoint, ep.fingerprint, password);
  registerSecret(apiKey);
  // Then the administrator takes the key privilege back in User Manager (pfrest's user endpoints are not
  // simulated): the key holds exactly the privileges docs/vendors/pfsense.md lists.
  sim.state.users.get('iocwall')?.privileges.delete(KEY_POST);
  const admin = await PfsenseClient.connect({
    target: 'lab-pfsense-admin',
    endpoint: ep.endpoint,
    username: 'admin',
    password: adminPassword,
    tls: { fingerprint: ep.fingerprint },
    timeoutMs: 30_000,
    readOnly: false,
  });
  return {
    firmware: formatRelease(parsePfsenseFirmware(options.firmware)),
    endpoint: ep.endpoint,
    dns: ep.dns,
    // Printed as CONTRACT.md `lab` has them: the user and password (the REST package's default Basic
    // auth) and the API key too, since KeyAuth is on. A config takes one form: the key.
    credentials: { username: 'iocwall', password, apiKey },
    configCredentials: { apiKey },
    fingerprint: ep.fingerprint,
    admin: adminEdits(admin),
    dropConnectionAfter: (n) => sim.dropConnectionAfter(n),
    simulator: sim,
    writeCount: () => sim.writeCount(),
    async stop() {
      admin.close();
      await sim.stop();
    },
  };
}

/** The lab entry (see releases.ts for the ranges). */
export const PFSENSE_LAB: LabEntry = {
  defaultFirmware: '2.8.1+pfrest-2.10.0',
  firmware: PFSENSE_FIRMWARE,
  parseFirmware: (release) => formatRelease(parsePfsenseFirmware(release)),
  start,
};
