/**
 * The JSON Schema of `iocwall.yaml` for editors, generated from the zod schema so the two never disagree.
 */
import { z } from 'zod';
import { VENDOR_MODULES } from '../vendors/index.js';
import { configSchema } from './schema.js';

/**
 * Per vendor, what `credentials` and `options` of a target take: `if vendor == X then …` clauses, so an
 * editor shows each vendor's own fields (the zod schema checks them in `superRefine`, which JSON Schema
 * export cannot see).
 */
function vendorClauses(): Record<string, unknown>[] {
  return VENDOR_MODULES.map((m) => ({
    if: { properties: { vendor: { const: m.id } }, required: ['vendor'] },
    then: {
      properties: {
        endpoint: {
          pattern: `^(${m.endpoint.schemes.join('|')})://`,
          description: `e.g. ${m.endpoint.example}`,
        },
        credentials: {
          type: 'object',
          properties: Object.fromEntries(
            m.credentials.map((c) => [
              c.name,
              { type: 'string', description: `${c.description} (env:NAME or file:PATH)` },
            ]),
          ),
          required: m.credentials.filter((c) => c.required).map((c) => c.name),
          additionalProperties: false,
          ...(m.credentialForms === undefined ? {} : { oneOf: formClauses(m) }),
        },
        options: z.toJSONSchema(m.options, { io: 'input', unrepresentable: 'any' }),
      },
    },
  }));
}

/** One clause per credential form: its fields present, every other field absent. */
function formClauses(m: (typeof VENDOR_MODULES)[number]): Record<string, unknown>[] {
  return (m.credentialForms ?? []).map((form) => ({
    required: [...form],
    properties: Object.fromEntries(
      m.credentials.filter((c) => !form.includes(c.name)).map((c) => [c.name, false]),
    ),
  }));
}

/** JSON Schema (draft 2020-12) of the config file as a user writes it (defaults optional). */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as unknown as {
    properties: { targets: { items: Record<string, unknown> } };
  };
  const target = schema.properties.targets.items;
  target.allOf = vendorClauses();
  return {
    ...schema,
    $id: 'https://iocwall.invalid/schema/iocwall.schema.json',
    title: 'iocwall configuration',
  };
}
