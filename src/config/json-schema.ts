/**
 * The JSON Schema of `iocwall.yaml` for editors, generated from the zod schema so the two never disagree.
 */
import { z } from 'zod';
import { configSchema } from './schema.js';

/** JSON Schema (draft 2020-12) of the config file as a user writes it (defaults optional). */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://iocwall.invalid/schema/iocwall.schema.json',
    title: 'iocwall configuration',
  };
}
