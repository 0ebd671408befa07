/**
 * The embedded default configuration (used when no `--config` is given): the shipped 3CX set with its
 * vendor domain allowlisted, every other setting at the schema's default.
 *
 * The parsed form is written out here, so `compile --input` without a config never loads zod and
 * the config schema; test/config/default-config.test.ts holds it equal to what the schema makes of
 * {@link DEFAULT_CONFIG_INPUT}.
 */
import { isAbsolute, resolve } from 'node:path';
import type { LoadedConfig } from './loaded.js';
import type { Config } from './schema.js';

/** The default as a user would write it in iocwall.yaml. */
export const DEFAULT_CONFIG_INPUT = {
  sources: [{ name: '3cx', builtin: '3cx' }],
  allowlist: { domains: ['3cx.com'], ips: [] },
};

/** {@link DEFAULT_CONFIG_INPUT} with the schema's defaults filled in. */
const DEFAULT_CONFIG: Config = {
  instanceId: 'default',
  stateDir: '.iocwall-state',
  sources: [{ name: '3cx', builtin: '3cx' }],
  allowlist: { domains: ['3cx.com'], ips: [] },
  protectedNetworks: [],
  guard: { minPrefixV4: 8, minPrefixV6: 32, warninglists: 'builtin', sharedHostPolicy: 'refuse' },
  retentionDays: 7,
  defaults: {
    policy: {
      dns: true,
      egress: true,
      ipv6: true,
      action: 'drop',
      placement: 'top',
      prefix: 'iocwall',
      thresholds: { maxRemovePercent: 30, minEntries: 10 },
    },
  },
  targets: [],
  concurrency: 4,
};

/** The embedded default, anchored at `cwd` (a fresh copy each call: callers may adjust it). */
export function defaultConfig(cwd = process.cwd()): LoadedConfig {
  const config = structuredClone(DEFAULT_CONFIG);
  const stateDir = isAbsolute(config.stateDir) ? config.stateDir : resolve(cwd, config.stateDir);
  return { config, baseDir: cwd, stateDir, path: null };
}
