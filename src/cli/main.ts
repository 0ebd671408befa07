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

/**
 * Ctrl-C or a service stop in the middle of a command: say what that means before the process ends with
 * the shell's code for the signal (130, 143). Writes already sent may have reached a device; the journal
 * holds the run's intent, and the next run on that target reconciles it. A command that handles the
 * signal itself (`lab` stops its simulators) is left to do so.
 */
function onInterrupt(signal: 'SIGINT' | 'SIGTERM', code: number): void {
  process.once(signal, () => {
    if (process.listenerCount(signal) > 0) return;
    process.stderr.write(
      `iocwall: interrupted (${signal}): what was being sent may have reached a device; the next sync or audit of that target reconciles it from the journal\n`,
    );
    process.exit(code);
  });
}

if (isMain()) {
  onInterrupt('SIGINT', 130);
  onInterrupt('SIGTERM', 143);
  const output = watchOutput();
  const code = await runCli(process.argv.slice(2));
  process.exitCode = output.failed() ? 1 : code;
}
