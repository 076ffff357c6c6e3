/** Jest runs the TypeScript specs through ts-jest (transpile only; `npm run lint` type-checks). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/helpers/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true, module: 'commonjs', moduleResolution: 'node', target: 'ES2020', esModuleInterop: true, resolveJsonModule: true } }],
  },
  moduleNameMapper: {
    '^tfjs-diffusion-schedulers$': '<rootDir>/src/index.ts',
  },
  setupFiles: ['<rootDir>/__tests__/helpers/quiet_tfjs.ts'],
  testTimeout: 60000,
};
