import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs nothing running (pure core, in-process emulator over real HTTP);
// `integration` runs against the real lab (Samba AD DC + emulator) brought up once by globalSetup.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'lab/**/*.test.ts', 'bench/**/*.test.ts', 'test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/setup/lab-global-setup.ts'],
          // One DC serves every file; files run one after another so they never race on it.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
