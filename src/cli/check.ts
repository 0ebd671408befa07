/**
 * `iocwall check VALUE`: explains one value — its normalised form, which sources list it, whether it
 * is blocked (directly, by a wider network or a parent domain) or why not. JSON shape: explain.ts.
 */
import { Command } from 'commander';
import { explainValue, type Explanation } from '../blocklist/explain.js';
import type { RegisterCommand } from './commands.js';
import { printJson, printText } from './context.js';
import { addInputOptions, resolveInputs, type InputOptions } from './compile.js';
import { parseNow } from './now.js';

/** Looks up which configured targets hold a value (set by the device layer; none by default). */
export type TargetsLookup = (
  value: string,
  configPath: string,
) => Promise<{ target: string; present: boolean }[]>;

let targetsLookup: TargetsLookup | undefined;

/** Installs the targets lookup `check --config` uses to report presence on devices. */
export function setTargetsLookup(lookup: TargetsLookup | undefined): void {
  targetsLookup = lookup;
}

/** The human form of an explanation. */
export function explanationText(e: Explanation): string {
  const lines = [`value: ${e.query}`];
  lines.push(
    e.normalised.length > 0
      ? `normalised: ${e.normalised.map((n) => `${n.type} ${n.value}`).join(', ')}`
      : `normalised: none (${e.invalid?.reason ?? 'invalid'}: ${e.invalid?.detail ?? ''})`,
  );
  lines.push(e.why);
  if (e.listedBy.length === 0) lines.push('listed by: no source');
  else {
    lines.push('listed by:');
    for (const l of e.listedBy) {
      const as = l.indicator !== undefined && l.indicator !== l.raw ? ` → ${l.indicator}` : '';
      lines.push(
        `  ${l.source}${l.line > 0 ? `:${l.line}` : ''} "${l.raw}"${as}: ${l.status}${l.detail ? ` (${l.detail})` : ''}`,
      );
    }
  }
  for (const t of e.targets ?? []) lines.push(`target ${t.target}: ${t.present ? 'present' : 'absent'}`);
  return lines.join('\n');
}

/** Registers `check`. */
export const registerCheck: RegisterCommand = (program, context) => {
  program.addCommand(
    addInputOptions(new Command('check'))
      .description('explain one value: its normal form, who lists it, whether it is blocked or why not')
      .argument('<value>', 'a domain, IP, CIDR or URL (defanged is fine)')
      .option('--json', 'print the explanation as JSON')
      .action(async (value: string, opts: InputOptions & { json?: boolean }) => {
        const ctx = context();
        const { loaded, inputs, includeConfigSources } = resolveInputs(opts);
        const lookup = targetsLookup;
        const configPath = loaded.path;
        const explanation = await explainValue({
          value,
          loaded,
          inputs,
          includeConfigSources,
          now: parseNow(opts.now),
          stdin: ctx.io.stdin,
          log: ctx.log,
          ...(lookup && configPath !== null
            ? { targetsWithValue: (v: string) => lookup(v, configPath) }
            : {}),
        });
        if (opts.json) printJson(ctx, explanation);
        else printText(ctx, explanationText(explanation));
      }),
  );
};
