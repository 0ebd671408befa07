/**
 * `iocwall demo` (what `npm start` runs): the story iocwall exists for, told against the lab.
 * The 3CX advisory is compiled (and the guard says what it refused, and why), pushed to every lab
 * firewall, an administrator edits one device by hand through its own API, the read-only audit finds it,
 * sync repairs it, `check` shows where a C2 domain is enforced, and each device's resolver answers
 * NXDOMAIN for it. The demo folder (config, secrets, state) is removed on exit unless `--keep`.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Command } from 'commander';
import { ConfigError } from '../errors.js';
import { shippedFile } from '../util/package-root.js';
import { objectNames, ownershipMarker } from '../vendors/ownership.js';
import { printText, type CliContext, type RegisterCommand } from './context.js';

/** The published 3CX lists shipped in `iocs/3cx/advisory/` (origin and licence in iocs/3cx/README.md). */
const ADVISORY = [
  ['volexity-iocs', 'volexity-iocs.csv', 'csv'],
  ['volexity-icons', 'volexity-github_summary.csv', 'csv'],
  ['maltrail-3cx', 'maltrail-hacked_3cx.txt', 'plain'],
] as const;

/** The C2 domain the story follows (Volexity's 3CX list). */
const C2 = 'journalide.org';

interface Compiled {
  entries: { type: string }[];
  rejected: { value: string; reason: string; detail?: string }[];
}

/** What the guard refused, grouped by reason, with an example of each (the story's point, not a dump). */
function refusals(compiled: Compiled): string[] {
  const groups = new Map<string, { count: number; example: string }>();
  for (const r of compiled.rejected) {
    const key = `${r.reason}${r.detail ? `: ${r.detail}` : ''}`;
    const group = groups.get(key) ?? { count: 0, example: r.value };
    group.count++;
    groups.set(key, group);
  }
  return [...groups].map(
    ([key, g]) => `    ${String(g.count).padStart(3)} × ${key}  (e.g. ${g.example.slice(0, 40)})`,
  );
}

/**
 * The log level of the commands the story runs: the one given with `--log-level`, else `warn`. The
 * story prints what each step found; their info lines (JSON when stderr is not a terminal) would bury it.
 */
function stepLogLevel(demo: Command): string {
  const program = demo.parent;
  if (program?.getOptionValueSource('logLevel') === 'cli')
    return program.opts<{ logLevel: string }>().logLevel;
  return 'warn';
}

async function story(ctx: CliContext, dir: string, logLevel: string): Promise<void> {
  const { startLab, writeLabConfig } = await import('../lab/lab.js');
  const runCli = ctx.run;
  const { probeName } = await import('../lab/probe.js');
  const lab = await startLab();
  const say = (text: string): void => printText(ctx, text);
  const io = { stdout: ctx.io.stdout, stderr: ctx.io.stderr, isTTY: ctx.io.isTTY };
  const quiet = { ...io, stdout: captured() };
  const failed: string[] = [];
  const step = async (args: string[], expect: number, note: string): Promise<void> => {
    say(`\n$ iocwall ${args.join(' ')}    # ${note}`);
    const code = await runCli(['--log-level', logLevel, ...args, '--config', config], io);
    say(`(exit ${String(code)})`);
    if (code !== expect) failed.push(`${args[0] ?? ''} exited ${String(code)}, expected ${String(expect)}`);
  };
  const config = join(dir, 'iocwall.yaml');
  try {
    // The advisory as published (Volexity, Maltrail) next to the curated set: the guard has work to do.
    const sources: Record<string, string>[] = [{ name: '3cx', builtin: '3cx' }];
    for (const [name, file, format] of ADVISORY) {
      copyFileSync(shippedFile(`iocs/3cx/advisory/${file}`), join(dir, file));
      sources.push({ name, file, format });
    }
    writeLabConfig(config, lab.devices, { sources });
    say('iocwall demo: the 3CX supply-chain advisory (March 2023), on a lab of simulated firewalls\n');
    for (const d of lab.devices)
      say(`  ${d.name.padEnd(14)} ${d.vendor} ${d.firmware} at ${d.endpoint} (DNS ${d.dns})`);
    if (logLevel === 'warn')
      say('\n(each step logs warnings only; `iocwall --log-level info demo` shows every log line)');

    say('\n$ iocwall compile --config iocwall.yaml --json    # the advisory as one canonical blocklist');
    const compileCode = await runCli(
      ['--log-level', logLevel, 'compile', '--config', config, '--json'],
      quiet,
    );
    const compiled = JSON.parse(quiet.stdout.text()) as Compiled;
    const domains = compiled.entries.filter((e) => e.type === 'domain').length;
    say(`  ${String(domains)} domains and ${String(compiled.entries.length - domains)} addresses to block;`);
    say(`  and ${String(compiled.rejected.length)} values refused, each with its reason:`);
    for (const line of refusals(compiled)) say(line);
    if (compileCode !== 0) failed.push(`compile exited ${String(compileCode)}`);

    await step(['sync'], 0, 'push DNS and egress blocks to every firewall');

    const edited = lab.devices[0];
    if (!edited) throw new ConfigError('demo: the lab started no device');
    const names = objectNames('iocwall');
    say(`\n# an administrator disables the IPv4 block rule on ${edited.name} through its own API`);
    await edited.admin.disableRule('egress-ipv4', `${names.egressV4} ${ownershipMarker('lab')}`);
    await step(['audit'], 2, 'read-only: finds the hand edit (exit 2), sends no write');
    await step(['sync'], 0, 'repairs it');
    await step(['audit'], 0, 'in sync again');
    await step(['check', C2], 0, `where is ${C2} enforced?`);

    say(`\n# a LAN client on each firewall looks up www.${C2}:`);
    for (const d of lab.devices) {
      const verdict = await probeName(d, `www.${C2}`);
      say(`  ${d.name.padEnd(14)} ${verdict.summary}`);
      if (!verdict.blocked) failed.push(`${d.name} does not block www.${C2}`);
    }
    if (failed.length > 0) throw new ConfigError(`demo: ${failed.join('; ')}`);
  } finally {
    await lab.stop();
  }
}

/** A writable that keeps what is written (a step whose output the demo summarises). */
function captured(): Writable & { text(): string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  return Object.assign(stream, { text: () => Buffer.concat(chunks).toString('utf8') });
}

/** Registers `demo`. */
export const registerDemo: RegisterCommand = (program, context) => {
  program.addCommand(
    new Command('demo')
      .description('tell the 3CX story against the lab: compile, push, hand edit, audit, repair (npm start)')
      .option('--keep', 'keep the demo folder (config, secrets, state) instead of removing it')
      .action(async (opts: { keep?: boolean }, demo: Command) => {
        const ctx = context();
        const dir = mkdtempSync(join(tmpdir(), 'iocwall-demo-'));
        try {
          await story(ctx, dir, stepLogLevel(demo));
        } finally {
          if (opts.keep) printText(ctx, `\ndemo folder kept: ${dir}`);
          else rmSync(dir, { recursive: true, force: true });
        }
      }),
  );
};
