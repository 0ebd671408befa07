/**
 * The OPNsense lab entry: which releases the simulator plays (firmware.ts), how a device starts, and an
 * administrator's hand edits through the device's own REST API (lab-admin.ts).
 *
 * The credentials a lab prints belong to an API user holding exactly the privileges
 * docs/vendors/opnsense.md lists as needed (not "System: Firmware"); hand edits use a separate
 * administrator key, as a colleague at the GUI would.
 */
import https from 'node:https';
import type { LabEntry, LabDeviceHandle } from '../types.js';
import { OPNSENSE_FIRMWARE, opnsenseRelease } from './firmware.js';

export { OPNSENSE_FIRMWARE } from './firmware.js';

/** The OPNsense lab entry. */
export const opnsenseLab: LabEntry = {
  defaultFirmware: '26.1.9',
  firmware: OPNSENSE_FIRMWARE,
  parseFirmware: (release) => opnsenseRelease(release).version,
  async start({ firmware, secret, latencyMs }): Promise<LabDeviceHandle> {
    const iocwall = { key: secret(), secret: secret() };
    const admin = { key: secret(), secret: secret() };
    // Loaded on start only: loading a config must not load the simulators, nor the client and axios.
    const [
      { OpnsenseSimulator, IOCWALL_PRIVILEGES },
      { plainAnswer, startDnsResponder },
      { default: axios },
      { isOpnsenseMutating },
      { adminEdits },
    ] = await Promise.all([
      import('./simulator/index.js'),
      import('../simkit/dns-responder.js'),
      import('axios'),
      import('./client.js'),
      import('./lab-admin.js'),
    ]);
    const sim = new OpnsenseSimulator({
      key: admin.key,
      secret: admin.secret,
      users: [{ ...iocwall, privileges: IOCWALL_PRIVILEGES }],
      version: opnsenseRelease(firmware).version,
      ...(latencyMs ? { latencyMs } : {}),
    });
    const started = await sim.start();
    const dns = await startDnsResponder((name, type) => sim.dnsAnswer(name, type) ?? plainAnswer(type));
    const api = axios.create({
      baseURL: `${started.endpoint}/api`,
      auth: { username: admin.key, password: admin.secret },
      httpsAgent: new https.Agent({ ca: started.caPem }),
      validateStatus: () => true,
    });
    return {
      get firmware() {
        return sim.version;
      },
      endpoint: started.endpoint,
      dns: dns.address,
      credentials: iocwall,
      fingerprint: started.fingerprint,
      admin: adminEdits(api),
      simulator: sim,
      dropConnectionAfter: (requests) => sim.setFaults({ resetAfterCalls: requests }),
      writeCount: () =>
        sim.requestLog.filter((r) => isOpnsenseMutating(r.method, r.path.replace(/^\/api\//, ''))).length,
      upgrade: (release) =>
        new Promise<void>((resolve) => {
          sim.upgrade(opnsenseRelease(release).version);
          resolve();
        }),
      stop: async () => {
        await dns.stop();
        await sim.stop();
      },
    };
  },
};
