/**
 * What every command receives: its output streams and a logger. Commands write results to `stdout`
 * only; logs and reasons go to stderr.
 */
import type { Command } from 'commander';
import type { Logger } from '../log.js';

/** Streams a command talks to (the process's, or a test's). */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  /** True when stderr is an interactive terminal (progress display). */
  isTTY: boolean;
}

/** Per-invocation context handed to every command. */
export interface CliContext {
  io: CliIo;
  log: Logger;
  /**
   * Runs another iocwall command line in this process (what `demo` does); handed in by run.ts so
   * that no command imports the runner, which imports every command.
   */
  run: (argv: readonly string[], io?: Partial<CliIo>) => Promise<number>;
}

/**
 * Adds one command to the program; `context()` gives the logger and streams once options are parsed.
 * Every command file exports one; commands.ts lists them.
 */
export type RegisterCommand = (program: Command, context: () => CliContext) => void;

/** Writes a result value as pretty JSON to stdout. */
export function printJson(ctx: CliContext, value: unknown): void {
  ctx.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Writes text to stdout, ending with a newline. */
export function printText(ctx: CliContext, text: string): void {
  ctx.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Commander argument parser for a repeatable option: collects every occurrence in order. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
