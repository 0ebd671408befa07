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
  writeFileSync(join(dir, 'iocwall.yaml'), CONFIG);
  const run = spawnSync(process.execPath, ['--import', register, BIN, ...args], {
    cwd: dir,
    encoding: 'utf8',
  });
  expect(run.status, run.stderr).toBe(0);
  return readFileSync(record, 'utf8').split('\n').filter(Boolean);
}

/** A config with one target of every vendor (nothing connects to them in a compile). */
const CONFIG = `instanceId: startup
sources: [{ name: feed, file: feed.txt, format: plain }]
targets:
  - { name: a, vendor: opnsense, endpoint: "https://192.0.2.1", credentials: { key: env:K, secret: env:S } }
  - { name: b, vendor: pfsense, endpoint: "https://192.0.2.2", credentials: { username: env:U, password: env:P } }
  - { name: c, vendor: mikrotik, endpoint: "tls://192.0.2.3:8729", credentials: { username: env:U, password: env:P } }
  - { name: d, vendor: sophos, endpoint: "https://192.0.2.4:4444", credentials: { username: env:U, password: env:P } }
`;

/** Simulators and their kits: only the lab and the demo start devices. */
const SIMULATOR_ONLY = [
  /\/simulator\/(?!releases\.js$)/,
  /\/simkit\//,
  /node_modules\/(selfsigned|@peculiar|dns-packet)\//,
];

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

  it("compile --config checks each vendor's target sections without loading a simulator", () => {
    const loaded = modulesLoaded(['compile', '--config', 'iocwall.yaml', '--out', 'out.json']);
    // The vendor registry is loaded (the config's per-vendor sections are checked by its modules)...
    expect(loaded.some((u) => DEVICE_ONLY[0]?.test(u))).toBe(true);
    // ...but no simulator, TLS certificate kit or DNS responder: those start with the lab only.
    for (const pattern of SIMULATOR_ONLY) expect(loaded.filter((u) => pattern.test(u))).toEqual([]);
  });

  it('lab --list-firmware does load the vendor registry (the hook sees it when it is there)', () => {
    const loaded = modulesLoaded(['lab', '--list-firmware']);
    expect(loaded.some((u) => DEVICE_ONLY[0]?.test(u))).toBe(true);
  });
});
