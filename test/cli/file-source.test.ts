/**
 * A config `file:` source that cannot be read, through the CLI in-process: a file source has no last-good
 * copy (only a download does), so the run stops with exit 1 and a one-line reason before any device is
 * touched. It is never read as empty, which under `sync` would remove every block.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labFixture, type LabFixture } from '../integration/helpers.js';

describe('a config file source that cannot be read', () => {
  let fx: LabFixture;
  beforeAll(async () => {
    fx = await labFixture({ vendors: ['opnsense'] }, ['45.76.10.7', '45.76.11.7']);
  });
  afterAll(async () => {
    await fx.lab.stop();
  });

  it('stops compile and sync with one line and exit 1; the device keeps its entries', async () => {
    expect((await fx.run('sync')).code).toBe(0);
    const writes = fx.device('opnsense').writeCount();
    rmSync(fx.feed);
    const reason = `iocwall: source feed: cannot read ${join(fx.dir, 'feed.txt')}: ENOENT\n`;
    for (const command of ['compile', 'sync']) {
      const res = await fx.run(command);
      expect(res.code).toBe(1);
      expect(res.stderr).toBe(reason);
    }
    expect(fx.device('opnsense').writeCount()).toBe(writes);
    fx.setFeed(['45.76.10.7', '45.76.11.7']);
    const again = await fx.run('sync');
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('lab-opnsense [opnsense, lab]: in-sync\n');
  });
});
