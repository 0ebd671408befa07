/**
 * Ctrl-C in the middle of a sync (the built binary, a lab whose every request takes a while): the run
 * ends with 130 and one line that says what it means, and the next sync converges from the journal.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labFixture, type LabFixture } from './helpers.js';

const BIN = new URL('../../dist/src/cli/main.js', import.meta.url).pathname;

describe('an interrupted sync', () => {
  let fx: LabFixture;
  beforeAll(async () => {
    fx = await labFixture({ vendors: ['opnsense'], latencyMs: 200 }, ['45.76.10.7', '45.76.11.7']);
  });
  afterAll(async () => {
    await fx.lab.stop();
  });

  it('says so, exits 130, and the next sync converges', async () => {
    const lock = join(fx.dir, 'iocwall.state', 'locks', 'lab-opnsense.lock');
    const child = spawn(process.execPath, [BIN, 'sync', '--config', fx.config, '--log-level', 'warn'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 500 && !existsSync(lock); i++) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGINT');
    expect(await exit).toBe(130);
    expect(err).toMatch(
      /^iocwall: interrupted \(SIGINT\): .*the next sync or audit of that target reconciles/m,
    );
    expect((await fx.run('sync')).code).toBe(0);
    expect((await fx.run('audit')).code).toBe(0);
  });
});
