import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Engine } from '../src/apply/engine.js';
import { createContainer, TOKENS } from '../src/container.js';
import { silentLogger } from '../src/log.js';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('src/container', () => {
  it('resolves the engine with its explicit tokens, and lets tests swap the clock', () => {
    const fixed = { now: () => new Date('2026-03-29T00:00:00Z') };
    const c = createContainer(silentLogger, { clock: fixed });
    expect(c.resolve(Engine)).toBeInstanceOf(Engine);
    expect(c.resolve<typeof fixed>(TOKENS.Clock).now().toISOString()).toBe('2026-03-29T00:00:00.000Z');
  });

  it('resolves under tsx too, which emits no decorator metadata (a missing @inject would fail here)', () => {
    const script = `
      const { createContainer } = await import('./src/container.ts');
      const { Engine } = await import('./src/apply/engine.ts');
      const { silentLogger } = await import('./src/log.ts');
      const engine = createContainer(silentLogger).resolve(Engine);
      console.log(typeof engine.run);`;
    const res = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(res.stderr).not.toMatch(/TypeInfo not known/);
    expect(res.stdout.trim()).toBe('function');
  });
});
