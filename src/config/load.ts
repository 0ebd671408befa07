/**
 * Loads and validates `iocwall.yaml`. Relative paths in it are resolved against the file's folder.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import type { LoadedConfig } from './loaded.js';
import { configSchema } from './schema.js';
import { refuseDuplicateSources, sourceIssues } from './source-issues.js';

/**
 * The YAML parser, loaded on first use: importing it costs ≈ 40 ms, and `compile --input` without
 * `--config` never parses YAML. (`yaml`'s Node entry is its CommonJS build, the module `import` loads.)
 */
let yamlParse: typeof import('yaml').parse | undefined;
function parseYaml(text: string): unknown {
  yamlParse ??= (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse;
  return yamlParse(text);
}

export type { LoadedConfig } from './loaded.js';

/** Formats zod issues as `path: message; …` on one line. */
export function formatIssues(error: { issues: readonly z.core.$ZodIssue[] }): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

/** Validates an already-parsed config object. */
export function validateConfig(raw: unknown, baseDir: string, path: string | null): LoadedConfig {
  const where = path ? ` ${path}` : '';
  const result = configSchema.safeParse(raw ?? {});
  if (!result.success) {
    const issues = sourceIssues(raw, result.error.issues);
    throw new ConfigError(`invalid config${where}: ${formatIssues({ issues })}`);
  }
  refuseDuplicateSources(result.data.sources, where);
  const names = new Set<string>();
  for (const target of result.data.targets) {
    if (names.has(target.name)) throw new ConfigError(`invalid config: duplicate target name ${target.name}`);
    names.add(target.name);
  }
  const config = result.data;
  const stateDir = isAbsolute(config.stateDir) ? config.stateDir : resolve(baseDir, config.stateDir);
  return { config, baseDir, stateDir, path };
}

/** Reads a YAML (or JSON) config file. */
export function loadConfig(path: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const hint =
      code === 'ENOENT' ? ' (no such file: check the path, or `iocwall lab --write-config` writes one)' : '';
    throw new ConfigError(`cannot read config ${path}: ${code ?? 'error'}${hint}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    // The parser's first line ends with a colon that introduced its code frame: not shown, so dropped.
    const first = ((err as Error).message.split('\n')[0] ?? '').replace(/:\s*$/, '');
    throw new ConfigError(`config ${path} is not valid YAML: ${first}`);
  }
  const abs = resolve(path);
  return validateConfig(raw, dirname(abs), abs);
}

export { defaultConfig } from './default-config.js';
