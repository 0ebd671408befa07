/**
 * MikroTik bulk push benchmark (issue: "push 25,000 entries with 2 ms of added latency per command, under
 * 15 s; a no-change sync over 25,000 entries under 3 s"). The lab's RouterOS simulator answers every
 * command 2 ms after it arrived, in order, like a router reached over a network; the built CLI runs
 * `iocwall sync` against it as a user would, so the figures include compile, read, plan, apply and the
 * read-back verification.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, writeLabConfig } from '../src/lab/lab.js';
import { runCliSync } from './cli-sync.js';

const ENTRIES = 25_000;

/** 25,000 public single addresses, two apart so no two merge into a network. */
function feed(): string[] {
  return Array.from({ length: ENTRIES }, (_, i) => {
    const n = (45 << 24) + (8 << 16) + i * 2;
    return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  });
}

/** Runs both measurements, prints them against the targets, and returns them (seconds). */
export async function benchMikrotikPush(): Promise<{ push25kSeconds: number; noChangeSeconds: number }> {
  const lab = await startLab({ vendors: ['mikrotik'], firmware: { mikrotik: '7.18' }, latencyMs: 2 });
  try {
    const dir = mkdtempSync(join(tmpdir(), 'iocwall-bench-ros-'));
    writeFileSync(join(dir, 'feed.txt'), `${feed().join('\n')}\n`);
    const config = join(dir, 'iocwall.yaml');
    writeLabConfig(config, lab.devices, {
      sources: [{ name: 'feed', file: 'feed.txt', format: 'plain' }],
      defaults: { policy: { dns: false, ipv6: false } },
    });
    const push = await runCliSync(config);
    const pushed = (JSON.parse(push.stdout) as { targets: { status: string; summary?: { add: number } }[] })
      .targets[0];
    const again = await runCliSync(config);
    const status = (JSON.parse(again.stdout) as { targets: { status: string }[] }).targets[0]?.status;
    if (pushed?.status !== 'applied' || status !== 'in-sync')
      throw new Error('bench: unexpected sync results');
    const verdict = (s: number, limit: number): string =>
      `${s.toFixed(2)} s (target < ${limit} s: ${s < limit ? 'PASS' : 'MISS'})`;
    console.log(
      `mikrotik, 2 ms per command: first sync pushing ${pushed.summary?.add ?? 0} entries ${verdict(push.seconds, 15)}`,
    );
    console.log(`mikrotik, 2 ms per command: no-change sync over them ${verdict(again.seconds, 3)}`);
    console.log(
      `  (sequentially, one command per round trip, ${ENTRIES} adds would take at least ${((ENTRIES * 2) / 1000).toFixed(0)} s)`,
    );
    return { push25kSeconds: push.seconds, noChangeSeconds: again.seconds };
  } finally {
    await lab.stop();
  }
}
