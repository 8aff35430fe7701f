/**
 * The crash test's transit subgraph: the real subgraph with its ledger (PostgreSQL or the
 * journal), which SIGKILLs itself when a top-up reaches CRASH_TEST_STEP — no cleanup, no flush,
 * exactly as a killed process stops.
 */
import { createTransitClient } from '@huimin/adapters';
import { testPseudonyms } from '../../../../kit/src/test-support/graphql-http';
import { openTransitStores, startTransitSubgraph } from '../../index';
import { decodeTransitKeys, type ChildMessage } from './child-keys';

async function main(): Promise<void> {
  const env = process.env;
  const keys = decodeTransitKeys(env.CRASH_TEST_KEYS ?? '');
  const client = createTransitClient({ baseUrl: env.CRASH_TEST_BUREAU_URL ?? '', keys });
  const stores = await openTransitStores({ databaseUrl: env.CRASH_TEST_DATABASE_URL || null, pgSchema: env.CRASH_TEST_PG_SCHEMA, dir: env.CRASH_TEST_DIR || null });
  const crashAt = env.CRASH_TEST_STEP;
  const subgraph = await startTransitSubgraph({
    client,
    pseudonyms: testPseudonyms(),
    ledger: {
      stores,
      cardSystem: client,
      policy: { creditWindowMs: Number(env.CRASH_TEST_WINDOW_MS ?? 600_000), inFlightGraceMs: Number(env.CRASH_TEST_GRACE_MS ?? 60_000) },
      reconcileIntervalMs: 100,
      reconcileMinAgeMs: 0,
      onStep: (step) => {
        if (step === crashAt) process.kill(process.pid, 'SIGKILL');
      },
    },
  });
  process.on('disconnect', () => void subgraph.close().then(() => stores.close()).then(() => process.exit(0)));
  process.send?.({ type: 'ready', url: subgraph.url } satisfies ChildMessage);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String((error as Error).stack)}\n`);
  process.exit(1);
});
