/**
 * Shared set-up for end-to-end tests: a lab on loopback, a config written the way `iocwall lab
 * --write-config` writes it, and the CLI run in-process with captured streams.
 */
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import https from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import { parse, stringify } from 'yaml';
import { runCli } from '../../src/cli/main.js';
import { startLab, writeLabConfig, type Lab, type LabDevice, type LabOptions } from '../../src/lab/lab.js';
import type { MikrotikSimulator } from '../../src/vendors/mikrotik/simulator/simulator.js';
import type { OpnsenseSimulator } from '../../src/vendors/opnsense/simulator/index.js';
import type { VendorId } from '../../src/vendors/types.js';
import { connectRouterOs, type RouterOsClient } from '../../src/vendors/mikrotik/client.js';

/** Result of one CLI run. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output. */
export async function cli(args: string[]): Promise<CliRun> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c: Buffer) => (stdout += c.toString()));
  err.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await runCli(args, { stdout: out, stderr: err, isTTY: false });
  return { code, stdout, stderr };
}

/** A lab plus a config targeting it, in a fresh temp folder. */
export interface LabFixture {
  lab: Lab;
  dir: string;
  config: string;
  feed: string;
  run(...args: string[]): Promise<CliRun>;
  /** Rewrites the feed file the config's only source reads. */
  setFeed(lines: string[]): void;
  /** Edits the config (parsed YAML) in place. */
  editConfig(edit: (config: Record<string, unknown>) => void): void;
  device(vendor: string): LabDevice;
  /** Every file under the folder, concatenated (to look for leaked secrets). */
  allText(): string;
}

/** Starts a lab and writes a config whose only source is a plain feed file. */
export async function labFixture(options: LabOptions, feed: string[]): Promise<LabFixture> {
  const lab = await startLab(options);
  const dir = mkdtempSync(join(tmpdir(), 'iocwall-e2e-'));
  const config = join(dir, 'iocwall.yaml');
  const feedPath = join(dir, 'feed.txt');
  writeFileSync(feedPath, `${feed.join('\n')}\n`);
  writeLabConfig(config, lab.devices, { sources: [{ name: 'feed', file: 'feed.txt', format: 'plain' }] });
  const fixture: LabFixture = {
    lab,
    dir,
    config,
    feed: feedPath,
    run: (...args) => cli([...args, '--config', config, '--log-level', 'warn']),
    setFeed: (lines) => writeFileSync(feedPath, `${lines.join('\n')}\n`),
    editConfig: (edit) => {
      const parsed = parse(readFileSync(config, 'utf8')) as Record<string, unknown>;
      edit(parsed);
      writeFileSync(config, stringify(parsed));
    },
    device: (vendor) => lab.device(vendor as VendorId),
    allText: () => {
      const texts: string[] = [];
      const walk = (d: string): void => {
        for (const name of readdirSync(d)) {
          const p = join(d, name);
          if (statSync(p).isDirectory()) {
            if (!p.endsWith('.secrets')) walk(p);
          } else texts.push(readFileSync(p, 'utf8'));
        }
      };
      walk(dir);
      return texts.join('\n');
    },
  };
  return fixture;
}

/** An OPNsense API client acting as an administrator by hand (for drift tests). */
export function opnsenseAdmin(device: LabDevice): AxiosInstance {
  return axios.create({
    baseURL: `${device.endpoint}/api`,
    auth: { username: device.credentials.key!, password: device.credentials.secret! },
    httpsAgent: new https.Agent({ rejectUnauthorized: false }),
    validateStatus: () => true,
  });
}

/** The lab's OPNsense simulator object (faults, request log). */
export function opnsenseSim(fx: LabFixture): OpnsenseSimulator {
  return fx.lab.device('opnsense').simulator as OpnsenseSimulator;
}

/** The lab's RouterOS simulator object (command log, connection drops). */
export function mikrotikSim(fx: LabFixture): MikrotikSimulator {
  return fx.lab.device('mikrotik').simulator as MikrotikSimulator;
}

/** A RouterOS API session to a lab router with the lab's credentials (reads, or writes where allowed). */
export function routerOsSession(device: LabDevice, readOnly: boolean): Promise<RouterOsClient> {
  return connectRouterOs({
    endpoint: device.endpoint,
    username: device.credentials.username!,
    password: device.credentials.password!,
    timeoutMs: 5000,
    readOnly,
    target: 'admin',
  });
}
