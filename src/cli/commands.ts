/**
 * The command registry: one file per command, each exporting a `register…` function.
 */
import type { RegisterCommand } from './context.js';
import { registerApply } from './apply.js';
import { registerAudit } from './audit.js';
import { registerConfigSchema } from './config-schema.js';
import { registerDemo } from './demo.js';
import { registerLab } from './lab.js';
import { registerPlan } from './plan.js';
import { registerPush } from './push.js';
import { registerSync } from './sync.js';
import { registerCompile } from './compile.js';
import { registerCheck } from './check.js';

export type { RegisterCommand } from './context.js';

/** Every command, in help order. */
export const COMMANDS: RegisterCommand[] = [
  registerPlan,
  registerApply,
  registerSync,
  registerAudit,
  registerPush,
  registerLab,
  registerDemo,
  registerConfigSchema,
  registerCompile,
  registerCheck,
];
