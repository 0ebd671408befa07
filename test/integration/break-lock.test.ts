/**
 * `--break-lock` from the displaced run's side: a sync whose lock another run broke while it was still
 * reading its device (it looked stuck) sends no write once it gets going again; the target is refused
 * with the reason, and the run that broke the lock is the only writer.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exited, firstLine } from '../apply/child-process.js';
import { labFixture, type LabFixture } from './helpers.js';

const LOCK_MODULE = new URL('../../dist/src/apply/lock.js', import.meta.url).href;

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
    const breaker = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { withTargetLock } from ${JSON.stringify(LOCK_MODULE)};
         await withTargetLock(process.argv[1], 'lab-opnsense', async () => process.stdout.write('broke\\n'), { breakLock: true });`,
        join(fx.dir, 'iocwall.state'),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    expect(await firstLine(breaker)).toBe('broke');
    await exited(breaker);
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
