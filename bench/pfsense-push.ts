/**
 * pfSense push benchmark (issue 12): the first sync of 25,000 IPv4 entries and 5,000 domains, then a
 * no-op sync over them, against the simulator playing pfSense 2.8.1 + pfrest 2.10.0 with an appliance's
 * costs per request, config save, filter reload and Unbound restart (`APPLIANCE_LATENCY`). Drives the
 * real adapter through the real planner and prints the time beside the number of API requests.
 */
import { benchPlan } from './bench-plan.js';
import { createPfsenseAdapter } from '../src/vendors/pfsense/adapter.js';
import { PfsenseSimulator } from '../src/vendors/pfsense/simulator/server.js';
import { APPLIANCE_LATENCY } from '../src/vendors/pfsense/simulator/state.js';
import type { DesiredState, FirewallAdapter } from '../src/vendors/types.js';

const V4 = 25_000;
const DOMAINS = 5_000;
const MARKER = 'iocwall:bench';

function desired(): DesiredState {
  const v4 = Array.from({ length: V4 }, (_, i) => {
    const n = (45 << 24) + (8 << 16) + i * 2;
    return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  }).sort();
  const dns = Array.from({ length: DOMAINS }, (_, i) => `c2-${i}.bench-ioc.example`).sort();
  const rule = (family: 'ipv4' | 'ipv6') => ({
    id: family === 'ipv4' ? ('egress-ipv4' as const) : ('egress-ipv6' as const),
    name: `iocwall_egress_${family === 'ipv4' ? 'v4' : 'v6'} ${MARKER}`,
    setId: family,
    family,
    action: 'drop' as const,
    placement: 'top' as const,
  });
  return {
    target: 'bench',
    vendor: 'pfsense',
    marker: MARKER,
    sets: [
      { id: 'ipv4', family: 'ipv4', name: 'iocwall_v4', entries: v4 },
      { id: 'ipv6', family: 'ipv6', name: 'iocwall_v6', entries: [] },
      { id: 'dns', family: 'domain', name: 'iocwall_dns', entries: dns },
    ],
    rules: [rule('ipv4'), rule('ipv6')],
  };
}

/** One sync: read, plan, apply when needed, read back; seconds and requests. */
async function timedSync(
  adapter: FirewallAdapter,
  sim: PfsenseSimulator,
  d: DesiredState,
): Promise<{ seconds: number; requests: number; changes: number }> {
  const before = sim.requestLog.length;
  const t = performance.now();
  const plan = benchPlan(d, await adapter.read(), 'bench');
  if (plan.refusal !== null) throw new Error(`bench: plan refused: ${plan.refusal}`);
  if (plan.changes.length > 0) await adapter.apply(plan.changes, plan.desired);
  const check = benchPlan(d, await adapter.read(), 'bench');
  if (check.changes.length > 0) throw new Error('bench: device not in sync after the sync');
  return {
    seconds: (performance.now() - t) / 1000,
    requests: sim.requestLog.length - before,
    changes: plan.changes.length,
  };
}

/** Runs both measurements and prints them. */
export async function benchPfsensePush(): Promise<{ firstSeconds: number; noopSeconds: number }> {
  const sim = new PfsenseSimulator({
    firmware: '2.8.1+pfrest-2.10.0',
    users: { iocwall: { password: 'bench-password-1', privileges: ['page-all'] } },
    latency: APPLIANCE_LATENCY,
  });
  const ep = await sim.start();
  const adapter = createPfsenseAdapter(
    {
      name: 'bench',
      vendor: 'pfsense',
      endpoint: ep.endpoint,
      credentials: { username: 'iocwall', password: 'bench-password-1' },
      tls: { fingerprint: ep.fingerprint },
      timeoutMs: 180_000,
      readOnly: false,
      options: {},
    },
    MARKER,
  );
  try {
    const d = desired();
    const first = await timedSync(adapter, sim, d);
    const noop = await timedSync(adapter, sim, d);
    const l = APPLIANCE_LATENCY;
    console.log(
      `pfsense 2.8.1+pfrest-2.10.0 (${l.requestMs} ms/request, ${l.configWriteMs} ms/save, ${l.filterReloadMs} ms + ${l.perTableEntryUs} µs/entry per filter reload, ${l.unboundRestartMs} ms/Unbound restart):`,
    );
    console.log(
      `  first sync of ${V4} IPv4 + ${DOMAINS} domains: ${first.seconds.toFixed(2)} s, ${first.requests} API requests (${first.changes} changes)`,
    );
    console.log(`  no-op sync over them: ${noop.seconds.toFixed(2)} s, ${noop.requests} API requests`);
    return { firstSeconds: first.seconds, noopSeconds: noop.seconds };
  } finally {
    await adapter.close();
    await sim.stop();
  }
}
