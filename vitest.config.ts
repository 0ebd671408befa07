import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Limits against hangs, not speed targets: the warninglist tests do real work that a loaded 2-core
    // machine (several runs at once) stretches well past 30 s.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Integration tests start loopback simulators; two workers match the two-core CI machine.
    maxWorkers: 2,
  },
});
