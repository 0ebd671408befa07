/**
 * `iocwall plan`: reads every selected device through a read-only transport, changes nothing, and shows
 * what `apply` would do. Exit 2 when changes are pending.
 */
import { Command } from 'commander';
import { writeFileAtomic } from '../util/atomic.js';
import { ExitSignal } from '../errors.js';
import { printJson, printText, type RegisterCommand } from './context.js';
import { addDeviceOptions, type DeviceOptions } from './device-options.js';
import { parseNow } from './now.js';

/** Registers `plan`. */
export const registerPlan: RegisterCommand = (program, context) => {
  program.addCommand(
    addDeviceOptions(new Command('plan'))
      .description('show what apply would change on each target (reads only)')
      .option('--out <file>', 'save the plan for `iocwall apply`')
      .option('--markdown <file>', 'also write the plan as Markdown (for a change ticket)')
      .option('--force', 'record threshold overrides in the plan')
      .option('--now <iso>', 'clock for expiry')
      .action(
        async (opts: DeviceOptions & { out?: string; markdown?: string; force?: boolean; now?: string }) => {
          const ctx = context();
          const { createPlanFile, writePlanFile } = await import('../plan/plan-file.js');
          const { renderPlanMarkdown, renderPlanText } = await import('../plan/render.js');
          const { compileAndRun, exitCodeForRun, reportFailures } = await import('./device-common.js');
          const now = parseNow(opts.now);
          const run = { mode: 'plan' as const, command: 'plan', force: Boolean(opts.force), now };
          const { setup, compiled, report } = await compileAndRun(ctx, opts, run);
          const plans = report.outcomes.flatMap((o) => (o.plan ? [o.plan] : []));
          const failed = report.outcomes.flatMap((o) =>
            !o.plan && (o.status === 'error' || o.status === 'refused')
              ? [{ target: o.target, status: o.status, error: o.error ?? 'unknown error' }]
              : [],
          );
          const { instanceId } = setup.loaded.config;
          const planFile = createPlanFile(plans, compiled.digest, now, instanceId, failed);
          if (opts.out) writePlanFile(opts.out, planFile);
          if (opts.markdown) writeFileAtomic(opts.markdown, renderPlanMarkdown(plans));
          if (opts.json) printJson(ctx, planFile);
          else {
            for (const plan of plans) printText(ctx, renderPlanText(plan));
            if (opts.out) printText(ctx, `plan saved to ${opts.out} (checksum ${planFile.checksum})`);
          }
          reportFailures(ctx, report.outcomes);
          throw new ExitSignal(exitCodeForRun('plan', report.outcomes));
        },
      ),
  );
};
