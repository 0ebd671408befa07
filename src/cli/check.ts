/**
 * `iocwall check VALUE`: explains one value — its normalised form, which sources list it, whether it
 * is blocked (directly, by a wider network or a parent domain) or why not. JSON shape: explain.ts.
 */
import { Command } from 'commander';
import type { Explanation, TargetPresence } from '../blocklist/explain.js';
import { printJson, printText, type CliContext, type RegisterCommand } from './context.js';
import { addInputOptions, resolveInputs, type InputOptions } from './compile.js';
import { parseNow } from './now.js';
import type { LoadedConfig } from '../config/load.js';
import { isIP } from 'node:net';

/** Reads every configured target read-only and reports which of them hold (or cover) a value. */
function presenceLookup(ctx: CliContext, loaded: LoadedConfig): (value: string) => Promise<TargetPresence[]> {
  return async (value) => {
    const { createContainer } = await import('../container.js');
    const { Engine } = await import('../apply/engine.js');
    const { findCoverage } = await import('../apply/presence.js');
    const { firstPushed, readJournal } = await import('../apply/journal.js');
    const found = await createContainer(ctx.log).resolve(Engine).observe(loaded, loaded.config.targets);
    const type = isIP(value.split('/')[0] ?? '') !== 0 ? 'ip' : 'domain';
    // "Since when is it blocked there": the journal says when iocwall first put each entry on each target.
    const pushed = firstPushed(readJournal(loaded.stateDir));
    return found.map((f) => {
      if (!f.observed) return { target: f.target, present: false, error: f.error ?? 'unreadable' };
      const hit = findCoverage(f.observed, type, value);
      if (!hit) return { target: f.target, present: false };
      const since = pushed.get(f.target)?.get(hit.entry);
      return { target: f.target, present: true, set: hit.set, entry: hit.entry, ...(since ? { since } : {}) };
    });
  };
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
  for (const g of e.guard) {
    const carved = g.carved?.map((p) => `${p.value} (${p.reason})`).join(', ');
    const verdict = g.allowed
      ? carved === undefined
        ? 'would let a source block it'
        : `would let a source block it without ${carved}, which it carves out`
      : `would refuse it: ${g.reason ?? ''}${g.detail ? ` (${g.detail})` : ''}`;
    lines.push(`guard${e.guard.length > 1 ? ` (${g.value})` : ''}: ${verdict}`);
  }
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
  for (const p of e.pushed ?? [])
    lines.push(
      `pushed: ${p.entry} to ${p.target} (${p.expiresAt === null ? 'no expiry' : `until ${p.expiresAt}`})`,
    );
  for (const t of e.targets ?? []) {
    const where = t.present
      ? `present (${t.set ?? ''} ${t.entry ?? ''}${t.since ? `, since ${t.since}` : ''})`
      : t.error
        ? `unknown: ${t.error}`
        : 'absent';
    lines.push(`target ${t.target}: ${where}`);
  }
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
        const { loaded, inputs, includeConfigSources } = await resolveInputs(opts);
        const { explainValue } = await import('../blocklist/explain.js');
        // With --config, also ask every target (read-only) whether it enforces the value.
        const lookup =
          loaded.path !== null && loaded.config.targets.length > 0 ? presenceLookup(ctx, loaded) : undefined;
        const explanation = await explainValue({
          value,
          loaded,
          inputs,
          includeConfigSources,
          now: parseNow(opts.now),
          stdin: ctx.io.stdin,
          log: ctx.log,
          ...(lookup ? { targetsWithValue: lookup } : {}),
        });
        if (opts.json) printJson(ctx, explanation);
        else printText(ctx, explanationText(explanation));
      }),
  );
};
