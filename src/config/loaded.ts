/**
 * The shape of a loaded configuration, apart from the loader (load.ts) so that the embedded default
 * (default-config.ts), which the loader re-exports, can name it without importing the loader back.
 */
import type { Config } from './schema.js';

/** A validated config plus where it came from. */
export interface LoadedConfig {
  config: Config;
  /** Folder relative paths (state, files, secrets) are anchored to. */
  baseDir: string;
  /** Absolute state folder. */
  stateDir: string;
  /** The file, or `null` for the embedded default. */
  path: string | null;
}
