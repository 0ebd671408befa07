/**
 * Why we replaced node-routeros: against RouterOS ≥ 7.18 replies (`!empty` then `!done`) its `write()`
 * never settles, or the process dies of an exception thrown inside the socket handler. It runs in a child
 * process with a timeout so neither outcome can take the test runner down.
 */
import { execFile } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { MikrotikSimulator } from '../../../src/vendors/mikrotik/simulator/simulator.js';
import { startSim } from './helpers.js';

const SCRIPT = `
const { RouterOSAPI } = require('node-routeros');
const [host, port] = process.argv[1].replace('tcp://', '').split(':');
const api = new RouterOSAPI({ host, port: Number(port), user: 'admin', password: 'secret', timeout: 5 });
api.connect()
  .then(() => api.write('/ip/firewall/address-list/print', ['?list=nothing']))
  .then((rows) => { console.log('RESOLVED ' + JSON.stringify(rows)); process.exit(0); })
  .catch((err) => { console.log('REJECTED ' + err.message); process.exit(2); });
`;

function runLegacyClient(
  endpoint: string,
): Promise<{ code: number | null; killed: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-e', SCRIPT, endpoint],
      { timeout: 4000, cwd: process.cwd() },
      (err, stdout, stderr) => {
        const e = err as (Error & { code?: number; killed?: boolean }) | null;
        resolve({ code: e === null ? 0 : (e.code ?? null), killed: e?.killed === true, stdout, stderr });
      },
    );
  });
}

let sim: MikrotikSimulator | undefined;
afterEach(async () => {
  await sim?.stop();
});

describe('node-routeros 1.6.9 (the client we replaced)', () => {
  it('works against pre-7.18 replies (control: the harness can succeed)', async () => {
    const s = await startSim({ firmware: '6.49' });
    sim = s.sim;
    const r = await runLegacyClient(s.endpoint);
    expect(r.stdout).toContain('RESOLVED []');
  });

  it('fails on the 7.18 `!empty` reply: crashes or never settles', async () => {
    const s = await startSim({ firmware: '7.18' });
    sim = s.sim;
    const r = await runLegacyClient(s.endpoint);
    expect(r.stdout).not.toContain('RESOLVED');
    // observed: RosException "Tried to process unknown reply: !empty" thrown from Channel.onUnknown
    expect(r.killed || (r.code !== 0 && /unknown reply: !empty/.test(r.stderr))).toBe(true);
  });
});
