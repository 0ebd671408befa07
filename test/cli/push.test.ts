/**
 * `iocwall push` against the lab (MikroTik and OPNsense simulators on loopback): lifetimes that are
 * refused before anything is recorded or sent, conflicting options, a push refused by another run's lock
 * (it records nothing), per-target expiry, and counted nouns in the summary.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cli, labFixture, routerOsSession, type LabFixture } from '../integration/helpers.js';
import { exited, firstLine } from '../apply/child-process.js';

const LOCK_MODULE = new URL('../../dist/src/apply/lock.js', import.meta.url).href;

/** Another iocwall run: holds the lock of one target until its stdin closes (the built lock module). */
const HOLDER = `
import { withTargetLock } from ${JSON.stringify(LOCK_MODULE)};
const [dir, target] = process.argv.slice(1);
await withTargetLock(dir, target, async () => {
  process.stdout.write('holding\\n');
  await new Promise((r) => { process.stdin.on('end', r); process.stdin.resume(); });
});
`;

const DAY = 86_400_000;
const holders: ChildProcess[] = [];

afterEach(async () => {
  for (const h of holders.splice(0)) {
    h.stdin!.end();
    await exited(h);
  }
});

describe('iocwall push', () => {
  let fx: LabFixture;
  let stateDir: string;
  const pushedJson = (): string => readFileSync(join(stateDir, 'pushed.json'), 'utf8');
  const advisory = (name: string, lines: string[]): string => {
    const path = join(fx.dir, name);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  };
  const mikrotikV4 = async (): Promise<string[]> => {
    const admin = await routerOsSession(fx.device('mikrotik'), true);
    try {
      const v4 = await admin.write({
        command: '/ip/firewall/address-list/print',
        queries: ['?list=iocwall_v4'],
      });
      return v4.rows.map((r) => r.address ?? '').sort();
    } finally {
      await admin.close();
    }
  };
  const holdLock = async (target: string): Promise<void> => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', HOLDER, stateDir, target], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    holders.push(child);
    expect(await firstLine(child)).toBe('holding');
  };

  beforeAll(async () => {
    fx = await labFixture({ vendors: ['mikrotik', 'opnsense'] }, ['23.254.211.230']);
    stateDir = join(fx.dir, 'iocwall.state');
    expect((await fx.run('sync')).code).toBe(0);
    expect(existsSync(stateDir)).toBe(true);
  });
  afterAll(async () => {
    await fx.lab.stop();
  });

  it('refuses an expiry that is not in the future before anything is recorded or sent', async () => {
    const file = advisory('first.txt', ['45.77.5.5', 'msboxonline[.]com', '8.8.8.8']);
    const ok = await fx.run('push', '--input', file, '--target', 'lab-mikrotik', '--ttl-days', '10');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('recorded 2 indicators for 1 target (1 rejected)');
    expect(await mikrotikV4()).toContain('45.77.5.5');
    const before = pushedJson();

    // A year typo: refused, nothing recorded, the blocked indicators stay on the firewall.
    const typo = await fx.run('push', '--input', file, '--expires', '2020-01-01T00:00:00Z');
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/--expires 2020-01-01T00:00:00Z is not in the future/);
    expect(typo.stdout).toBe('');
    // In the past of the run's own clock (--now), though in the future of the real one.
    const future = new Date(Date.now() + 400 * DAY);
    const late = await fx.run(
      'push',
      '--input',
      file,
      '--now',
      new Date(future.getTime() + DAY).toISOString(),
      '--expires',
      future.toISOString(),
    );
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(/is not in the future/);
    expect(pushedJson()).toBe(before);
    expect(await mikrotikV4()).toContain('45.77.5.5');
  });

  it('checks --ttl-days and --expires before the input is read', async () => {
    const missing = join(fx.dir, 'no-such-advisory.txt');
    const before = pushedJson();
    for (const [arg, message] of [
      ['--ttl-days=0', /--ttl-days 0 is not a positive whole number/],
      ['--ttl-days=-3', /--ttl-days -3 is not a positive whole number/],
      ['--ttl-days=1.5', /--ttl-days 1.5 is not a positive whole number/],
      ['--ttl-days=abc', /--ttl-days abc is not a positive whole number/],
      ['--ttl-days=99999999999', /--ttl-days 99999999999 is too far in the future/],
      ['--expires=garbage', /--expires garbage is not an ISO-8601 time/],
      ['--expires=2030-02-30', /--expires 2030-02-30 is not an ISO-8601 time/],
    ] as const) {
      const res = await fx.run('push', '--input', missing, arg);
      expect(res.code, arg).toBe(1);
      expect(res.stderr, arg).toMatch(message);
      expect(res.stderr, arg).not.toMatch(/no-such-advisory/);
    }
    expect(pushedJson()).toBe(before);
  });

  it('refuses conflicting lifetime options', async () => {
    const file = advisory('conflict.txt', ['45.77.5.5']);
    const later = new Date(Date.now() + 30 * DAY).toISOString();
    const before = pushedJson();
    for (const args of [
      ['--ttl-days', '3', '--expires', later],
      ['--expires', later, '--ttl-days', '3'],
      ['--withdraw', '--ttl-days', '3'],
      ['--withdraw', '--expires', later],
    ]) {
      const res = await fx.run('push', '--input', file, ...args);
      expect(res.code, args.join(' ')).toBe(1);
      expect(res.stderr, args.join(' ')).toMatch(/cannot be used with option/);
    }
    expect(pushedJson()).toBe(before);
  });

  it('records nothing for a target whose lock another run holds', async () => {
    const file = advisory('locked.txt', ['45.77.7.7']);
    await holdLock('lab-mikrotik');
    const refused = await fx.run('push', '--input', file, '--target', 'lab-mikrotik');
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/lab-mikrotik refused: .*locked by another iocwall run/);
    expect(refused.stdout).not.toMatch(/pushed/);
    expect(refused.stdout).toContain('recorded nothing: no target could be locked and recorded (0 rejected)');
    expect(pushedJson()).not.toContain('45.77.7.7');

    // Both targets: recorded (and applied) where the lock was taken, and only there.
    const partial = await fx.run('push', '--input', file, '--json');
    expect(partial.code).toBe(4);
    expect(JSON.parse(partial.stdout)).toMatchObject({
      pushed: 1,
      recordedTargets: ['lab-opnsense'],
      targets: [
        { name: 'lab-mikrotik', status: 'refused' },
        { name: 'lab-opnsense', status: 'applied' },
      ],
    });
    const text = await fx.run('push', '--input', file);
    expect(text.stdout).toContain('recorded 1 indicator for 1 of 2 targets (0 rejected)');
    const record = (
      JSON.parse(pushedJson()) as { entries: { entry: { value: string }; targets: unknown }[] }
    ).entries.find((e) => e.entry.value === '45.77.7.7');
    expect(record?.targets).toEqual([{ name: 'lab-opnsense', expiresAt: null }]);

    // Once the other run is gone, the next sync does not send what was never recorded for the MikroTik.
    for (const h of holders.splice(0)) {
      h.stdin!.end();
      await exited(h);
    }
    expect((await fx.run('sync', '--target', 'lab-mikrotik')).code).toBe(0);
    expect(await mikrotikV4()).not.toContain('45.77.7.7');
  });

  it('gives each target its own expiry: a later push to one target leaves the others', async () => {
    const file = advisory('per-target.txt', ['45.77.8.8']);
    expect((await fx.run('push', '--input', file, '--ttl-days', '10')).code).toBe(0);
    expect((await fx.run('push', '--input', file, '--target', 'lab-mikrotik', '--ttl-days', '3')).code).toBe(
      0,
    );
    expect(await mikrotikV4()).toContain('45.77.8.8');
    // Five days on: gone from the MikroTik (3 days), still on the OPNsense (10 days).
    const sync = await fx.run('sync', '--now', new Date(Date.now() + 5 * DAY).toISOString(), '--json');
    expect(sync.code).toBe(0);
    expect(JSON.parse(sync.stdout)).toMatchObject({
      targets: [
        { name: 'lab-mikrotik', status: 'applied', summary: { add: 0, remove: 1 } },
        { name: 'lab-opnsense', status: 'in-sync' },
      ],
    });
    expect(await mikrotikV4()).not.toContain('45.77.8.8');
  });

  it('waits for another run changing pushed.json, then records: no push overwrites another', async () => {
    const file = advisory('serialised.txt', ['45.77.6.6']);
    // Another run in the middle of its own read-modify-write of pushed.json (it holds the state lock).
    await holdLock('.pushed');
    const push = fx.run('push', '--input', file, '--target', 'lab-opnsense');
    let done = false;
    void push.then(() => (done = true));
    await new Promise((r) => setTimeout(r, 800));
    expect(done).toBe(false);
    expect(pushedJson()).not.toContain('45.77.6.6');
    for (const h of holders.splice(0)) {
      h.stdin!.end();
      await exited(h);
    }
    const res = await push;
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('recorded 1 indicator for 1 target');
    expect(pushedJson()).toContain('45.77.6.6');
  });

  it('check says a value pushed by hand is blocked, and where', async () => {
    const file = advisory('checked.txt', ['45.77.4.4']);
    expect((await fx.run('push', '--input', file, '--target', 'lab-opnsense')).code).toBe(0);
    const text = await fx.run('check', '45.77.4.4');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(
      'blocked: entry 45.77.4.4 pushed by hand to lab-opnsense (iocwall push; no source blocks it)',
    );
    expect(text.stdout).toContain('pushed: 45.77.4.4 to lab-opnsense (no expiry)');
    expect(text.stdout).toContain('target lab-opnsense: present');
    expect(text.stdout).toContain('target lab-mikrotik: absent');
    const json = JSON.parse((await fx.run('check', '45.77.4.4', '--json')).stdout) as {
      blocked: boolean;
      pushed: unknown[];
    };
    expect(json.blocked).toBe(true);
    expect(json.pushed).toEqual([
      { target: 'lab-opnsense', entry: '45.77.4.4', how: 'exact', expiresAt: null },
    ]);
    // A value nobody pushed or lists: not blocked, nothing pushed.
    const other = JSON.parse((await fx.run('check', '45.77.4.5', '--json')).stdout) as {
      blocked: boolean;
      pushed: unknown[];
      why: string;
    };
    expect(other).toMatchObject({ blocked: false, pushed: [], why: 'not blocked: no source lists it' });
  });

  it('counts a single record in the compile summary', async () => {
    const file = advisory('one.txt', ['45.77.9.9']);
    const res = await cli(['compile', '--input', file, '--log-level', 'warn']);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('one.txt (1 record)');
  });
});
