/**
 * `iocwall apply plan.json`: applies a saved plan. Refuses (exit 3) when the plan file was edited or a
 * device changed since the plan was made.
 */
import { Command } from 'commander';
import { ConfigError } from '../errors.js';
import type { RegisterCommand } from './context.js';
import { addDeviceOptions, type DeviceOptions } from './device-options.js';

/** Registers `apply`. */
export const registerApply: RegisterCommand = (program, context) => {
  program.addCommand(
    addDeviceOptions(new Command('apply'))
      .description('apply a plan saved by `iocwall plan --out`')
      .argument('<plan>', 'plan file')
      .action(async (planPath: string, opts: DeviceOptions) => {
        const ctx = context();
        const { readPlanFile } = await import('../plan/plan-file.js');
        const { finishRun, runEngine, setupDevices } = await import('./device-common.js');
        const planFile = readPlanFile(planPath);
        const setup = setupDevices(opts);
        const inPlan = new Set(planFile.targets.map((t) => t.target));
        const targets = setup.targets.filter((t) => inPlan.has(t.name));
        if (targets.length === 0) throw new ConfigError('the plan holds none of the selected targets');
        const report = await runEngine(ctx, {
          mode: 'apply',
          command: 'apply',
          ...setup,
          targets,
          planFile,
          force: false,
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
