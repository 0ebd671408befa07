#!/usr/bin/env node
/**
 * iocwall's process entry point (`npx iocwall`, the `bin` of the package): runs the CLI with the
 * process's arguments and sets the exit code; a closed stdout (`| head`) ends it quietly
 * (`closed-output.ts`). Everything else lives in `run.ts`.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { watchOutput } from './closed-output.js';
import { runCli } from './run.js';

export { runCli };

function isMain(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  const output = watchOutput();
  const code = await runCli(process.argv.slice(2));
  process.exitCode = output.failed() ? 1 : code;
}
