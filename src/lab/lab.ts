/**
 * The lab: one simulated firewall per vendor module, on loopback, with fresh credentials and
 * self-signed certificates. Used by `iocwall lab`, `npm start` and the integration tests.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { registerSecret } from '../config/secrets.js';
import { ConfigError } from '../errors.js';
import { VENDOR_MODULES, vendorModule } from '../vendors/index.js';
import type { LabDeviceHandle, VendorId } from '../vendors/types.js';
import { writeFileAtomic } from '../util/atomic.js';
import { ensureDir } from '../util/dirs.js';

/** One running simulated device. */
export interface LabDevice extends LabDeviceHandle {
  name: string;
  vendor: VendorId;
}

/** Which vendors and releases to start. */
export interface LabOptions {
  /** Default: every vendor module. */
  vendors?: readonly VendorId[];
  /** Release per vendor (`--firmware opnsense=25.7.5`); default: each lab entry's `defaultFirmware`. */
  firmware?: Partial<Record<VendorId, string>>;
  /** Extra per-request/command latency of every device (benchmarks, demos). */
  latencyMs?: number;
}

/** A running lab. */
export interface Lab {
  devices: LabDevice[];
  /** The device of a vendor (the lab starts one per vendor). */
  device(vendor: VendorId): LabDevice;
  stop(): Promise<void>;
}

function secret(): string {
  const value = randomBytes(18).toString('base64url');
  registerSecret(value);
  return value;
}

/**
 * Parses `--firmware VENDOR=VERSION` values into a per-vendor map, each release checked by its vendor's
 * lab entry (a release outside the simulator's ranges is a `ConfigError` that lists them).
 */
export function parseFirmwareFlags(values: readonly string[]): Partial<Record<VendorId, string>> {
  const out: Partial<Record<VendorId, string>> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    const vendor = value.slice(0, eq) as VendorId;
    const module = eq > 0 ? vendorModule(vendor) : undefined;
    if (!module)
      throw new ConfigError(
        `--firmware ${value}: expected VENDOR=VERSION with VENDOR one of ${VENDOR_MODULES.map((m) => m.id).join(', ')}`,
      );
    module.lab.parseFirmware(value.slice(eq + 1));
    out[vendor] = value.slice(eq + 1);
  }
  return out;
}

/** Starts the lab: one simulated device per vendor asked for. */
export async function startLab(options: LabOptions = {}): Promise<Lab> {
  const vendors = options.vendors ?? VENDOR_MODULES.map((m) => m.id);
  const modules = vendors.map((v) => {
    const m = vendorModule(v);
    if (!m)
      throw new ConfigError(
        `lab: vendor ${v} is not implemented in this release (implemented: ${VENDOR_MODULES.map((x) => x.id).join(', ')})`,
      );
    return m;
  });
  const devices: LabDevice[] = [];
  const lab: Lab = {
    devices,
    device: (vendor) => {
      const d = devices.find((x) => x.vendor === vendor);
      if (!d) throw new ConfigError(`lab: no ${vendor} device running`);
      return d;
    },
    stop: async () => {
      await Promise.all(devices.map((d) => d.stop()));
    },
  };
  try {
    for (const m of modules) {
      const handle = await m.lab.start({
        firmware: options.firmware?.[m.id] ?? m.lab.defaultFirmware,
        secret,
        ...(options.latencyMs ? { latencyMs: options.latencyMs } : {}),
      });
      devices.push(Object.assign(handle, { name: `lab-${m.id}`, vendor: m.id }));
    }
  } catch (err) {
    await lab.stop();
    throw err;
  }
  return lab;
}

/** The first line of every config `writeLabConfig` writes: how a file is known to be a lab config. */
const LAB_CONFIG_HEADER = '# Written by `iocwall lab --write-config`';

/**
 * Refuses (ConfigError) to let `--write-config` replace a file it did not write: a lab config names only
 * the lab's devices, so writing it over a real `iocwall.yaml` would lose the customer's targets. A file
 * an earlier lab wrote is replaced, as its ports and secrets are new each time.
 */
export function assertLabConfigWritable(path: string): void {
  let head: string;
  try {
    head = readFileSync(path, 'utf8').slice(0, LAB_CONFIG_HEADER.length);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new ConfigError(
      `--write-config ${path}: cannot read it: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  if (head !== LAB_CONFIG_HEADER)
    throw new ConfigError(
      `--write-config ${path}: the file exists and was not written by iocwall lab; ` +
        "name a new file (a lab config lists only the lab's devices) or remove this one first",
    );
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
    for (const [key, value] of Object.entries(d.configCredentials ?? d.credentials)) {
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
  writeFileAtomic(path, `${LAB_CONFIG_HEADER}: targets are the lab's simulated devices.\n${toYaml(config)}`);
}
