/**
 * A reader that closes stdout early (`iocwall compile --json | head`): the built binary in its own process
 * stops writing, prints nothing on stderr (no "Unhandled 'error' event", no stack) and ends with its
 * command's own exit code (docs/commands.md "A closed stdout"). Other write errors still fail the run.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { labFixture, type LabFixture } from '../integration/helpers.js';

const BIN = new URL('../../dist/src/cli/main.js', import.meta.url).pathname;

interface Ended {
  code: number | null;
  signal: string | null;
  stderr: string;
  read: number;
}

/**
 * Runs the binary with its stdout on a pipe that this side closes: after `readBytes` bytes, or at once
 * (before the command writes anything) when `readBytes` is 0.
 */
function runAndClose(args: string[], readBytes: number): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '--log-level', 'warn', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let read = 0;
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    if (readBytes === 0) child.stdout.destroy();
    else
      child.stdout.on('data', (c: Buffer) => {
        read += c.length;
        if (read >= readBytes) child.stdout.destroy();
      });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr, read }));
  });
}

/** A plain feed of `n` distinct public IPv4 addresses: megabytes of canonical JSON, far over a pipe's buffer. */
function bigFeed(n: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'iocwall-epipe-'));
  const lines: string[] = [];
  // One address per /24: no two merge into a network, so every one is an entry of its own.
  for (let i = 0; i < n; i++) lines.push(`45.${(i >> 8) & 255}.${i & 255}.7`);
  const path = join(dir, 'feed.txt');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

let fx: LabFixture | undefined;
afterAll(async () => {
  await fx?.lab.stop();
});

describe('a closed stdout ends the run quietly', () => {
  it('compile --json | head: exit 0, nothing on stderr', async () => {
    const input = bigFeed(30_000);
    const r = await runAndClose(['compile', '--input', input, '--json'], 200);
    // Stopped well before the end: the whole document is megabytes.
    expect(r.read).toBeGreaterThanOrEqual(200);
    expect(r.read).toBeLessThan(1_000_000);
    expect(r).toMatchObject({ code: 0, signal: null, stderr: '' });
  });

  it('compile --json with stdout closed before the first byte: exit 0, nothing on stderr', async () => {
    const input = bigFeed(2_000);
    const r = await runAndClose(['compile', '--input', input, '--json'], 0);
    expect(r).toMatchObject({ code: 0, signal: null, stderr: '' });
  });

  it('config-schema and --help with stdout closed: exit 0, nothing on stderr', async () => {
    expect(await runAndClose(['config-schema'], 0)).toMatchObject({ code: 0, signal: null, stderr: '' });
    expect(await runAndClose(['--help'], 0)).toMatchObject({ code: 0, signal: null, stderr: '' });
  });

  it('plan with changes pending keeps its exit code 2 when stdout is closed', async () => {
    fx = await labFixture({ vendors: ['opnsense'] }, ['45.76.10.7', 'evil-c2.example.net']);
    const r = await runAndClose(['plan', '--config', fx.config], 0);
    expect(r).toMatchObject({ code: 2, signal: null, stderr: '' });
  });

  it.runIf(existsSync('/dev/full'))(
    'a stdout that fails otherwise (a full disk) is exit 1 with one line',
    async () => {
      const input = bigFeed(2_000);
      const code = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          [BIN, '--log-level', 'warn', 'compile', '--input', input, '--json'],
          {
            stdio: ['ignore', openSync('/dev/full', 'w'), 'pipe'],
          },
        );
        let stderr = '';
        child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('error', reject);
        child.on('close', (c) => resolve({ code: c, stderr }));
      });
      expect(code).toEqual({ code: 1, stderr: 'iocwall: cannot write the result to stdout: ENOSPC\n' });
    },
  );
});
