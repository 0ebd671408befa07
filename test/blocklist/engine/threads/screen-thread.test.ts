/**
 * The line-screen thread (src/blocklist/engine/threads/screen-thread.ts) only runs from the build (its worker
 * is a built `.js` file): the built binary, which screens a big plain list on a second thread, must
 * write the same blocklist as the TypeScript sources, which read every line themselves.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../../src/cli/main.js';

const BIN = new URL('../../../../dist/src/cli/main.js', import.meta.url).pathname;

/**
 * A plain list over 4 MiB (where screening starts): mostly addresses and networks, with what the
 * screen must leave to the reader — special and warninglisted addresses, networks to carve, prefixes
 * below the minimum, non-canonical forms, names, comments, CRLF, blank lines — and repeats.
 */
function mixedList(lines: number): string {
  const out: string[] = ['\ufeff198.51.100.7'];
  for (let i = 1; i < lines; i++) {
    const k = (i * 2654435761) >>> 0;
    const a = 1 + (k % 223);
    const quad = `${a}.${(k >>> 8) & 255}.${(k >>> 16) & 255}.${(k >>> 24) & 255}`;
    switch (i % 23) {
      case 0:
        out.push(`10.${k & 255}.0.1`);
        break;
      case 1:
        out.push(`${quad}\r`);
        break;
      case 2:
        out.push(`${a}.${(k >>> 8) & 255}.0.0/16`);
        break;
      case 3:
        out.push('8.8.8.8');
        break;
      case 4:
        out.push('45.33.32.0/23');
        break;
      case 5:
        out.push(`${a}.0.0.0/${k % 8}`);
        break;
      case 6:
        out.push(`0${quad}`);
        break;
      case 7:
        out.push(`host${k.toString(36)}.example.com`);
        break;
      case 8:
        out.push(`# ${quad}`);
        break;
      case 9:
        out.push('');
        break;
      case 10:
        out.push(`${quad} # c2`);
        break;
      case 11:
        out.push(`${224 + (k % 31)}.1.2.3`);
        break;
      default:
        out.push(quad);
    }
  }
  return `${out.join('\n')}\n`;
}

/** The file without its `generatedAt` value (the one byte range that differs between two runs). */
const withoutClock = (text: string): string => text.replace(/"generatedAt":"[^"]*"/, '"generatedAt":""');

describe('screening a big plain list on a second thread', () => {
  it('writes the blocklist the in-thread reader writes, and says how many lines it screened', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iocwall-screen-'));
    const input = join(dir, 'big.txt');
    writeFileSync(input, mixedList(330_000));
    expect(readFileSync(input).length).toBeGreaterThan(4 * 1024 * 1024);

    const screened = join(dir, 'screened.json');
    const run = spawnSync(
      process.execPath,
      [BIN, '--log-level', 'debug', 'compile', '--input', input, '--format', 'plain', '--out', screened],
      { encoding: 'utf8' },
    );
    expect(run.status, run.stderr).toBe(0);
    const note = run.stderr
      .split('\n')
      .filter((l) => l.includes('lines screened on a second thread'))
      .map((l) => JSON.parse(l) as { lines: number });
    expect(note).toHaveLength(1);
    expect(note[0]?.lines).toBeGreaterThan(100_000);

    const inThread = join(dir, 'in-thread.json');
    const code = await runCli(
      ['--log-level', 'error', 'compile', '--input', input, '--format', 'plain', '--out', inThread],
      {
        stdout: new PassThrough(),
        stderr: new PassThrough(),
        isTTY: false,
      },
    );
    expect(code).toBe(0);
    const a = readFileSync(screened, 'utf8');
    expect(withoutClock(a)).toBe(withoutClock(readFileSync(inThread, 'utf8')));
    const doc = JSON.parse(a) as { entries: unknown[]; rejected: { reason: string }[] };
    expect(doc.entries.length).toBeGreaterThan(200_000);
    expect(new Set(doc.rejected.map((r) => r.reason))).toEqual(
      new Set(['guarded', 'warninglisted', 'invalid']),
    );
  });
});
