/**
 * The built binary, as users and cron jobs run it: `node dist/src/cli/main.js` (what `npx iocwall` runs).
 * `npm test` builds first, so dist/ is current.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { VENDOR_MODULES } from '../../src/vendors/index.js';
import { describe, expect, it } from 'vitest';

const BIN = new URL('../../dist/src/cli/main.js', import.meta.url).pathname;

/**
 * Runs the built `iocwall [options] demo` to its end in its own temp folder (TMPDIR), so other runs on the
 * machine cannot disturb what it leaves behind.
 */
async function runDemo(
  options: string[],
): Promise<{ tmp: string; code: number | null; out: string; err: string }> {
  const tmp = mkdtempSync(join(tmpdir(), 'idemo-'));
  const demo = spawn(process.execPath, [BIN, ...options, 'demo'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TMPDIR: tmp },
  });
  let out = '';
  let err = '';
  demo.stdout.on('data', (c: Buffer) => (out += c.toString()));
  demo.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await new Promise<number | null>((resolve) => demo.on('exit', resolve));
  return { tmp, code, out, err };
}

describe('the iocwall binary', () => {
  it('prints help and exits 0; an unknown command exits 1', () => {
    const help = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    for (const cmd of ['compile', 'check', 'plan', 'apply', 'sync', 'audit', 'push', 'lab'])
      expect(help.stdout).toContain(cmd);
    const bad = spawnSync(process.execPath, [BIN, 'frobnicate'], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
  });

  it('prints the version in package.json for --version and -V', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    for (const flag of ['--version', '-V']) {
      const r = spawnSync(process.execPath, [BIN, flag], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(`${pkg.version}\n`);
    }
  });

  it('tells the 3CX story that `npm start` runs, on every vendor, and removes its folder', async () => {
    const { tmp, code, out, err } = await runDemo([]);
    expect(
      code,
      `${out}\n${err
        .split('\n')
        .filter((l) => !l.includes('"level":30'))
        .join('\n')}`,
    ).toBe(0);
    // What the guard refused, with reasons: the vendor's own site and file hashes never reach a firewall.
    expect(out).toMatch(/allowlisted: allowlist www\.3cx\.com/);
    expect(out).toMatch(/not-network: labelled "hash" by the feed/);
    for (const m of VENDOR_MODULES) {
      expect(out).toMatch(new RegExp(`lab-${m.id} \\[${m.id}, lab\\]: applied \\(\\+25 -0`));
      // A resolver block answers NXDOMAIN; an egress block (CONTRACT.md: Sophos) answers and drops the traffic.
      expect(out).toMatch(
        new RegExp(`lab-${m.id}\\s+(NXDOMAIN|NOERROR [^\\n]*\\(traffic dropped by rule\\))`),
      );
      expect(out).toMatch(new RegExp(`target lab-${m.id}: present`));
    }
    // The hand edit is found by the read-only audit (exit 2), then repaired.
    expect(out).toMatch(/rule-disabled[^\n]*\n(?:.*\n)*?\(exit 2\)/);
    expect(out.match(/\(exit 0\)/g)?.length).toBeGreaterThanOrEqual(4);
    expect(readdirSync(tmp)).toEqual([]);
    // The story is told on stdout; the steps' info lines stay out of it unless asked for.
    expect(out).toMatch(/each step logs warnings only/);
    expect(err).not.toMatch(/"level":30/);
  });

  it('runs the demo steps at the --log-level given to it', async () => {
    const { code, out, err } = await runDemo(['--log-level', 'info']);
    expect(code, out).toBe(0);
    expect(out).not.toMatch(/each step logs warnings only/);
    for (const m of VENDOR_MODULES)
      expect(err).toContain(`"target":"lab-${m.id}","status":"applied","msg":"sync: finished"`);
  });

  it('runs the lab until SIGTERM, prints one ready line, and writes a config other commands can use', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iocwall-bin-'));
    const config = join(dir, 'lab.yaml');
    const lab = spawn(process.execPath, [BIN, 'lab', '--write-config', config, '--log-level', 'warn'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => lab.on('exit', (code) => resolve(code)));
    const firstLine = await new Promise<string>((resolve, reject) => {
      const rl = createInterface({ input: lab.stdout });
      rl.once('line', resolve);
      lab.once('exit', () => reject(new Error('lab exited before it was ready')));
    });
    try {
      const ready = JSON.parse(firstLine) as {
        ready: boolean;
        targets: {
          name: string;
          vendor: string;
          firmware: string;
          endpoint: string;
          dns: string;
          credentials: Record<string, string>;
        }[];
      };
      expect(ready.ready).toBe(true);
      // One device per vendor module, each with its release and its resolver (CONTRACT.md ready line).
      expect(ready.targets.map((t) => t.vendor).sort()).toEqual(VENDOR_MODULES.map((m) => m.id).sort());
      for (const t of ready.targets) {
        const module = VENDOR_MODULES.find((m) => m.id === t.vendor)!;
        expect(t.firmware).toBe(module.lab.parseFirmware(module.lab.defaultFirmware));
        expect(t.dns).toMatch(/^127\.0\.0\.1:\d+$/);
        // Exactly the required fields, or where the vendor has several forms (pfSense) every field of
        // them: the user and password of the REST package's default, and the API key too (CONTRACT.md).
        const forms = module.credentialForms ?? [
          module.credentials.filter((c) => c.required).map((c) => c.name),
        ];
        expect(Object.keys(t.credentials).sort()).toEqual([...new Set(forms.flat())].sort());
      }
      const pf = ready.targets.find((t) => t.vendor === 'pfsense')!;
      expect(Object.keys(pf.credentials).sort()).toEqual(['apiKey', 'password', 'username']);
      const opn = ready.targets.find((t) => t.vendor === 'opnsense')!;
      expect(opn.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(Object.keys(opn.credentials).sort()).toEqual(['key', 'secret']);
      const ros = ready.targets.find((t) => t.vendor === 'mikrotik')!;
      expect(ros.endpoint).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
      expect(Object.keys(ros.credentials).sort()).toEqual(['password', 'username']);

      // The written config holds references, never the secrets themselves.
      const text = readFileSync(config, 'utf8');
      expect(text).not.toContain(opn.credentials.secret);
      expect(text).toContain('file:');
      const secretFile = join(dir, 'lab.secrets', 'lab-opnsense.secret');
      expect(readFileSync(secretFile, 'utf8').trim()).toBe(opn.credentials.secret);
      expect(statSync(secretFile).mode & 0o077).toBe(0);

      // Nothing was pushed yet: an audit finds drift (exit 2) on both devices.
      const audit = spawnSync(
        process.execPath,
        [BIN, 'audit', '--config', config, '--json', '--log-level', 'warn'],
        { encoding: 'utf8' },
      );
      expect(audit.stderr).toBe('');
      expect(audit.status).toBe(2);
      const json = JSON.parse(audit.stdout) as { targets: { status: string; drift: { kind: string }[] }[] };
      expect(json.targets.map((t) => t.status)).toEqual(VENDOR_MODULES.map(() => 'drift'));
      expect(json.targets.every((t) => t.drift.some((d) => d.kind === 'rule-missing'))).toBe(true);
    } finally {
      lab.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
