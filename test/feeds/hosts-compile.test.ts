/**
 * hosts files through `compileBlocklist`: the boilerplate of a system hosts file (`127.0.0.1 localhost`,
 * the `0.0.0.0 0.0.0.0` placeholder, …) is neither an entry nor a rejected row, but it is not dropped
 * silently either: one feed notice counts it (the pattern of every line parser's SkipCounter).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileBlocklist } from '../../src/blocklist/compile.js';
import { defaultConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/log.js';

describe('hosts boilerplate', () => {
  it('is counted, per name, in one info notice of the source; real names are entries', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iocwall-hosts-'));
    const path = join(dir, 'hosts');
    const lines = [
      '# a system hosts file with a blocklist appended',
      '127.0.0.1 localhost',
      '0.0.0.0 0.0.0.0',
      '::1 ip6-localhost ip6-loopback',
      '255.255.255.255 broadcasthost',
      '0.0.0.0 hosts-tracker-c2.com',
    ];
    writeFileSync(path, `${lines.join('\n')}\n`);
    const res = await compileBlocklist({
      loaded: defaultConfig(dir),
      inputs: [{ name: 'hosts', path, format: 'auto' }],
      includeConfigSources: false,
      now: new Date('2026-06-01T00:00:00Z'),
      log: silentLogger,
    });
    expect(res.blocklist.entries.map((e) => e.value)).toEqual(['hosts-tracker-c2.com']);
    expect(res.blocklist.rejected).toEqual([]);
    expect(res.sources.map((s) => s.notices)).toEqual([
      [
        {
          level: 'info',
          message:
            '5 hosts-file boilerplate names (localhost, broadcasthost, ip6-*, 0.0.0.0) ignored (first: 127.0.0.1 localhost)',
        },
      ],
    ]);
  });
});
