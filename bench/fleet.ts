/**
 * Fleet benchmark: the managed-services case — one advisory pushed to many customers' firewalls.
 * `SITES` labs are started (each one simulated firewall per vendor), every device answers each request
 * `LATENCY_MS` after it arrived (a firewall reached over a WAN or VPN), and the built CLI runs
 * `iocwall sync` over all of them as the nightly job does: first the push of the 3CX advisory plus an
 * advisory-sized feed, then a no-change sync, at `concurrency` 1 and at the default 4 and at 16.
 *
 * The simulators share this process (and the machine's two cores) with nothing else; the figures are
 * for comparing concurrency settings and builds, not a device's absolute speed. Printed, never asserted.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, writeLabConfig, type Lab } from '../src/lab/lab.js';
import { runCliSync } from './cli-sync.js';
import { isMain } from './compile.js';

const SITES = 4;
const LATENCY_MS = 20;
const FEED_IPS = 500;
const FEED_DOMAINS = 100;

/** An advisory-sized feed: public single addresses two apart and C2-like names. */
function feed(): string {
  const ips = Array.from({ length: FEED_IPS }, (_, i) => {
    const n = (45 << 24) + (9 << 16) + i * 2;
    return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  });
  const names = Array.from({ length: FEED_DOMAINS }, (_, i) => `c2-${i}.fleet-bench.example`);
  return `${[...ips, ...names].join('\n')}\n`;
}

interface SyncResult {
  seconds: number;
  statuses: Map<string, number>;
}

/** One `sync` over the fleet: its wall time and how many targets ended in each status. */
async function timedSync(config: string): Promise<SyncResult> {
  const { seconds, stdout } = await runCliSync(config);
  const statuses = new Map<string, number>();
  for (const t of (JSON.parse(stdout) as { targets: { status: string }[] }).targets)
    statuses.set(t.status, (statuses.get(t.status) ?? 0) + 1);
  return { seconds, statuses };
}

const summary = (s: Map<string, number>): string => [...s].map(([k, n]) => `${n} ${k}`).join(', ');

/** Runs the fleet measurements and prints them; returns seconds per concurrency. */
export async function benchFleet(): Promise<{ concurrency: number; push: number; noop: number }[]> {
  const dir = mkdtempSync(join(tmpdir(), 'iocwall-bench-fleet-'));
  writeFileSync(join(dir, 'advisory.txt'), feed());
  const rows: { concurrency: number; push: number; noop: number }[] = [];
  let devicesPerSite = 0;
  try {
    for (const concurrency of [1, 4, 16]) {
      // Fresh devices and a fresh state folder per setting: each first sync is a first push.
      const labs: Lab[] = [];
      try {
        for (let site = 0; site < SITES; site++) {
          const lab = await startLab({ latencyMs: LATENCY_MS });
          for (const d of lab.devices) d.name = `site${site + 1}-${d.vendor}`;
          labs.push(lab);
        }
        const devices = labs.flatMap((l) => l.devices);
        devicesPerSite = labs[0]?.devices.length ?? 0;
        const config = join(dir, `fleet-c${concurrency}.yaml`);
        writeLabConfig(config, devices, {
          sources: [
            { name: '3cx', builtin: '3cx' },
            { name: 'advisory', file: 'advisory.txt', format: 'plain' },
          ],
          concurrency,
        });
        const push = await timedSync(config);
        const noop = await timedSync(config);
        console.log(
          `${devices.length} firewalls, concurrency ${String(concurrency).padEnd(2)}: first push ${push.seconds.toFixed(1)} s (${summary(push.statuses)}); no-change sync ${noop.seconds.toFixed(1)} s (${summary(noop.statuses)})`,
        );
        rows.push({ concurrency, push: push.seconds, noop: noop.seconds });
      } finally {
        await Promise.all(labs.map((l) => l.stop()));
      }
    }
    console.log(
      `  (${SITES} sites × ${devicesPerSite} vendors, ${LATENCY_MS} ms per request or command, a feed of ${FEED_IPS} addresses and ${FEED_DOMAINS} names plus the 3CX advisory)`,
    );
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) await benchFleet();
