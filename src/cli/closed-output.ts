/**
 * What the process does when its output goes away: `iocwall compile --json | head` closes the pipe after a
 * few lines, and the next write fails with EPIPE (Node ignores SIGPIPE, so the write error is all there is).
 * Unhandled, that error event crashed the process with a stack trace on stderr. A reader that closes the
 * pipe has read all it wants, as with any Unix tool: iocwall writes nothing more there, says nothing, and
 * ends with the exit code of the command's own outcome (compile 0, plan with pending changes 2), so the
 * exit codes keep their one meaning (docs/commands.md). Any other write error on stdout (a full disk behind
 * `> file`) means the result was lost: one line on stderr and exit 1.
 */

/** State of the process's output streams, read by main.ts when it sets the exit code. */
export interface OutputWatch {
  /** True when writing the result to stdout failed for another reason than a closed reader. */
  failed(): boolean;
}

/** Installs the error handlers on `stdout` and `stderr` (once per process, in main.ts). */
export function watchOutput(
  stdout: NodeJS.WritableStream = process.stdout,
  stderr: NodeJS.WritableStream = process.stderr,
): OutputWatch {
  let failed = false;
  stdout.on('error', (err: NodeJS.ErrnoException) => {
    // The stream is destroyed by its error: later writes are dropped without another event.
    if (err.code === 'EPIPE') return;
    failed = true;
    process.exitCode = 1;
    stderr.write(`iocwall: cannot write the result to stdout: ${err.code ?? err.message}\n`);
  });
  // Logs and reasons have nowhere else to go: a closed or failing stderr is ignored.
  stderr.on('error', () => undefined);
  return { failed: () => failed };
}
