/**
 * The journal after a SIGKILL mid-apply (issue 14, item 7): what was being sent is journalled before the
 * outcome is known, and the next run reconciles that record with what it reads on the device, so the
 * journal (what was blocked where, since when) matches the device. The killed run is the built CLI in a
 * child process, as cron runs it.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstPushed, readJournal } from '../../src/apply/journal.js';
import type { RouterOsClient } from '../../src/vendors/mikrotik/client.js';
import { labFixture, opnsenseSim, type LabFixture, routerOsSession } from './helpers.js';

const BIN = new URL('../../dist/src/cli/main.js', import.meta.url).pathname;
/** Addresses no two of which aggregate into a network. */
const FEED = Array.from({ length: 300 }, (_, i) => `45.${60 + Math.floor(i / 100)}.${(i % 100) * 2}.9`);

describe('journal and device agree after a sync killed mid-apply', () => {
  let fx: LabFixture;
  let admin: RouterOsClient;
  beforeAll(async () => {
    fx = await labFixture({ vendors: ['mikrotik'], latencyMs: 4 }, FEED);
    fx.editConfig((c) => {
      c.retentionDays = 0;
      c.sources = [{ name: 'feed', file: 'feed.txt', format: 'plain' }];
      // One command in flight at a time: the apply takes long enough to be killed in the middle.
      (c.targets as Record<string, unknown>[])[0]!.options = { window: 1 };
      c.defaults = { policy: { dns: false, ipv6: false } };
    });
    const d = fx.device('mikrotik');
    admin = await routerOsSession(d, true);
  });
  afterAll(async () => {
    await admin.close();
    await fx.lab.stop();
  });

  const onDevice = async (): Promise<string[]> => {
    const list = await admin.write({
      command: '/ip/firewall/address-list/print',
      queries: ['?list=iocwall_v4'],
    });
    return list.rows.map((r) => r.address ?? '').sort();
  };

  it('journals the intent, and the next run records what the killed run left on the device', async () => {
    const device = fx.device('mikrotik');
    const child = spawn(process.execPath, [BIN, 'sync', '--config', fx.config, '--log-level', 'warn'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exit = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, signal) => r(signal)));
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (device.writeCount() >= 40 || child.exitCode !== null) {
          clearInterval(poll);
          child.kill('SIGKILL');
          resolve();
        }
      }, 5);
    });
    expect({ signal: await exit, stderr }).toEqual({ signal: 'SIGKILL', stderr: '' });
    const left = await onDevice();
    expect(left.length).toBeGreaterThan(0);
    expect(left.length).toBeLessThan(FEED.length);

    // Everything that reached the device is in the journal as sent, before any outcome was known.
    const state = join(fx.dir, 'iocwall.state');
    const killed = readJournal(state).filter((r) => r.target === 'lab-mikrotik');
    expect(killed.map((r) => r.result)).toEqual(['intent']);
    const sent = new Set(Object.values(killed[0]!.added).flat());
    expect(left.every((v) => sent.has(v))).toBe(true);

    // The next run reconciles the intent with what it reads, then finishes the job.
    const next = await fx.run('sync');
    expect(next.code).toBe(0);
    const records = readJournal(state).filter((r) => r.target === 'lab-mikrotik');
    expect(records.map((r) => r.result)).toEqual(['intent', 'reconciled', 'intent', 'applied']);
    expect(Object.values(records[1]!.added).flat().sort()).toEqual(left);
    const journalled = [...(firstPushed(records).get('lab-mikrotik')?.keys() ?? [])].sort();
    expect(journalled).toEqual(await onDevice());
    expect(journalled).toEqual([...FEED].sort());
    expect((await fx.run('audit')).code).toBe(0);
  });
});

describe('a failed apply journals what may have reached the device', () => {
  it('records the changes as unconfirmed, and the next run settles them', async () => {
    const fx = await labFixture({ vendors: ['opnsense'] }, ['45.76.10.7']);
    try {
      fx.editConfig((c) => {
        c.retentionDays = 0;
      });
      expect((await fx.run('sync')).code).toBe(0);
      fx.setFeed(['45.76.10.7', '45.76.11.7', '45.76.12.7']);
      // The read takes 7 calls: the connection drops in the middle of the apply.
      opnsenseSim(fx).setFaults({ resetAfterCalls: 9 });
      expect((await fx.run('sync')).code).toBe(1);
      opnsenseSim(fx).setFaults({});
      const state = join(fx.dir, 'iocwall.state');
      const failed = readJournal(state).at(-1)!;
      expect(failed).toMatchObject({ result: 'failed', unconfirmed: true });
      expect(Object.values(failed.added).flat()).toEqual(['45.76.11.7', '45.76.12.7']);
      expect((await fx.run('sync')).code).toBe(0);
      const results = readJournal(state).map((r) => r.result);
      expect(results.slice(-5)).toEqual(['intent', 'failed', 'reconciled', 'intent', 'applied']);
      const journalled = [...(firstPushed(readJournal(state)).get('lab-opnsense')?.keys() ?? [])].sort();
      expect(journalled).toEqual(['45.76.10.7', '45.76.11.7', '45.76.12.7']);
    } finally {
      await fx.lab.stop();
    }
  });
});
