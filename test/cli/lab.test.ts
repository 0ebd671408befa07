/**
 * `iocwall lab --list-firmware` and `--firmware`: derived from the vendor modules, refused clearly when a
 * release is not one a simulator plays.
 */
import { describe, expect, it } from 'vitest';
import { parseFirmwareFlags } from '../../src/lab/lab.js';
import { VENDOR_MODULES } from '../../src/vendors/index.js';
import { cli } from '../integration/helpers.js';

describe('iocwall lab: releases', () => {
  it('--list-firmware prints every vendor module with each range it plays', async () => {
    const res = await cli(['lab', '--list-firmware']);
    expect(res.code).toBe(0);
    for (const m of VENDOR_MODULES) {
      expect(res.stdout).toContain(`${m.id} (${m.displayName}; default ${m.lab.defaultFirmware})`);
      for (const r of m.lab.firmware) expect(res.stdout).toContain(r.behaviour);
    }
  });

  it('every range example is a release its own vendor accepts', () => {
    for (const m of VENDOR_MODULES)
      for (const r of m.lab.firmware)
        expect(() => m.lab.parseFirmware(r.example), `${m.id} ${r.example}`).not.toThrow();
  });

  it('refuses an unknown vendor or an unplayed release with exit 1 and names what is played', async () => {
    expect(() => parseFirmwareFlags(['nokia=1.0'])).toThrow(/VENDOR=VERSION with VENDOR one of/);
    expect(() => parseFirmwareFlags(['opnsense'])).toThrow(/VENDOR=VERSION/);
    const res = await cli(['lab', '--firmware', 'opnsense=19.1', '--log-level', 'error']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/opnsense[^\n]*19\.1/);
  });
});
