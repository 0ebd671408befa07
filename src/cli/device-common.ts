/**
 * What the device commands (plan, apply, sync, audit, push) share: options, loading, the blocklist for a
 * target, outcome printing, and the exit code of a multi-target run.
 */
import { compileBlocklist } from '../blocklist/compile.js';
import { createGuard } from '../blocklist/guard/guard.js';
import { guardOptionsFromConfig } from '../blocklist/guard/options.js';
import { pushedFor } from '../blocklist/pushed.js';
import type { Blocklist, BlocklistEntry } from '../blocklist/types.js';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import type { TargetConfig } from '../config/schema.js';
import { selectTargets } from '../config/targets.js';
import { createContainer } from '../container.js';
import { Engine, type RunMode, type RunReport, type TargetOutcome } from '../apply/engine.js';
import type { GuardCheck } from '../apply/guard-check.js';
import { sha256Of } from '../plan/digest.js';
import { counted } from '../util/plural.js';
import { EXIT } from './exit-codes.js';
import { printJson, printText, type CliContext } from './context.js';
import type { DeviceOptions } from './device-options.js';
import { ConfigError, ExitSignal } from '../errors.js';
import { isIdentifierField, resolveSecret } from '../config/secrets.js';
import { implementedVendors } from '../vendors/index.js';

export type { DeviceOptions } from './device-options.js';

/** Loaded config, selected targets and the guard. */
export interface DeviceSetup {
  loaded: LoadedConfig;
  targets: TargetConfig[];
  guard: GuardCheck;
}

/** Loads the config and selects targets. */
export function setupDevices(options: DeviceOptions): DeviceSetup {
  const loaded = loadConfig(options.config);
  const targets = selectTargets(loaded, options.target, options.tenant);
  // A vendor this release lacks or a secret that cannot be read is a configuration error (exit 1),
  // found before any device is touched, not one failed target among others (exit 4).
  const implemented = implementedVendors();
  for (const t of targets) {
    if (!implemented.includes(t.vendor))
      throw new ConfigError(
        `target ${t.name}: vendor ${t.vendor} is not implemented in this release (implemented: ${implemented.join(', ')})`,
      );
    for (const [field, ref] of Object.entries(t.credentials))
      resolveSecret(ref, loaded.baseDir, { identifier: isIdentifierField(field) });
  }
  const guard = createGuard(guardOptionsFromConfig(loaded));
  return { loaded, targets, guard };
}

/**
 * Compiles the config's sources and returns a per-target blocklist (compiled ∪ pushed for that target).
 * Retention state and feed caches are written only by a writing command (sync, apply, push) on the real
 * clock: plan and audit leave the state folder exactly as they found it, and so does a run on another
 * clock (`--now`), whose sightings, recorded at a time that has not happened, would prune values still
 * retained today (or date them wrongly) for later runs.
 */
export async function blocklistsFor(
  ctx: CliContext,
  loaded: LoadedConfig,
  guard: GuardCheck,
  now: Date,
  run: { writing: boolean; clockGiven: boolean },
): Promise<{ compiled: Blocklist; forTarget: (t: TargetConfig) => Pick<Blocklist, 'entries' | 'digest'> }> {
  const { blocklist, warnings } = await compileBlocklist({
    loaded,
    inputs: [],
    includeConfigSources: true,
    now,
    log: ctx.log,
    updateState: run.writing && !run.clockGiven,
  });
  for (const warning of warnings) ctx.log.warn({ warning }, 'compile warning');
  const forTarget = (t: TargetConfig): Pick<Blocklist, 'entries' | 'digest'> => {
    const pushed = pushedFor(
      loaded.stateDir,
      t.name,
      now,
      (ind) => guard.check(ind),
      (e, verdict) =>
        ctx.log.warn(
          { target: t.name, value: e.value, ...verdict },
          'pushed indicator no longer allowed: not sent',
        ),
    );
    if (pushed.length === 0) return blocklist;
    const entries: BlocklistEntry[] = [...blocklist.entries, ...pushed];
    return {
      entries,
      digest: sha256Of({ compiled: blocklist.digest, pushed: pushed.map((e) => e.value).sort() }),
    };
  };
  return { compiled: blocklist, forTarget };
}

/** Runs the engine in a fresh container. */
export async function runEngine(
  ctx: CliContext,
  request: Omit<Parameters<Engine['run']>[0], 'tty'>,
): Promise<RunReport> {
  const engine = createContainer(ctx.log).resolve(Engine);
  return engine.run({ ...request, tty: ctx.io.isTTY && !process.env.CI });
}

/**
 * The exit code of a run: failures and refusals next to successes are partial (4); all failed is 1,
 * or 3 when every failure was a refusal; otherwise plan/audit give 2 for pending changes or drift.
 */
export function exitCodeForRun(mode: RunMode, outcomes: readonly TargetOutcome[]): number {
  const failed = outcomes.filter((o) => o.status === 'error' || o.status === 'refused');
  const succeeded = outcomes.length - failed.length;
  if (failed.length > 0 && succeeded > 0) return EXIT.partial;
  if (failed.length > 0) return failed.some((o) => o.status === 'error') ? EXIT.error : EXIT.refused;
  if (mode === 'plan' && outcomes.some((o) => o.status === 'changes')) return EXIT.changesPending;
  if (mode === 'audit' && outcomes.some((o) => o.status === 'drift')) return EXIT.changesPending;
  return EXIT.ok;
}

/** Names every failed or refused target on stderr, one line each. */
export function reportFailures(ctx: CliContext, outcomes: readonly TargetOutcome[]): void {
  for (const o of outcomes) {
    if (o.status === 'error' || o.status === 'refused') {
      ctx.io.stderr.write(
        `iocwall: target ${o.target} ${o.status === 'refused' ? 'refused' : 'failed'}: ${o.error ?? 'unknown error'}\n`,
      );
    }
  }
}

/** The `--json` form of a run's outcomes (sync, apply, push). */
export function outcomesJson(report: RunReport): unknown {
  return {
    runId: report.runId,
    targets: report.outcomes.map((o) => ({
      name: o.target,
      tenant: o.tenant,
      vendor: o.vendor,
      status: o.status,
      ...(o.plan ? { summary: o.plan.summary, warnings: o.plan.warnings } : {}),
      ...(o.error ? { error: o.error } : {}),
    })),
  };
}

/**
 * The common body of plan, audit, sync and push: load and select, compile the blocklists, run the engine.
 */
export async function compileAndRun(
  ctx: CliContext,
  opts: DeviceOptions,
  run: { mode: RunMode; command: string; force: boolean; now: Date; clockGiven?: boolean },
): Promise<{ setup: DeviceSetup; compiled: Blocklist; report: RunReport }> {
  const setup = setupDevices(opts);
  const writing = run.mode === 'sync' || run.mode === 'apply';
  const clock = { writing, clockGiven: run.clockGiven === true };
  const { compiled, forTarget } = await blocklistsFor(ctx, setup.loaded, setup.guard, run.now, clock);
  const report = await runEngine(ctx, {
    mode: run.mode,
    command: run.command,
    ...setup,
    blocklistFor: forTarget,
    force: run.force,
    breakLock: opts.breakLock === true,
  });
  return { setup, compiled, report };
}

/** Ends a writing command (sync, apply, push): its result on stdout, failures on stderr, the exit code. */
export function finishRun(
  ctx: CliContext,
  report: RunReport,
  json: boolean | undefined,
  extraJson: object = {},
): never {
  if (json) printJson(ctx, { ...(outcomesJson(report) as object), ...extraJson });
  else for (const o of report.outcomes) printText(ctx, outcomeLine(o));
  reportFailures(ctx, report.outcomes);
  throw new ExitSignal(exitCodeForRun('sync', report.outcomes));
}

/**
 * One human line per target, then one per warning of its plan: what the device cannot enforce (no IPv6,
 * no subdomain blocking) stays true on every run, in sync or not, so it is said every time.
 */
export function outcomeLine(o: TargetOutcome): string {
  const s = o.plan?.summary;
  const counts = s ? ` (+${s.add} -${s.remove}, ${counted(s.ruleChanges, 'rule change')})` : '';
  const line = `${o.target} [${o.vendor}, ${o.tenant}]: ${o.status}${o.status === 'applied' ? counts : ''}${o.error ? `: ${o.error}` : ''}`;
  return [line, ...(o.plan?.warnings ?? []).map((w) => `  warning: ${w}`)].join('\n');
}
