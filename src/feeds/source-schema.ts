/** The zod schema of one feed source in the config file (`sources:`); the config loader imports it. */
import { z } from 'zod';
import { FORMAT_IDS } from './types.js';

/**
 * The name of a source, of every kind. It keys a URL source's last-good copy (`<stateDir>/feeds/<name>.body`)
 * and a URL or file source's retention state, so the config loader refuses two sources with one name.
 */
export const sourceNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/i, 'letters, digits, . _ - (max 64), starting alphanumeric');

/**
 * One source: exactly one of `url` (http/https only; fetched with the last-good cache) or `file`
 * (read directly; `-` is stdin; relative paths are resolved by the caller). Header values may be
 * secret references `env:NAME` / `file:PATH`, resolved by the caller's `resolveSecret`.
 */
export const sourceSchema = z
  .object({
    name: sourceNameSchema,
    url: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }).optional(),
    file: z.string().min(1).optional(),
    format: z.enum([...FORMAT_IDS, 'auto']).default('auto'),
    /** Per-source TTL: entries expire this long after first seen. */
    ttlDays: z.number().positive().optional(),
    timeoutMs: z.number().int().positive().default(30000),
    maxBytes: z
      .number()
      .int()
      .positive()
      .default(256 * 1024 * 1024),
    /** A fresh copy with fewer than (1 - maxShrink) × the last-good copy's valid indicators is refused. */
    maxShrink: z.number().min(0).max(1).default(0.5),
    retries: z.number().int().min(0).max(10).default(3),
    mispToIdsOnly: z.boolean().default(true),
    headers: z.record(z.string(), z.string()).optional(),
  })
  .strict()
  .refine((s) => (s.url === undefined) !== (s.file === undefined), {
    error: 'a source needs exactly one of "url" or "file"',
  });

/** One source after defaults are applied. */
export type SourceConfig = z.infer<typeof sourceSchema>;
