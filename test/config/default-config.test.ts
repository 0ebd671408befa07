import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG_INPUT, defaultConfig } from '../../src/config/default-config.js';
import { validateConfig } from '../../src/config/load.js';

describe('the embedded default config', () => {
  it('is exactly what the schema makes of the default input (written out so compile needs no zod)', () => {
    const viaSchema = validateConfig(structuredClone(DEFAULT_CONFIG_INPUT), '/base', null);
    expect(defaultConfig('/base')).toEqual(viaSchema);
  });

  it('hands out a fresh copy each time', () => {
    const a = defaultConfig('/base');
    a.config.allowlist.domains.push('changed.example');
    expect(defaultConfig('/base').config.allowlist.domains).toEqual(['3cx.com']);
    expect(defaultConfig('/elsewhere').stateDir).toBe('/elsewhere/.iocwall-state');
  });
});
