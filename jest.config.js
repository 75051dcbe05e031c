/** Tests run on real PostgreSQL and Redis, started once by test/setup/global-setup.ts. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  // The EventStoreDB contract suite needs a server; it runs whenever one is configured.
  testPathIgnorePatterns: ['/node_modules/', ...(process.env.EVENTSTORE_CONNECTION_STRING ? [] : ['esdb'])],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  setupFiles: ['<rootDir>/test/setup/env.ts'],
  maxWorkers: 2,
  testTimeout: 30000,
};
