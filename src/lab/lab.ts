/**
 * The lab: one simulated firewall per implemented vendor, on loopback, with fresh credentials and
 * self-signed certificates. Used by `iocwall lab`, `npm start` and the integration tests.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { registerSecret } from '../config/secrets.js';
import { ConfigError } from '../errors.js';
import { MikrotikSimulator } from '../vendors/mikrotik/simulator.js';
import { OpnsenseSimulator } from '../vendors/opnsense/simulator.js';
import { IMPLEMENTED_VENDORS } from '../vendors/index.js';
import type { VendorId } from '../vendors/types.js';
import { writeFileAtomic } from '../util/atomic.js';
import { ensureDir } from '../util/dirs.js';

/** One running simulated device. */
export interface LabDevice {
  name: string;
  vendor: VendorId;
  endpoint: string;
  /** In the vendor's own terms (opnsense key/secret; mikrotik username/password). */
  credentials: Record<string, string>;
  /** sha256 fingerprint of its certificate, for pinning. */
  fingerprint?: string;
}

/** Which vendors and versions to start. */
export interface LabOptions {
  vendors?: readonly VendorId[];
  opnsenseVersion?: '25.7' | '26.1' | '26.7';
  mikrotikMode?: '6.49' | '7.18';
  /** Per-command/request latency of every device (benchmarks, demos). */
  latencyMs?: number;
}

/** A running lab. */
export interface Lab {
  devices: LabDevice[];
  opnsense?: OpnsenseSimulator;
  mikrotik?: MikrotikSimulator;
  stop(): Promise<void>;
}

function secret(): string {
  const value = randomBytes(18).toString('base64url');
  registerSecret(value);
  return value;
}

/** Starts the lab. Vendors not implemented yet are refused with a clear error. */
export async function startLab(options: LabOptions = {}): Promise<Lab> {
  const vendors = options.vendors ?? IMPLEMENTED_VENDORS;
  for (const v of vendors) {
    if (!IMPLEMENTED_VENDORS.includes(v))
      throw new ConfigError(
        `lab: vendor ${v} is not implemented in this release (implemented: ${IMPLEMENTED_VENDORS.join(', ')})`,
      );
  }
  const devices: LabDevice[] = [];
  const stops: (() => Promise<void>)[] = [];
  const lab: Lab = {
    devices,
    stop: async () => {
      await Promise.all(stops.map((s) => s()));
    },
  };
  try {
    if (vendors.includes('opnsense')) {
      const key = secret();
      const apiSecret = secret();
      const sim = new OpnsenseSimulator({
        key,
        secret: apiSecret,
        version: options.opnsenseVersion ?? '26.1',
        ...(options.latencyMs ? { latencyMs: options.latencyMs } : {}),
      });
      const started = await sim.start();
      stops.push(() => sim.stop());
      lab.opnsense = sim;
      devices.push({
        name: 'lab-opnsense',
        vendor: 'opnsense',
        endpoint: started.endpoint,
        credentials: { key, secret: apiSecret },
        fingerprint: started.fingerprint,
      });
    }
    if (vendors.includes('mikrotik')) {
      const password = secret();
      const sim = new MikrotikSimulator({
        mode: options.mikrotikMode ?? '7.18',
        username: 'iocwall',
        password,
        ...(options.latencyMs ? { latencyMs: options.latencyMs } : {}),
      });
      const started = await sim.start();
      stops.push(() => sim.stop());
      lab.mikrotik = sim;
      devices.push({
        name: 'lab-mikrotik',
        vendor: 'mikrotik',
        endpoint: started.endpoint,
        credentials: { username: 'iocwall', password },
        ...(started.fingerprint ? { fingerprint: started.fingerprint } : {}),
      });
    }
  } catch (err) {
    await lab.stop();
    throw err;
  }
  return lab;
}

/**
 * Writes an iocwall config whose targets are the lab's devices. Secrets go to files beside it (mode 0600)
 * and are referenced with `file:`; certificates are pinned by fingerprint.
 */
export function writeLabConfig(
  path: string,
  devices: readonly LabDevice[],
  extra: Record<string, unknown> = {},
): void {
  const dir = dirname(path);
  const secretsDir = join(dir, `${basename(path).replace(/\.[^.]+$/, '')}.secrets`);
  ensureDir(secretsDir, 0o700);
  const targets = devices.map((d) => {
    const credentials: Record<string, string> = {};
    for (const [key, value] of Object.entries(d.credentials)) {
      const file = join(secretsDir, `${d.name}.${key}`);
      writeFileSync(file, `${value}\n`, { mode: 0o600 });
      chmodSync(file, 0o600);
      credentials[key] = `file:${join(basename(secretsDir), `${d.name}.${key}`)}`;
    }
    return {
      name: d.name,
      tenant: 'lab',
      vendor: d.vendor,
      endpoint: d.endpoint,
      credentials,
      ...(d.fingerprint ? { tls: { fingerprint: `sha256:${d.fingerprint}` } } : {}),
    };
  });
  const config = {
    instanceId: 'lab',
    stateDir: `${basename(path).replace(/\.[^.]+$/, '')}.state`,
    sources: [{ name: '3cx', builtin: '3cx' }],
    allowlist: { domains: ['3cx.com'], ips: [] },
    ...extra,
    targets,
  };
  writeFileAtomic(
    path,
    `# Written by \`iocwall lab --write-config\`: targets are the lab's simulated devices.\n${toYaml(config)}`,
  );
}
