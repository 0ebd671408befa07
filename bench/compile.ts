/**
 * `npm run bench` — compile throughput: the built CLI (`node dist/src/cli/main.js compile`) against
 * FireHOL `iprange` (IPv4) and `LC_ALL=C sort -u` (domains) on the same generated inputs.
 *
 * Inputs (deterministic, seeded PRNG, in a temp folder; peers-and-lessons.md §4):
 * - 1,000,000 IPv4 lines: 80 % single IPs, 15 % /24, 5 % /16, /20 or /22; octets 1–254;
 * - 1,000,000 domain lines: random second-level names under common TLDs, 10 % with a subdomain.
 * Peak RSS from `/usr/bin/time -f %M` (else the child's `maxRSS` via a wrapper). Figures are printed,
 * never asserted. The guard refuses special-purpose ranges (RFC 1918, multicast, …) that iprange keeps:
 * the rejected counts are reported beside the times.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** mulberry32: a small, fast, seedable PRNG (deterministic inputs across runs and machines). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function writeLines(path: string, count: number, line: (i: number) => string): Promise<void> {
  const out = createWriteStream(path);
  const batch: string[] = [];
  for (let i = 0; i < count; i++) {
    batch.push(line(i));
    if (batch.length === 10_000) {
      if (!out.write(`${batch.join('\n')}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
      batch.length = 0;
    }
  }
  if (batch.length > 0) out.write(`${batch.join('\n')}\n`);
  await new Promise<void>((r, j) => out.end((err?: Error | null) => (err ? j(err) : r())));
}

/** The 1M-line IPv4/CIDR list of peers-and-lessons §4. */
export async function generateIpv4(path: string, count = 1_000_000, seed = 42): Promise<void> {
  const rnd = prng(seed);
  const octet = (): number => 1 + Math.floor(rnd() * 254);
  await writeLines(path, count, () => {
    const [a, b, c, d] = [octet(), octet(), octet(), octet()];
    const r = rnd();
    if (r < 0.8) return `${a}.${b}.${c}.${d}`;
    if (r < 0.95) return `${a}.${b}.${c}.0/24`;
    const p = [16, 20, 22][Math.floor(rnd() * 3)] ?? 16;
    if (p === 16) return `${a}.${b}.0.0/16`;
    return `${a}.${b}.${c & (p === 20 ? 0xf0 : 0xfc)}.0/${p}`;
  });
}

/** The 1M-line domain list. */
export async function generateDomains(path: string, count = 1_000_000, seed = 7): Promise<void> {
  const rnd = prng(seed);
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const tlds = ['com', 'net', 'org', 'info', 'xyz', 'top', 'ru', 'io', 'biz', 'online'];
  const label = (min: number, max: number): string => {
    const n = min + Math.floor(rnd() * (max - min + 1));
    let s = alphabet[Math.floor(rnd() * 26)] ?? 'a';
    for (let i = 1; i < n; i++) s += alphabet[Math.floor(rnd() * alphabet.length)] ?? 'a';
    return s;
  };
  await writeLines(path, count, () => {
    const name = `${label(6, 14)}.${tlds[Math.floor(rnd() * tlds.length)] ?? 'com'}`;
    return rnd() < 0.1 ? `${label(2, 8)}.${name}` : name;
  });
}

/** One timed run. */
interface Timing {
  seconds: number;
  rssMB: number;
  /** User + system CPU seconds (NaN without GNU time): steadier than wall time on a shared machine. */
  cpuSeconds: number;
}

/** True when GNU time is installed (peak RSS without a wrapper). */
export const hasGnuTime = existsSync('/usr/bin/time');

/** Runs `cmd args` (stdout to `outFile` when given) and measures wall time and peak RSS. */
function timed(cmd: string, args: string[], outFile?: string, env: NodeJS.ProcessEnv = process.env): Timing {
  const tmp = mkdtempSync(join(tmpdir(), 'iocwall-time-'));
  const stats = join(tmp, 'time.txt');
  const shell = (c: string, a: string[]): string =>
    [c, ...a].map((x) => `'${x.replace(/'/g, "'\\''")}'`).join(' ');
  const redirect = outFile ? ` > '${outFile}'` : ' > /dev/null';
  const started = process.hrtime.bigint();
  let rssKB: number;
  let cpuSeconds = NaN;
  if (hasGnuTime) {
    const r = spawnSync(
      'sh',
      ['-c', `/usr/bin/time -f '%M %U %S' -o '${stats}' ${shell(cmd, args)}${redirect}`],
      { env, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    if (r.status !== 0) throw new Error(`${cmd} failed (exit ${r.status})`);
    const [kb, user, sys] = (readFileSync(stats, 'utf8').trim().split('\n').pop() ?? '').split(' ');
    rssKB = Number(kb);
    cpuSeconds = Number(user) + Number(sys);
  } else {
    const wrapper = `const {spawnSync}=require('node:child_process');const r=spawnSync(process.argv[1],process.argv.slice(2),{stdio:['ignore','inherit','inherit']});process.stderr.write('RSS '+process.resourceUsage().maxRSS+'\\n');process.exit(r.status??1)`;
    const r = spawnSync(
      'sh',
      ['-c', `${shell(process.execPath, ['-e', wrapper, cmd, ...args])}${redirect} 2> '${stats}'`],
      { env },
    );
    if (r.status !== 0) throw new Error(`${cmd} failed (exit ${r.status})`);
    rssKB = Number(/RSS (\d+)/.exec(readFileSync(stats, 'utf8'))?.[1] ?? 0);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  rmSync(tmp, { recursive: true, force: true });
  return { seconds, rssMB: rssKB / 1024, cpuSeconds };
}

/** The best (least disturbed) of several timings, with the highest RSS seen. */
function bestOf(all: readonly Timing[]): Timing {
  return {
    seconds: Math.min(...all.map((t) => t.seconds)),
    rssMB: Math.max(...all.map((t) => t.rssMB)),
    cpuSeconds: Math.min(...all.map((t) => t.cpuSeconds)),
  };
}

/**
 * Best of `runs` for a tool and its peer, run alternately (tool, peer, tool, peer, …): on a shared
 * machine the disturbance changes from minute to minute, and alternating spreads it over both
 * instead of letting one quiet or one busy stretch favour either side.
 */
function bestPair(runs: number, tool: () => Timing, peer: (() => Timing) | undefined): [Timing, Timing?] {
  const a: Timing[] = [];
  const b: Timing[] = [];
  for (let i = 0; i < runs; i++) {
    a.push(tool());
    if (peer) b.push(peer());
  }
  return [bestOf(a), peer ? bestOf(b) : undefined];
}

/** The folder holding package.json (walking up from this module). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

/** One row of the results table. */
export interface BenchRow {
  case: string;
  tool: string;
  seconds: number;
  rssMB: number;
  cpuSeconds: number;
  output: string;
}

const pad = (s: string, n: number): string => s.padEnd(n);

/** Runs the compile benchmark and prints the table; returns the rows. */
export async function benchCompile(runs = 5): Promise<BenchRow[]> {
  const root = packageRoot();
  const cli = join(root, 'dist', 'src', 'cli', 'main.js');
  const dir = mkdtempSync(join(tmpdir(), 'iocwall-bench-'));
  const ipFile = join(dir, 'ipv4.txt');
  const domFile = join(dir, 'domains.txt');
  console.log(`generating 1,000,000-line inputs in ${dir} …`);
  await generateIpv4(ipFile);
  await generateDomains(domFile);
  const rows: BenchRow[] = [];
  const iocwall = (input: string, out: string): Timing =>
    timed(process.execPath, [
      cli,
      '--log-level',
      'warn',
      'compile',
      '--input',
      input,
      '--format',
      'plain',
      '--out',
      out,
    ]);
  const summary = (out: string): string => {
    const bl = JSON.parse(readFileSync(out, 'utf8')) as {
      entries: unknown[];
      rejected: { reason: string }[];
    };
    const by = new Map<string, number>();
    for (const r of bl.rejected) by.set(r.reason, (by.get(r.reason) ?? 0) + 1);
    return `${bl.entries.length} entries, ${bl.rejected.length} rejected (${[...by].map(([k, v]) => `${k} ${v}`).join(', ')})`;
  };
  const lines = (path: string): string =>
    `${execFileSync('wc', ['-l', path]).toString().trim().split(/\s+/)[0]} lines`;

  const ipOut = join(dir, 'ipv4.json');
  const hasIprange = spawnSync('sh', ['-c', 'command -v iprange']).status === 0;
  if (!hasIprange)
    console.log('iprange not found: skipping that comparison (install: apt-get install -y iprange)');
  const iprangeOut = join(dir, 'iprange.txt');
  const [ipTool, ipPeer] = bestPair(
    runs,
    () => iocwall(ipFile, ipOut),
    hasIprange ? () => timed('iprange', [ipFile], iprangeOut) : undefined,
  );
  rows.push({ case: 'IPv4 1M', tool: 'iocwall compile', ...ipTool, output: summary(ipOut) });
  if (ipPeer)
    rows.push({ case: 'IPv4 1M', tool: 'iprange', ...ipPeer, output: `${lines(iprangeOut)} (CIDRs)` });
  const domOut = join(dir, 'domains.json');
  const sorted = join(dir, 'sorted.txt');
  const env = { ...process.env, LC_ALL: 'C' };
  const [domTool, domPeer] = bestPair(
    runs,
    () => iocwall(domFile, domOut),
    () => timed('sort', ['-u', domFile], sorted, env),
  );
  rows.push({ case: 'domains 1M', tool: 'iocwall compile', ...domTool, output: summary(domOut) });
  if (domPeer)
    rows.push({ case: 'domains 1M', tool: 'sort -u (LC_ALL=C)', ...domPeer, output: lines(sorted) });

  console.log(
    `\ncompile benchmark (best of ${runs}, each tool alternating with its peer; ${new Date().toISOString()}; node ${process.version})`,
  );
  console.log(
    `${pad('case', 12)}${pad('tool', 22)}${pad('wall s', 9)}${pad('cpu s', 8)}${pad('peak RSS MB', 13)}output`,
  );
  for (const r of rows)
    console.log(
      `${pad(r.case, 12)}${pad(r.tool, 22)}${pad(r.seconds.toFixed(2), 9)}${pad(r.cpuSeconds.toFixed(2), 8)}${pad(r.rssMB.toFixed(0), 13)}${r.output}`,
    );
  const get = (c: string, t: string): BenchRow | undefined =>
    rows.find((r) => r.case === c && r.tool.startsWith(t));
  const verdict = (ok: boolean): string => (ok ? 'PASS' : 'MISS');
  const ipw = get('IPv4 1M', 'iocwall');
  const ipr = get('IPv4 1M', 'iprange');
  const dw = get('domains 1M', 'iocwall');
  const ds = get('domains 1M', 'sort');
  console.log('\ntargets');
  if (ipw && ipr)
    console.log(
      `  IPv4 ≤ 2× iprange:     ${(ipw.seconds / ipr.seconds).toFixed(2)}×  ${verdict(ipw.seconds <= 2 * ipr.seconds)}  (CPU ${(ipw.cpuSeconds / ipr.cpuSeconds).toFixed(2)}×)`,
    );
  if (dw && ds)
    console.log(
      `  domains ≤ 4× sort -u:  ${(dw.seconds / ds.seconds).toFixed(2)}×  ${verdict(dw.seconds <= 4 * ds.seconds)}  (CPU ${(dw.cpuSeconds / ds.cpuSeconds).toFixed(2)}×)`,
    );
  for (const r of [ipw, dw])
    if (r) console.log(`  RSS < 300 MB (${r.case}): ${r.rssMB.toFixed(0)} MB  ${verdict(r.rssMB < 300)}`);
  console.log(
    `  input sizes: IPv4 ${(statSync(ipFile).size / 1e6).toFixed(1)} MB, domains ${(statSync(domFile).size / 1e6).toFixed(1)} MB`,
  );
  rmSync(dir, { recursive: true, force: true });
  return rows;
}

/** True when this module is run directly (`node dist/bench/compile.js`). */
export function isMain(url: string): boolean {
  return process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(url);
}

if (isMain(import.meta.url)) await benchCompile();
