/**
 * Sophos push benchmark (issue 13): the requests iocwall sends for a first push of 1,000 IPv4 addresses and
 * 200 domains, and for a 10-entry change, and the time they take at the latencies measured on real devices
 * (F2B, sophos-facts.md §5.6: ~1 s per call; 5–8 s more per successful write to an object an enabled rule
 * uses). Waiting minutes for modelled sleeps proves nothing, so the simulator runs without delay, counts
 * calls, writes and recompiling writes, and the modelled time is computed from those counts.
 */
import { benchPlan } from './bench-plan.js';
import { createSophosAdapter } from '../src/vendors/sophos/adapter.js';
import { SophosSimulator } from '../src/vendors/sophos/simulator/simulator.js';
import type { DesiredState, FirewallAdapter } from '../src/vendors/types.js';

const CALL_S = 1;
const RECOMPILE_S = 6.5; // middle of F2B's 5–8 s

function desired(v4: string[], dns: string[]): DesiredState {
  const marker = 'iocwall:bench';
  return {
    target: 'sfos',
    vendor: 'sophos',
    marker,
    sets: [
      { id: 'ipv4', family: 'ipv4', name: 'iocwall_v4', entries: [...v4].sort() },
      { id: 'dns', family: 'domain', name: 'iocwall_dns', entries: [...dns].sort() },
    ],
    rules: [
      {
        id: 'egress-ipv4',
        name: `iocwall_egress_v4 ${marker}`,
        setId: 'ipv4',
        family: 'ipv4',
        action: 'drop',
        placement: 'top',
      },
    ],
  };
}

async function measure(sim: SophosSimulator, adapter: FirewallAdapter, d: DesiredState): Promise<string> {
  const before = { requests: sim.requests, writes: sim.writes, recompiles: sim.recompiles };
  const t = performance.now();
  const plan = benchPlan(d, await adapter.read(), sim.endpoint);
  await adapter.apply(plan.changes, plan.desired);
  await adapter.read(); // the engine's read-back
  const wall = (performance.now() - t) / 1000;
  const requests = sim.requests - before.requests;
  const writes = sim.writes - before.writes;
  const recompiles = sim.recompiles - before.recompiles;
  const modelled = requests * CALL_S + recompiles * RECOMPILE_S;
  return `${requests} requests (${writes} writes, ${recompiles} to rule-used objects): ~${modelled.toFixed(0)} s at measured latencies (${wall.toFixed(2)} s here)`;
}

/** Runs both measurements and prints them. */
export async function benchSophosPush(): Promise<void> {
  const sim = new SophosSimulator({
    release: '22.0',
    username: 'iocwall',
    password: 'bench-pass',
    adminPassword: 'bench-admin',
  });
  await sim.start();
  const adapter = createSophosAdapter(
    {
      name: 'sfos',
      vendor: 'sophos',
      endpoint: sim.endpoint,
      credentials: { username: 'iocwall', password: 'bench-pass' },
      tls: { fingerprint: sim.fingerprint },
      timeoutMs: 60_000,
      readOnly: false,
      options: {},
    },
    'iocwall:bench',
  );
  try {
    const v4 = Array.from({ length: 1000 }, (_, i) => `45.8.${i >> 8}.${i & 255}`);
    const dns = Array.from({ length: 200 }, (_, i) => `c2-${i}.example.net`);
    console.log(
      `sophos 22.0, first push of 1,000 IPv4 + 200 domains: ${await measure(sim, adapter, desired(v4, dns))}`,
    );
    const changed = desired(
      [...v4.slice(5), '45.9.0.1', '45.9.0.2', '45.9.0.3'],
      [...dns.slice(1), 'c2-new.example.net'],
    );
    console.log(
      `sophos 22.0, 10-entry change (5+1 removed, 3+1 added): ${await measure(sim, adapter, changed)}`,
    );
  } finally {
    await adapter.close();
    await sim.stop();
  }
}
