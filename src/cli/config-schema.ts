/**
 * `iocwall config-schema`: prints the JSON Schema of `iocwall.yaml` (for editors and CI validation).
 */
import { Command } from 'commander';
import { configJsonSchema } from '../config/json-schema.js';
import type { RegisterCommand } from './commands.js';
import { printJson } from './context.js';

/** Registers `config-schema`. */
export const registerConfigSchema: RegisterCommand = (program, context) => {
  program.addCommand(
    new Command('config-schema').description('print the JSON Schema of iocwall.yaml').action(() => {
      printJson(context(), configJsonSchema());
    }),
  );
};
