/**
 * Runs iocwall: builds the command tree, runs it, and maps every error to an exit code in one place
 * (`exit-codes.ts`). `main.ts` is the process entry point around it.
 */
import { Command, CommanderError } from 'commander';
import type { LevelWithSilent } from 'pino';
import { createLogger } from '../log.js';
import type { CliContext, CliIo } from './context.js';
import { exitCodeFor, reasonFor } from './exit-codes.js';
import { COMMANDS } from './commands.js';
import { redactSecrets } from '../config/secrets.js';
import { ConfigError, ExitSignal, IocwallError } from '../errors.js';
import { packageVersion } from '../util/package-root.js';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/** Runs iocwall with `argv` (without `node` and the script) and returns the exit code. */
export async function runCli(argv: readonly string[], io?: Partial<CliIo>): Promise<number> {
  const fullIo: CliIo = {
    stdout: io?.stdout ?? process.stdout,
    stderr: io?.stderr ?? process.stderr,
    stdin: io?.stdin ?? process.stdin,
    isTTY: io?.isTTY ?? process.stderr.isTTY,
  };
  const program = new Command('iocwall')
    .description('Keeps firewall blocklists true to threat intelligence.')
    .version(packageVersion(), '-V, --version', 'print the version of iocwall')
    .option('--log-level <level>', `log level (${LEVELS.join(', ')})`, 'info')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => fullIo.stdout.write(s),
      // Usage errors carry the same `iocwall:` prefix as every other error line.
      writeErr: (s) => fullIo.stderr.write(s.startsWith('error:') ? `iocwall: ${s}` : s),
    })
    .showHelpAfterError();

  let ctx: CliContext | undefined;
  const context = (): CliContext => {
    if (ctx) return ctx;
    const requested = program.opts<{ logLevel: string }>().logLevel;
    if (!LEVELS.includes(requested)) {
      throw new ConfigError(`--log-level ${requested} is not one of ${LEVELS.join(', ')}`);
    }
    const level = requested as LevelWithSilent;
    ctx = {
      io: fullIo,
      run: runCli,
      log: createLogger({
        level,
        destination: fullIo.stderr,
        pretty: io?.isTTY ?? (fullIo.stderr === process.stderr && process.stderr.isTTY),
      }),
    };
    return ctx;
  };
  for (const register of COMMANDS) register(program, context);
  // `addCommand` does not pass the program's settings on: without them a usage error in a command
  // (an unknown option, conflicting options) calls process.exit and writes to the process's stderr,
  // not to this run's streams with exit 1.
  const inherit = (parent: Command): void => {
    for (const command of parent.commands) {
      command.copyInheritedSettings(parent);
      inherit(command);
    }
  };
  inherit(program);

  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; usage errors are configuration errors (exit 1).
      return err.exitCode === 0 ? 0 : 1;
    }
    if (err instanceof ExitSignal) return err.code;
    const code = exitCodeFor(err);
    if (code === 1 || code === 3 || code === 4) {
      fullIo.stderr.write(`iocwall: ${redactSecrets(reasonFor(err))}\n`);
    }
    if (!(err instanceof IocwallError)) context().log.debug({ err }, 'unexpected error');
    return code;
  }
}
