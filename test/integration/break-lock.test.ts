/**
 * `--break-lock` from the displaced run's side: a sync whose lock another run broke while it was still
 * reading its device (it looked stuck) sends no write once it gets going again; the target is refused
 * with the reason, and the run that broke the lock is the only writer.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { breakLockInChild } from '../apply/child-process.js';
import { labFixture, type LabFixture } from './helpers.js';

describe('a run whose lock is broken', () => {
  let fx: LabFixture;
  beforeAll(async () => {
    // Every request takes a while, so the sync is still reading when its lock is broken.
    fx = await labFixture({ vendors: ['opnsense'], latencyMs: 200 }, ['45.76.10.7']);
  });
  afterAll(async () => {
    await fx.lab.stop();
  });

  it('sends nothing after it finds out', async () => {
    const lock = join(fx.dir, 'iocwall.state', 'locks', 'lab-opnsense.lock');
    const sync = fx.run('sync');
    for (let i = 0; i < 200 && !existsSync(lock); i++) await new Promise((r) => setTimeout(r, 10));
    await breakLockInChild(join(fx.dir, 'iocwall.state'), 'lab-opnsense');
    const res = await sync;
    // Refused for safety (exit 3), as a target another run holds is.
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/another run took this run's lock \(--break-lock\)/);
    // Nothing reached the device: a plan still has the whole blocklist to add.
    const plan = JSON.parse((await fx.run('plan', '--json')).stdout) as {
      targets: { summary: { add: number } }[];
    };
    expect(plan.targets[0]?.summary.add).toBe(1);
  });
});
