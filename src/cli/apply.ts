/**
 * `iocwall apply plan.json`: applies a saved plan. Refuses (exit 3) when the plan file was edited, a
 * device changed since the plan was made, or the plan would remove what the current blocklist holds: the
 * config's sources are compiled again so the plan's effect can be recomputed (src/apply/saved-plan.ts).
 */
import { Command } from 'commander';
import { ConfigError } from '../errors.js';
import type { RegisterCommand } from './context.js';
import { addDeviceOptions, addLockOption, type DeviceOptions } from './device-options.js';
import { parseNow } from './now.js';

/** Registers `apply`. */
export const registerApply: RegisterCommand = (program, context) => {
  program.addCommand(
    addLockOption(addDeviceOptions(new Command('apply')))
      .description('apply a plan saved by `iocwall plan --out`')
      .argument('<plan>', 'plan file')
      .option('--force', 'override the safety thresholds (checked again on what the plan does now)')
      .option('--now <iso>', 'clock for expiry')
      .action(async (planPath: string, opts: DeviceOptions & { force?: boolean; now?: string }) => {
        const ctx = context();
        const { readPlanFile } = await import('../plan/plan-file.js');
        const { blocklistsFor, finishRun, runEngine, setupDevices } = await import('./device-common.js');
        const planFile = readPlanFile(planPath);
        const setup = setupDevices(opts);
        const inPlan = new Set(planFile.targets.map((t) => t.target));
        const targets = setup.targets.filter((t) => inPlan.has(t.name));
        if (targets.length === 0) {
          // Say which targets the plan has and which the config selects: a renamed target is the usual cause.
          const planned = [...inPlan].sort().join(', ') || 'none';
          const selected = setup.targets.map((t) => t.name).join(', ') || 'none';
          throw new ConfigError(
            `the plan holds none of the selected targets (plan: ${planned}; selected from the config: ${selected})`,
          );
        }
        const { forTarget } = await blocklistsFor(ctx, setup.loaded, setup.guard, parseNow(opts.now), {
          writing: true,
          clockGiven: opts.now !== undefined,
        });
        const report = await runEngine(ctx, {
          mode: 'apply',
          command: 'apply',
          ...setup,
          targets,
          planFile,
          blocklistFor: forTarget,
          force: Boolean(opts.force),
          breakLock: opts.breakLock === true,
        });
        // A plan target the config no longer has is not silently skipped: it is reported as failed.
        if (opts.target.length === 0 && opts.tenant.length === 0) {
          const known = new Set(setup.loaded.config.targets.map((t) => t.name));
          for (const p of planFile.targets.filter((t) => !known.has(t.target))) {
            const error = 'the plan names this target but the config has no such target';
            report.outcomes.push({
              target: p.target,
              tenant: p.tenant,
              vendor: p.vendor,
              status: 'error',
              error,
            });
          }
        }
        finishRun(ctx, report, opts.json);
      }),
  );
};
