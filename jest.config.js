/** One jest run over every package; @huimin/* imports resolve to their TypeScript sources. */
const packages = {
  schema: 'schema',
  adapters: 'adapters',
  sandbox: 'sandbox',
  'subgraph-kit': 'subgraphs/kit',
  'subgraph-civil-affairs': 'subgraphs/civil-affairs',
  'subgraph-medical-insurance': 'subgraphs/medical-insurance',
  'subgraph-finance': 'subgraphs/finance',
  'subgraph-transit': 'subgraphs/transit',
  'subgraph-audit': 'subgraphs/audit',
  gateway: 'gateway',
  certs: 'certs',
  stack: 'stack',
  bench: 'bench',
};

module.exports = {
  testEnvironment: 'node',
  roots: Object.values(packages).map((dir) => `<rootDir>/${dir}`),
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }] },
  moduleNameMapper: Object.fromEntries(
    Object.entries(packages).map(([name, dir]) => [`^@huimin/${name}$`, `<rootDir>/${dir}/src/index.ts`]),
  ),
  testTimeout: 60000,
};
