/**
 * What each command loads at start-up. `compile` and `check` run on every feed refresh and in cron jobs;
 * a static import of the vendor registry from any command module made every one of them load all four
 * adapters and simulators (axios, zod, the XML libraries): twice the start-up time of a one-line compile.
 * The built binary is run with a module-resolve hook that records every module it loads.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = new URL('../../dist/src/cli/main.js', import.meta.url).pathname;

/** Runs the binary with `args` and returns the URLs of the modules it resolved. */
function modulesLoaded(args: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'iocwall-startup-'));
  const record = join(dir, 'modules.txt');
  const hook = join(dir, 'hook.mjs');
  writeFileSync(
    hook,
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(${JSON.stringify(record)}, r.url + '\\n');
  return r;
}\n`,
  );
  const register = join(dir, 'register.mjs');
  writeFileSync(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hook).href)});\n`,
  );
  writeFileSync(join(dir, 'feed.txt'), '45.33.2.79\njournalide.org\n');
  const run = spawnSync(process.execPath, ['--import', register, BIN, ...args], {
    cwd: dir,
    encoding: 'utf8',
  });
  expect(run.status, run.stderr).toBe(0);
  return readFileSync(record, 'utf8').split('\n').filter(Boolean);
}

/** Modules only device commands and the lab need. */
const DEVICE_ONLY = [
  /\/src\/vendors\/index\.js$/,
  /\/src\/vendors\/[a-z]+\/adapter/,
  /node_modules\/(axios|zod|fast-xml-parser|selfsigned)\//,
];

describe('start-up', () => {
  it('compile --input loads no vendor module, no HTTP client and no zod', () => {
    const loaded = modulesLoaded([
      'compile',
      '--input',
      'feed.txt',
      '--format',
      'plain',
      '--out',
      'out.json',
    ]);
    // The run really was observed: the compile stage itself is in the record.
    expect(loaded.some((u) => u.endsWith('/src/blocklist/compile.js'))).toBe(true);
    for (const pattern of DEVICE_ONLY) expect(loaded.filter((u) => pattern.test(u))).toEqual([]);
  });

  it('lab --list-firmware does load the vendor registry (the hook sees it when it is there)', () => {
    const loaded = modulesLoaded(['lab', '--list-firmware']);
    expect(loaded.some((u) => DEVICE_ONLY[0]?.test(u))).toBe(true);
  });
});
