/**
 * The lab entry of Sophos: which SFOS releases the simulator plays, and a started device with the hand
 * edits an administrator makes through the XML API with the `admin` account (lab-admin.ts; drift tests,
 * the demo). The vendor module holds this entry, so it imports neither the client nor the XML libraries:
 * `start()` loads them with the simulator.
 */
import { ConfigError } from '../../errors.js';
import type { FirmwareRange, LabDeviceHandle, LabEntry, LabStartOptions } from '../types.js';
import type { SophosClient } from './client.js';
import { SFOS_RELEASES, type SfosRelease } from './simulator/releases.js';

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

/** Starts one simulated SFOS for the lab. */
async function start(o: LabStartOptions): Promise<LabDeviceHandle> {
  const firmware = parseSophosFirmware(o.firmware);
  const password = o.secret();
  const adminPassword = o.secret();
  // Loaded on start only: loading a config (every sync) must not load the simulator and its TLS kit, nor
  // the client and its HTTP and XML libraries.
  const [{ SophosSimulator }, { SophosClient }, { adminEdits }] = await Promise.all([
    import('./simulator/simulator.js'),
    import('./client.js'),
    import('./lab-admin.js'),
  ]);
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
