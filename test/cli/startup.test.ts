/**
 * What each command loads at start-up. `compile` and `check` run on every feed refresh and in cron jobs;
 * a static import of the vendor registry from any command module made every one of them load all four
 * adapters and simulators (axios, zod, the XML libraries): twice the start-up time of a one-line compile.
 * The registry itself loads no adapter either: a vendor's adapter module (with its client, HTTP and XML
 * libraries) is loaded when a target of that vendor connects, so reading a config loads none and a
 * MikroTik-only sync loads only the MikroTik adapter.
 * The built binary is run with a module-resolve hook that records every module it loads.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { startLab, writeLabConfig } from '../../src/lab/lab.js';

const BIN = new URL('../../dist/src/cli/main.js', import.meta.url).pathname;

/** A folder with the resolve hook, a one-line feed and `iocwall.yaml`; `run` records what a run loads. */
interface Sandbox {
  dir: string;
  /** Runs the binary with `args` (in `dir`) and returns the URLs of the modules it resolved. */
  run(args: string[]): Promise<string[]>;
}

function sandbox(config: string): Sandbox {
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
  // CommonJS packages required on demand (pino, by the logger) bypass the resolve hook: record those too.
  const requireHook = join(dir, 'require-hook.cjs');
  writeFileSync(
    requireHook,
    `const Module = require('node:module');
const { appendFileSync } = require('node:fs');
const load = Module._load;
Module._load = function (request, parent, isMain) {
  try { appendFileSync(${JSON.stringify(record)}, 'require:' + Module._resolveFilename(request, parent, isMain) + '\\n'); } catch {}
  return load.apply(this, arguments);
};\n`,
  );
  writeFileSync(join(dir, 'feed.txt'), '45.33.2.79\njournalide.org\n');
  writeFileSync(join(dir, 'iocwall.yaml'), config);
  return {
    dir,
    // Asynchronous: a lab device in this process must keep answering while the binary runs.
    run: async (args) => {
      rmSync(record, { force: true });
      const child = spawn(process.execPath, ['--require', requireHook, '--import', register, BIN, ...args], {
        cwd: dir,
      });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.stdout.resume();
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code, stderr).toBe(0);
      return readFileSync(record, 'utf8').split('\n').filter(Boolean);
    },
  };
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

/** A vendor's adapter and its transport (the MikroTik client is ours: client, socket, protocol). */
const adapterOf = (vendor: string): RegExp =>
  new RegExp(`/src/vendors/${vendor}/(adapter[^/]*|client|socket|protocol|connection|xml|lab-admin)\\.js$`);
const ANY_ADAPTER = adapterOf('[a-z]+');

/**
 * The HTTP client and the XML parser and builder (package.json) the other vendors' adapters use, and
 * node-routeros (a dev dependency only, for the test that shows why RouterOS has its own client).
 */
const HTTP_AND_XML = /node_modules\/(axios|fast-xml-parser|fast-xml-builder|node-routeros)\//;

/** The loaded URLs matching `pattern`, shortened to what follows `dist/` or `node_modules/`. */
const matching = (loaded: readonly string[], pattern: RegExp): string[] =>
  loaded.filter((u) => pattern.test(u)).map((u) => u.replace(/^.*\/(dist|node_modules)\//, ''));

describe('start-up', () => {
  it('compile --input loads no vendor module, no HTTP client and no zod', async () => {
    const loaded = await sandbox(CONFIG).run([
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
    for (const pattern of DEVICE_ONLY) expect(matching(loaded, pattern)).toEqual([]);
    // A plain file is no ZIP archive: the ZIP reader and fflate stay unloaded.
    expect(matching(loaded, /(\/src\/feeds\/unzip\.js$|node_modules\/fflate\/)/)).toEqual([]);
  });

  it("loads pino only when a line is logged at the run's level", async () => {
    const box = sandbox(CONFIG);
    const args = ['compile', '--input', 'feed.txt', '--format', 'plain', '--out', 'out.json'];
    const quiet = await box.run(['--log-level', 'warn', ...args]);
    expect(quiet.some((u) => u.endsWith('/src/blocklist/compile.js'))).toBe(true);
    expect(matching(quiet, /node_modules\/pino\//)).toEqual([]);
    // At the default level the compile logs its summary: then pino is loaded, through either hook.
    const logged = await box.run(args);
    expect(matching(logged, /node_modules\/pino\/pino\.js$/).length).toBeGreaterThan(0);
  });

  it('a ZIP archive loads the ZIP reader when it is read', async () => {
    const box = sandbox(CONFIG);
    writeFileSync(
      join(box.dir, 'feed.zip'),
      zipSync({ 'feed.txt': Buffer.from('45.33.2.79\njournalide.org\n') }),
    );
    const loaded = await box.run([
      'compile',
      '--input',
      'feed.zip',
      '--format',
      'plain',
      '--out',
      'out.json',
    ]);
    expect(matching(loaded, /\/src\/feeds\/unzip\.js$/)).toEqual(['src/feeds/unzip.js']);
    expect(JSON.parse(readFileSync(join(box.dir, 'out.json'), 'utf8')).entries).toHaveLength(2);
  });

  it("compile --config checks each vendor's target sections without loading a simulator", async () => {
    const loaded = await sandbox(CONFIG).run(['compile', '--config', 'iocwall.yaml', '--out', 'out.json']);
    // The vendor registry is loaded (the config's per-vendor sections are checked by its modules)...
    expect(loaded.some((u) => DEVICE_ONLY[0]?.test(u))).toBe(true);
    // ...but no simulator, TLS certificate kit or DNS responder: those start with the lab only.
    for (const pattern of SIMULATOR_ONLY) expect(matching(loaded, pattern)).toEqual([]);
  });

  it('compile --config loads no adapter, client, HTTP client or XML library of any vendor', async () => {
    const loaded = await sandbox(CONFIG).run(['compile', '--config', 'iocwall.yaml', '--out', 'out.json']);
    // Each vendor's module checked its target's options (the options schemas live beside the module)...
    for (const vendor of ['opnsense', 'pfsense', 'mikrotik', 'sophos'])
      expect(loaded.some((u) => u.endsWith(`/src/vendors/${vendor}/index.js`))).toBe(true);
    // ...and nothing a connection needs was loaded.
    expect(matching(loaded, ANY_ADAPTER)).toEqual([]);
    expect(matching(loaded, HTTP_AND_XML)).toEqual([]);
  });

  it('a MikroTik-only config: compile loads no adapter; sync, audit and check load only the MikroTik one', async () => {
    const lab = await startLab({ vendors: ['mikrotik'] });
    try {
      const box = sandbox('');
      writeLabConfig(join(box.dir, 'iocwall.yaml'), lab.devices, {
        sources: [{ name: 'feed', file: 'feed.txt', format: 'plain' }],
        allowlist: { domains: [], ips: [] },
      });
      const compiled = await box.run(['compile', '--config', 'iocwall.yaml', '--out', 'out.json']);
      expect(compiled.some((u) => u.endsWith('/src/vendors/mikrotik/index.js'))).toBe(true);
      expect(matching(compiled, ANY_ADAPTER)).toEqual([]);
      expect(matching(compiled, HTTP_AND_XML)).toEqual([]);

      const runs = [
        ['sync', '--config', 'iocwall.yaml', '--log-level', 'warn'],
        ['audit', '--config', 'iocwall.yaml', '--log-level', 'warn'],
        ['check', '45.33.2.79', '--config', 'iocwall.yaml', '--log-level', 'warn'],
      ];
      for (const args of runs) {
        const loaded = await box.run(args);
        // The run connected through the MikroTik adapter (the hook sees an adapter when one loads)...
        expect(
          loaded.some((u) => u.endsWith('/src/vendors/mikrotik/adapter.js')),
          args[0],
        ).toBe(true);
        // ...and loaded no other vendor's adapter, no HTTP client and no XML library.
        expect(
          matching(loaded, ANY_ADAPTER).filter((u) => !u.includes('/mikrotik/')),
          args[0],
        ).toEqual([]);
        expect(matching(loaded, HTTP_AND_XML), args[0]).toEqual([]);
      }
    } finally {
      await lab.stop();
    }
  });

  it('lab --list-firmware does load the vendor registry (the hook sees it when it is there)', async () => {
    const loaded = await sandbox(CONFIG).run(['lab', '--list-firmware']);
    expect(loaded.some((u) => DEVICE_ONLY[0]?.test(u))).toBe(true);
  });
});
