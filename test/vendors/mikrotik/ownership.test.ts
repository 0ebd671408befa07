/** Ownership on RouterOS: the one `hasMarker` rule (a whole whitespace-separated word of the comment). */
import { afterEach, expect, it } from 'vitest';
import { createMikrotikAdapter } from '../../../src/vendors/mikrotik/adapter.js';
import type { MikrotikSimulator } from '../../../src/vendors/mikrotik/simulator/simulator.js';
import { LIST, MARKER } from './adapter-fixtures.js';
import { adminClient, startSim, target } from './helpers.js';

let sim: MikrotikSimulator | undefined;
afterEach(async () => {
  await sim?.stop();
});

it('reads what older iocwall wrote as ours, and nothing that merely contains the marker', async () => {
  const s = await startSim({ firmware: '7.18' });
  sim = s.sim;
  const admin = await adminClient(s.endpoint);
  const add = (address: string, comment: string) =>
    admin.write({ command: '/ip/firewall/address-list/add', attributes: { list: LIST, address, comment } });
  await add('192.0.2.1', MARKER); // what every iocwall version writes on list entries
  await add('192.0.2.2', `${MARKER}0`); // another instance whose id extends ours
  await add('192.0.2.3', `${MARKER},`); // punctuation glued to it: not the marker as a word
  await admin.write({
    command: '/ip/firewall/filter/add',
    attributes: {
      chain: 'forward',
      action: 'drop',
      'dst-address-list': LIST,
      comment: `old_egress_v4 ${MARKER}`,
    },
  });
  await admin.close();
  const adapter = createMikrotikAdapter(target(s.endpoint), MARKER);
  try {
    const o = await adapter.read();
    expect(o.sets).toEqual([{ id: 'ipv4', name: LIST, entries: ['192.0.2.1'] }]);
    expect(o.rules.map((r) => r.name)).toEqual([`old_egress_v4 ${MARKER}`]);
    expect(o.foreign).toEqual([
      expect.objectContaining({
        kind: 'set',
        name: LIST,
        detail: expect.stringContaining('2 entries') as string,
      }),
    ]);
  } finally {
    await adapter.close();
  }
});
