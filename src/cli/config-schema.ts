/**
 * `iocwall config-schema`: prints the JSON Schema of `iocwall.yaml` (for editors and CI validation).
 */
import { Command } from 'commander';
import { printJson, type RegisterCommand } from './context.js';

/** Registers `config-schema`. */
export const registerConfigSchema: RegisterCommand = (program, context) => {
  program.addCommand(
    new Command('config-schema').description('print the JSON Schema of iocwall.yaml').action(async () => {
      const { configJsonSchema } = await import('../config/json-schema.js');
      printJson(context(), configJsonSchema());
    }),
  );
};
