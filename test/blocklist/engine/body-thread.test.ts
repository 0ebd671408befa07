/**
 * The body-writer thread (src/blocklist/engine/body-thread.ts) only runs from the build (its worker is a
 * built `.js` file), so these tests drive the built binary and the built module, and compare them
 * with the in-thread writer that the TypeScript sources use under vitest.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/main.js';

const DIST = new URL('../../../dist/src/', import.meta.url);
const BIN = new URL('cli/main.js', DIST).pathname;

type BodyThreadModule = typeof import('../../../src/blocklist/engine/body-thread.js');

/** A plain list of `n` lines: names, addresses, networks, and values the guard refuses. */
function plainList(n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = (i * 7919) % 100_003;
    if (i % 10 === 0) lines.push(`${1 + (k % 223)}.${(k >> 3) & 255}.${k & 255}.${i & 255}`);
    else if (i % 97 === 0) lines.push(`10.0.${k & 255}.1`);
    else if (i % 89 === 0) lines.push(`${k}.example.com`);
    else
      lines.push(
        `${i % 13 === 0 ? 'cdn.' : ''}host${k.toString(36)}.${['com', 'net', 'ru', 'co.uk'][i % 4] ?? 'com'}`,
      );
  }
  return `${lines.join('\n')}\n`;
}

/** The file without its `generatedAt` value (the one byte range that differs between two runs). */
function withoutClock(text: string): string {
  return text.replace(/"generatedAt":"[^"]*"/, '"generatedAt":""');
}

describe('writing a big body on a second thread', () => {
  it('writes the same file and digest as the in-thread writer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iocwall-body-'));
    const input = join(dir, 'big.txt');
    // Above the 50,000 entries from which the built writer hands the body to its thread.
    writeFileSync(input, plainList(70_000));
    const threaded = join(dir, 'threaded.json');
    const run = spawnSync(
      process.execPath,
      [BIN, '--log-level', 'warn', 'compile', '--input', input, '--format', 'plain', '--out', threaded],
      { encoding: 'utf8' },
    );
    expect(run.status, run.stderr).toBe(0);

    const inThread = join(dir, 'in-thread.json');
    const code = await runCli(
      ['--log-level', 'error', 'compile', '--input', input, '--format', 'plain', '--out', inThread],
      { stdout: new PassThrough(), stderr: new PassThrough(), isTTY: false },
    );
    expect(code).toBe(0);

    const a = readFileSync(threaded, 'utf8');
    expect(withoutClock(a)).toBe(withoutClock(readFileSync(inThread, 'utf8')));
    const doc = JSON.parse(a) as { digest: string; entries: unknown[]; rejected: unknown[] };
    expect(doc.entries.length).toBeGreaterThan(50_000);
    expect(doc.rejected.length).toBeGreaterThan(0);
    const digest = createHash('sha256').update(JSON.stringify(doc.entries)).digest('hex');
    expect(doc.digest).toBe(`sha256:${digest}`);
  });

  it('is what the built writer uses, and reports a write error instead of hanging', async () => {
    const { BodyThread } = (await import(
      new URL('blocklist/engine/body-thread.js', DIST).href
    )) as BodyThreadModule;
    const dir = mkdtempSync(join(tmpdir(), 'iocwall-body-'));
    const path = join(dir, 'x');
    writeFileSync(path, '');

    const ok = openSync(path, 'w');
    const good = BodyThread.start(ok, 0);
    expect(good).toBeDefined();
    if (good === undefined) return;
    const hashed = good.writer(true);
    hashed.ascii('\n{"a":1},\n{"b":2}\n');
    hashed.flush();
    const tail = good.writer(false);
    tail.ascii('],"rejected":[]}\n');
    tail.flush();
    expect(good.finish()).toBe(`sha256:${createHash('sha256').update('[{"a":1},{"b":2}]').digest('hex')}`);
    closeSync(ok);
    expect(readFileSync(path, 'utf8')).toBe('\n{"a":1},\n{"b":2}\n],"rejected":[]}\n');

    // A descriptor opened for reading: every write fails with EBADF. A buffer is written by the worker
    // or, when the worker is behind, by the owner; a failure is reported either way. More than the
    // buffers in circulation, so the writer meets a worker's failure before `finish` if it was
    // reported by then.
    for (const hashed of [true, false]) {
      const readOnly = openSync(path, 'r');
      const bad = BodyThread.start(readOnly, 0);
      expect(bad).toBeDefined();
      expect(() => {
        const w = bad?.writer(hashed);
        for (let i = 0; i < 40; i++) w?.ascii('x'.repeat(1 << 20));
        w?.flush();
        bad?.finish();
      }, `hashed: ${hashed}`).toThrow(/EBADF/);
      closeSync(readOnly);
      // Whichever thread failed first, the worker writes nothing more: not even into the next file
      // that gets the closed descriptor's number.
      const next = join(dir, `next-${hashed}`);
      const reused = openSync(next, 'w');
      await new Promise((resolve) => setTimeout(resolve, 300));
      closeSync(reused);
      expect(readFileSync(next).length, `hashed: ${hashed}`).toBe(0);
    }
  });

  it('takes a worker started ahead, and fails the body when an early sync fails', async () => {
    const { BodyThread } = (await import(
      new URL('blocklist/engine/body-thread.js', DIST).href
    )) as BodyThreadModule;
    const dir = mkdtempSync(join(tmpdir(), 'iocwall-body-'));
    const path = join(dir, 'ahead');
    writeFileSync(path, '');

    // Started before the file exists; the next start hands it the descriptor. 20 MiB: two early syncs.
    // The body goes after a head written first, at the position it is given.
    BodyThread.startAhead();
    const fd = openSync(path, 'w');
    writeSync(fd, 'HEAD');
    const thread = BodyThread.start(fd, 4);
    expect(thread).toBeDefined();
    const hashed = thread?.writer(true);
    const chunk = `{"v":"${'a'.repeat(1 << 20)}"}`;
    const hash = createHash('sha256').update('[');
    for (let i = 0; i < 20; i++) {
      hashed?.ascii(i === 0 ? chunk : `,\n${chunk}`);
      hash.update(i === 0 ? chunk : `,${chunk}`);
    }
    hashed?.flush();
    expect(thread?.finish()).toBe(`sha256:${hash.update(']').digest('hex')}`);
    closeSync(fd);
    const written = readFileSync(path);
    expect(written.length).toBe(4 + 20 * chunk.length + 19 * 2);
    expect(written.subarray(0, 4 + chunk.length + 2).toString()).toBe(`HEAD${chunk},\n`);
    expect(written.subarray(-chunk.length - 2).toString()).toBe(`,\n${chunk}`);

    // /dev/null takes every write but cannot be synced (EINVAL): the failure must reach the owner,
    // since the owner's own fsync would not hear of an error a sync already reported.
    const devNull = openSync('/dev/null', 'w');
    const unsyncable = BodyThread.start(devNull, 0);
    expect(() => {
      const w = unsyncable?.writer(true);
      for (let i = 0; i < 20; i++) w?.ascii('x'.repeat(1 << 20));
      w?.flush();
      unsyncable?.finish();
    }).toThrow(/EINVAL/);
    closeSync(devNull);
  });

  it('a worker started ahead and never taken does not keep the process alive', () => {
    const script = `const { BodyThread } = await import(${JSON.stringify(
      new URL('blocklist/engine/body-thread.js', DIST).href,
    )}); BodyThread.startAhead(); console.log('started');`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.error).toBeUndefined();
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('started\n');
  });
});
