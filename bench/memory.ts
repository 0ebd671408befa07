/**
 * `npm run bench` — peak memory of `compile --config` on three hostile feeds (issue 14 item 6), each
 * generated on the fly in a temp folder and compiled by the built CLI in a child process:
 * - 250 MB of one repeated line (a `file:` source);
 * - a 6 MB gzip file that inflates far past the 256 MB default cap (the cap must stop it first);
 * - 5,000,000 distinct junk tokens (every one rejected, each with its own detail).
 * Peak RSS from GNU time (`%M`), else the child's `process.resourceUsage().maxRSS` via a wrapper.
 * Figures are printed, never asserted; the goal is under 500 MB each.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { hasGnuTime, isMain, packageRoot } from './compile.js';

/** Writes `total` bytes made of `chunk` repeated (the last copy cut at a line end). */
async function writeRepeated(path: string, chunk: Buffer, total: number): Promise<void> {
  const out = createWriteStream(path);
  for (let written = 0; written + chunk.length <= total; written += chunk.length) {
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r, j) => out.end((err?: Error | null) => (err ? j(err) : r())));
}

/** Writes `count` distinct junk tokens, one per line (`tok17.x170`: a top-level label with digits). */
async function writeJunk(path: string, count: number): Promise<void> {
  const out = createWriteStream(path);
  for (let i = 0; i < count; i += 10_000) {
    let block = '';
    for (let k = i; k < Math.min(count, i + 10_000); k++) block += `tok${k}.x${k}0\n`;
    if (!out.write(block)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r, j) => out.end((err?: Error | null) => (err ? j(err) : r())));
}

/** One child run: peak RSS in MB, exit status and the last stderr line. */
interface MemoryRun {
  rssMB: number;
  status: number | null;
  seconds: number;
  message: string;
}

function measure(args: string[], cwd: string): MemoryRun {
  const stats = join(cwd, 'time.txt');
  const started = process.hrtime.bigint();
  const r = hasGnuTime
    ? spawnSync('/usr/bin/time', ['-f', '%M', '-o', stats, process.execPath, ...args], {
        cwd,
        encoding: 'utf8',
      })
    : spawnSync(
        process.execPath,
        [
          '-e',
          `const {spawnSync}=require('node:child_process');const r=spawnSync(process.argv[1],process.argv.slice(2),{stdio:'inherit'});require('node:fs').writeFileSync(${JSON.stringify(stats)},String(process.resourceUsage().maxRSS));process.exit(r.status??1)`,
          process.execPath,
          ...args,
        ],
        { cwd, encoding: 'utf8' },
      );
  const kb = Number(readFileSync(stats, 'utf8').trim().split('\n').pop() ?? 0);
  const message = r.stderr.trim().split('\n').filter(Boolean).pop() ?? '';
  return {
    rssMB: kb / 1024,
    status: r.status,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    message,
  };
}

/** Runs the three feeds and prints their peak RSS. */
export async function benchMemory(): Promise<void> {
  const cli = join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
  const dir = mkdtempSync(join(tmpdir(), 'iocwall-bench-mem-'));
  console.log(`generating the three feeds in ${dir} …`);
  const line = Buffer.from('evil-repeated-c2.example.net\n');
  await writeRepeated(join(dir, 'repeated.txt'), Buffer.concat(Array(36_000).fill(line)), 250_000_000);
  // Concatenated gzip members (RFC 1952 §2.2): 6 MB that inflate to several GB.
  const member = gzipSync(Buffer.concat(Array(40_000).fill(line)), { level: 9 });
  writeFileSync(join(dir, 'bomb.gz'), Buffer.concat(Array(Math.floor(6e6 / member.length)).fill(member)));
  await writeJunk(join(dir, 'junk.txt'), 5_000_000);
  const feeds = [
    ['repeated', 'repeated.txt', '250 MB, one line repeated'],
    ['bomb', 'bomb.gz', '6 MB gzip, inflates past the cap'],
    ['junk', 'junk.txt', '5M distinct junk tokens'],
  ] as const;
  const pad = (s: string, n: number): string => s.padEnd(n);
  const rows: string[] = [];
  for (const [name, file, what] of feeds) {
    writeFileSync(
      join(dir, `${name}.yaml`),
      `stateDir: ./state-${name}\nsources:\n  - name: ${name}\n    file: ./${file}\n`,
    );
    const run = measure(
      [cli, '--log-level', 'error', 'compile', '--config', `${name}.yaml`, '--out', `${name}.json`],
      dir,
    );
    const outcome = run.status === 0 ? 'compiled' : `exit ${run.status}: ${run.message}`;
    rows.push(
      `${pad(name, 10)}${pad(what, 36)}${pad(run.rssMB.toFixed(0), 13)}${pad(run.seconds.toFixed(1), 9)}${run.rssMB < 500 ? 'PASS' : 'MISS'}  ${outcome}`,
    );
  }
  console.log(
    `\ncompile --config memory (${new Date().toISOString()}; node ${process.version}; goal < 500 MB)`,
  );
  console.log(`${pad('feed', 10)}${pad('input', 36)}${pad('peak RSS MB', 13)}${pad('wall s', 9)}verdict`);
  for (const r of rows) console.log(r);
  rmSync(dir, { recursive: true, force: true });
}

if (isMain(import.meta.url)) await benchMemory();
