/**
 * A usage error (unknown option, conflicting options, a missing argument) in any command ends that run
 * with exit 1 and one `iocwall: error: …` line on the run's own stderr: it never calls process.exit (an
 * in-process run, as tests and the demo make, would take the whole process down) and never writes to
 * the process's stderr instead of the run's.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';

async function run(args: string[]): Promise<{ code: number; stderr: string }> {
  const stderr = new PassThrough();
  let text = '';
  stderr.on('data', (c: Buffer) => (text += c.toString()));
  const code = await runCli(args, { stdout: new PassThrough(), stderr, isTTY: false });
  return { code, stderr: text };
}

describe('usage errors', () => {
  it.each([
    [['plan', '--config', 'c.yaml', '--bogus'], /unknown option '--bogus'/],
    [['plan'], /required option '--config <file>' not specified/],
    [['sync', '--config'], /option '--config <file>' argument missing/],
    [['audit', '--target'], /argument missing/],
    [['apply', '--config', 'c.yaml'], /missing required argument/],
    [['compile', '--nope'], /unknown option '--nope'/],
    [['lab', '--vendors'], /argument missing/],
    [
      ['push', '--config', 'c.yaml', '--input', 'x', '--expires', '2099-01-01', '--ttl-days', '3'],
      /cannot be used with option/,
    ],
  ])('%j exits 1 with one prefixed line on the run’s stderr', async (args, message) => {
    const res = await run(args);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^iocwall: error: /);
    expect(res.stderr).toMatch(message);
  });
});
