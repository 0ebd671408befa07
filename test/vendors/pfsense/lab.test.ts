/**
 * The lab's pfSense hands iocwall a pfrest API key (the form pfrest recommends for automation), made by the
 * iocwall user itself, never a user name and password; the config the lab writes references it with
 * `file:`; the key reads the device through the real adapter and cannot make further keys.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { knownSecrets } from '../../../src/config/secrets.js';
import { writeLabConfig, type LabDevice } from '../../../src/lab/lab.js';
import { createPfsenseAdapter } from '../../../src/vendors/pfsense/adapter.js';
import { PfsenseClient } from '../../../src/vendors/pfsense/client.js';
import { PFSENSE_LAB } from '../../../src/vendors/pfsense/lab.js';
import type { PfsenseSimulator } from '../../../src/vendors/pfsense/simulator/server.js';
import { MARKER } from './helpers.js';

let device: LabDevice;

beforeAll(async () => {
  let n = 0;
  const handle = await PFSENSE_LAB.start({
    firmware: PFSENSE_LAB.defaultFirmware,
    secret: () => `lab-secret-${++n}-${'x'.repeat(20)}`,
  });
  device = Object.assign(handle, { name: 'lab-pfsense', vendor: 'pfsense' as const });
});

afterAll(async () => {
  await device.stop();
});

describe('lab pfSense credentials', () => {
  it('print the user, password and API key (CONTRACT.md lab); a config takes the key alone', () => {
    expect(Object.keys(device.credentials).sort()).toEqual(['apiKey', 'password', 'username']);
    expect(device.credentials.username).toBe('iocwall');
    expect(device.configCredentials).toEqual({ apiKey: device.credentials.apiKey });
    const key = device.credentials.apiKey!;
    expect(key).toMatch(/^[0-9a-f]{48}$/);
    expect(knownSecrets().has(key)).toBe(true);
  });

  it('read the device through the real adapter (X-API-Key)', async () => {
    const ep = { endpoint: device.endpoint, fingerprint: device.fingerprint! };
    const adapter = createPfsenseAdapter(
      {
        name: 'lab-pfsense',
        vendor: 'pfsense',
        endpoint: ep.endpoint,
        credentials: { apiKey: device.credentials.apiKey! },
        tls: { fingerprint: ep.fingerprint },
        timeoutMs: 10_000,
        readOnly: true,
        options: {},
      },
      MARKER,
    );
    try {
      const observed = await adapter.read();
      expect(observed.foreign).toEqual([]);
    } finally {
      await adapter.close();
    }
    const sim = device.simulator as PfsenseSimulator;
    expect(sim.requestLog.some((r) => r.path === 'firewall/aliases')).toBe(true);
  });

  it('cannot make another key, and the user lost the privilege to make one once its key was made', async () => {
    const sim = device.simulator as PfsenseSimulator;
    expect(sim.state.users.get('iocwall')?.privileges.has('api-v2-auth-key-post')).toBe(false);
    const client = await PfsenseClient.connect({
      target: 'lab-pfsense',
      endpoint: device.endpoint,
      apiKey: device.credentials.apiKey!,
      tls: { fingerprint: device.fingerprint! },
      timeoutMs: 10_000,
      readOnly: false,
    });
    try {
      // `POST /auth/key` takes Basic auth only: a key never makes keys.
      await expect(client.post('auth/key', { descr: 'more' }, z.unknown())).rejects.toThrow(
        /401|Authentication/,
      );
    } finally {
      client.close();
    }
  });

  it('are written to the lab config as a file: reference to a 0600 file, never inline', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iocwall-pf-lab-'));
    const path = join(dir, 'lab.yaml');
    writeLabConfig(path, [device]);
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain(device.credentials.apiKey);
    expect(text).not.toContain(device.credentials.password);
    const doc = parseYaml(text) as { targets: { credentials: Record<string, string> }[] };
    expect(doc.targets[0]!.credentials).toEqual({ apiKey: 'file:lab.secrets/lab-pfsense.apiKey' });
    const file = join(dir, 'lab.secrets', 'lab-pfsense.apiKey');
    expect(readFileSync(file, 'utf8').trim()).toBe(device.credentials.apiKey);
    expect(statSync(file).mode & 0o077).toBe(0);
  });
});
