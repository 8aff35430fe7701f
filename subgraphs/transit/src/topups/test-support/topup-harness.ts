/**
 * The transit subgraph with its ledger over a real sandbox transit bureau (plain HTTP, fresh
 * keys) and PostgreSQL under a schema no other run uses — or the embedded store.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createTransitClient, generateTransitKeyMaterial, type TransitHttpClient } from '@huimin/adapters';
import { createTransitStore, startTransitBureau, type RunningBureau, type TransitCardRegister } from '@huimin/sandbox';
import type { TransitCardRecord } from '@huimin/schema';
import type { RunningSubgraph } from '@huimin/subgraph-kit';
import { loadPopulation2k } from '../../../../kit/src/test-support/population-clients';
import { testPseudonyms } from '../../../../kit/src/test-support/graphql-http';
import { startTransitSubgraph, type TransitLedgerOptions } from '../../index';
import { openTransitStores, type TransitStores } from '../open-transit-stores';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export function uniqueSchema(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

export async function dropSchema(schema: string): Promise<void> {
  const sql = new Client({ connectionString: TEST_DATABASE_URL });
  await sql.connect();
  try {
    await sql.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await sql.end();
  }
}

export interface TopUpHarness {
  subgraph: RunningSubgraph;
  bureau: RunningBureau;
  /** The card system's own register: balances as it holds them. */
  register: TransitCardRegister;
  client: TransitHttpClient;
  stores: TransitStores;
  keys: ReturnType<typeof generateTransitKeyMaterial>;
  schema: string | null;
  close(): Promise<void>;
}

export async function startTopUpHarness(options: {
  postgres: boolean;
  cards?: readonly TransitCardRecord[];
  ledger?: Partial<Omit<TransitLedgerOptions, 'stores' | 'cardSystem'>>;
}): Promise<TopUpHarness> {
  const keys = generateTransitKeyMaterial('topup-test');
  const register = createTransitStore(options.cards ?? loadPopulation2k().transit.cards);
  const bureau = await startTransitBureau({ store: register, keys: keys.server });
  const client = createTransitClient({ baseUrl: bureau.url, keys: keys.client });
  const schema = options.postgres ? uniqueSchema('transit_topups') : null;
  const stores = await openTransitStores({ databaseUrl: options.postgres ? TEST_DATABASE_URL : null, pgSchema: schema ?? undefined });
  const subgraph = await startTransitSubgraph({
    client,
    pseudonyms: testPseudonyms(),
    ledger: { stores, cardSystem: client, webhookKeys: keys.client, reconcileIntervalMs: 100, reconcileMinAgeMs: 0, ...options.ledger },
  });
  return {
    subgraph, bureau, register, client, stores, keys, schema,
    async close() {
      await subgraph.close();
      await stores.close();
      await bureau.close();
      if (schema) await dropSchema(schema);
    },
  };
}

export const TOP_UP_FIELDS = 'id cardNo amountFen channel paymentRef status refundReason refundRef balanceAfterFen createdAt updatedAt history { status at reason }';

export const TOP_UP_MUTATION = `mutation($input: TopUpInput!) { topUpTransitCard(input: $input) { ${TOP_UP_FIELDS} } }`;
