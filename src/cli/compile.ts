/**
 * `iocwall compile`: builds the canonical blocklist from IOC inputs (CONTRACT.md `compile`).
 * Without `--config` and `--input` it compiles the embedded default (the shipped 3CX set, no network).
 */
import { statSync } from 'node:fs';
import { Command } from 'commander';
import type { CompileInput, CompileResult } from '../blocklist/compile.js';
import type { LoadedConfig } from '../config/load.js';
import { ConfigError } from '../errors.js';
import { FORMAT_IDS, type FormatId } from '../feeds/types.js';
import { counted } from '../util/plural.js';
import { type CliContext, collect, printText, type RegisterCommand } from './context.js';
import { parseNow } from './now.js';

/** Options shared by `compile` and `check`. */
export interface InputOptions {
  input: string[];
  format: string;
  config?: string;
  now?: string;
}

interface CompileCliOptions extends InputOptions {
  out?: string;
  json?: boolean;
}

/** Adds `--input`, `--format`, `--config`, `--now` to a command. */
export function addInputOptions(cmd: Command): Command {
  return cmd
    .option('--input <path>', 'an IOC file (repeatable; - is stdin)', collect, [] as string[])
    .option('--format <format>', `input format: auto, ${FORMAT_IDS.join(', ')}`, 'auto')
    .option('--config <file>', 'iocwall.yaml; its sources: are compiled too')
    .option('--now <iso>', 'the clock used for expiry (ISO-8601)');
}

/**
 * Resolves the config and inputs of `compile`/`check` (the embedded default when neither is given).
 * The pipeline modules are loaded here, not at start-up, so other commands and `--help` stay quick.
 */
export async function resolveInputs(opts: InputOptions): Promise<{
  loaded: LoadedConfig;
  inputs: CompileInput[];
  includeConfigSources: boolean;
}> {
  const { uniqueInputNames } = await import('../blocklist/compile.js');
  if (opts.format !== 'auto' && !(FORMAT_IDS as readonly string[]).includes(opts.format)) {
    throw new ConfigError(`unknown --format ${opts.format} (expected auto, ${FORMAT_IDS.join(', ')})`);
  }
  // Without a config the default is used as written out (no zod, no schema to load).
  const loaded =
    opts.config !== undefined
      ? (await import('../config/load.js')).loadConfig(opts.config)
      : (await import('../config/default-config.js')).defaultConfig();
  const names = uniqueInputNames(opts.input);
  const inputs = opts.input.map((path, i) => ({
    name: names[i] ?? path,
    path,
    format: opts.format as FormatId | 'auto',
  }));
  return { loaded, inputs, includeConfigSources: opts.config !== undefined || inputs.length === 0 };
}

/** The short human summary printed without `--json`/`--out`. */
export function summaryText(result: CompileResult, digest: string): string {
  const { counts } = result;
  const lines = [
    `entries: ${counts.domains + counts.ipv4 + counts.ipv6} (domains ${counts.domains}, IPv4 ${counts.ipv4}, IPv6 ${counts.ipv6})`,
  ];
  const rejected = Object.entries(counts.rejected).filter(([, n]) => n > 0);
  const total = rejected.reduce((sum, [, n]) => sum + n, 0);
  lines.push(
    `rejected: ${total}${total > 0 ? ` (${rejected.map(([r, n]) => `${r} ${n}`).join(', ')})` : ''}`,
  );
  lines.push(
    `sources: ${result.sources.map((s) => `${s.name} (${counted(s.records, 'record')})`).join(', ') || 'none'}`,
  );
  if (result.warnings.length > 0) lines.push(`warnings: ${result.warnings.length} (see the log)`);
  lines.push(`digest: ${digest}`);
  return lines.join('\n');
}

async function runCompile(ctx: CliContext, opts: CompileCliOptions): Promise<void> {
  const now = parseNow(opts.now);
  const { loaded, inputs, includeConfigSources } = await resolveInputs(opts);
  const { compileBlocklist } = await import('../blocklist/compile.js');
  const { digestOf, writeDocument, writeBlocklistAtomic, startBodyWriterAhead, BIG_BODY_INPUT_BYTES } =
    await import('../blocklist/canonical/canonical.js');
  if (opts.out !== undefined && inputBytes(inputs) >= BIG_BODY_INPUT_BYTES) startBodyWriterAhead();
  const result = await compileBlocklist({
    loaded,
    inputs,
    includeConfigSources,
    now,
    stdin: ctx.io.stdin,
    log: ctx.log,
    updateState: opts.config !== undefined,
  });
  for (const warning of result.warnings) ctx.log.warn({ warning }, 'compile warning');
  if (opts.out !== undefined) writeBlocklistAtomic(opts.out, result.document);
  if (opts.json) {
    // The writer reuses its buffer: the stream gets a copy of each piece.
    writeDocument(result.document, (bytes) => ctx.io.stdout.write(Buffer.from(bytes)));
  } else if (opts.out !== undefined) {
    const total = result.counts.domains + result.counts.ipv4 + result.counts.ipv6;
    printText(ctx, `wrote ${total} entries to ${opts.out} (${digestOf(result.document)})`);
  } else {
    printText(ctx, summaryText(result, digestOf(result.document)));
  }
}

/** The size of the input files (stdin and unreadable files count 0: the compile reports those). */
function inputBytes(inputs: readonly CompileInput[]): number {
  let total = 0;
  for (const input of inputs) {
    if (input.path === '-') continue;
    try {
      total += statSync(input.path).size;
    } catch {
      // The compile itself says what is wrong with the file.
    }
  }
  return total;
}

/** Registers `compile`. */
export const registerCompile: RegisterCommand = (program, context) => {
  program.addCommand(
    addInputOptions(new Command('compile'))
      .description('build the canonical blocklist from IOC feeds')
      .option('--out <file>', 'write the canonical JSON here (atomically)')
      .option('--json', 'print the canonical JSON to stdout')
      .action(async (opts: CompileCliOptions) => {
        await runCompile(context(), opts);
      }),
  );
};
