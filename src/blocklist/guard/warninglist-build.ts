/**
 * Build step, run by `npm run build` / `prepare` after `tsc` as
 * `node dist/src/blocklist/guard/warninglist-build.js`: writes the warninglist caches beside the compiled
 * loader (dist/src/blocklist/guard/, shipped with the package) from the shipped iocs/warninglists.
 *
 * A cache that does not read back as exactly the compiled lists fails the build (exit 1) rather than
 * ship: at run time a missing cache only costs start-up time, but a wrong one would change verdicts.
 * Not imported by anything: running it is its only purpose.
 */
import { writeWarninglistCaches } from './warninglists.js';

try {
  const started = performance.now();
  const files = writeWarninglistCaches();
  const ms = Math.round(performance.now() - started);
  process.stdout.write(`warninglist cache: wrote ${files.join(', ')} (${ms} ms)\n`);
} catch (error) {
  process.stderr.write(`warninglist cache: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
