/**
 * Running the built CLI's `sync` from a benchmark, as the nightly job runs it.
 */
import { spawn } from 'node:child_process';

const BIN = new URL('../src/cli/main.js', import.meta.url).pathname;

/**
 * Runs `iocwall sync --config <config> --json` and returns its wall time and stdout; throws with its
 * stderr when it exits non-zero. Asynchronous on purpose: the simulators answering it live in the
 * benchmark's own process and must keep answering while it runs.
 */
export async function runCliSync(config: string): Promise<{ seconds: number; stdout: string }> {
  const t = performance.now();
  const child = spawn(process.execPath, [BIN, 'sync', '--config', config, '--json', '--log-level', 'warn']);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const seconds = (performance.now() - t) / 1000;
  if (code !== 0) throw new Error(`bench: sync exited ${String(code)}: ${stderr.slice(0, 2000)}`);
  return { seconds, stdout };
}
