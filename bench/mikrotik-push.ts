/**
 * MikroTik bulk push benchmark: 25,000 IPv4 entries through the adapter to the simulator (2 ms per command,
 * processed one after another like a real router's API session), then a no-change read of all of them.
 */
import { createMikrotikAdapter } from '../src/vendors/mikrotik/adapter.js';
import { MikrotikSimulator } from '../src/vendors/mikrotik/simulator.js';
import type { Change, DesiredState } from '../src/vendors/types.js';

const ENTRIES = 25_000;
const MARKER = 'iocwall:bench';

/** Pushes 25,000 entries, then times a read + empty diff of them. Prints and returns both durations (s). */
export async function benchMikrotikPush(): Promise<{ push25kSeconds: number; noChangeSeconds: number }> {
  const sim = new MikrotikSimulator({ mode: '7.18', username: 'admin', password: 'bench', latencyMs: 2 });
  const { endpoint } = await sim.start();
  const adapter = createMikrotikAdapter(
    {
      name: 'bench',
      vendor: 'mikrotik',
      endpoint,
      credentials: { username: 'admin', password: 'bench' },
      tls: {},
      timeoutMs: 30_000,
      readOnly: false,
      options: {},
    },
    MARKER,
  );
  try {
    const entries = Array.from(
      { length: ENTRIES },
      (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    ).sort();
    const desired: DesiredState = {
      target: 'bench',
      vendor: 'mikrotik',
      marker: MARKER,
      sets: [{ id: 'ipv4', family: 'ipv4', name: 'iocwall-blocklist', entries }],
      rules: [],
    };
    const create: Change = {
      kind: 'set',
      op: 'create',
      setId: 'ipv4',
      name: 'iocwall-blocklist',
      family: 'ipv4',
      add: entries,
      remove: [],
      entries,
    };
    await adapter.read(); // connect + login outside the timed part
    let t = performance.now();
    await adapter.apply([create], desired);
    const push25kSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    const observed = await adapter.read();
    const have = new Set(observed.sets.find((s) => s.id === 'ipv4')?.entries ?? []);
    const pending = entries.filter((e) => !have.has(e)).length + (have.size - entries.length);
    const noChangeSeconds = (performance.now() - t) / 1000;
    if (pending !== 0) throw new Error(`bench: ${pending} entries differ after the push`);
    console.log(
      `mikrotik: push 25k entries ${push25kSeconds.toFixed(2)} s, no-change read of 25k ${noChangeSeconds.toFixed(2)} s`,
    );
    return { push25kSeconds, noChangeSeconds };
  } finally {
    await adapter.close();
    await sim.stop();
  }
}
