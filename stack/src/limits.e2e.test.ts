/**
 * Every limit through the running stack, each refused with its code: depth, aliases, tokens and
 * the partner's cost budget (QUERY_TOO_COMPLEX with extensions.limit), body size (413), the
 * persisted-operation safelist (PERSISTED_QUERY_NOT_FOUND), and in production no introspection
 * and no field suggestions.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { limitsPlugins, noFeatures, operationHash, startGateway, type RunningGateway } from '@huimin/gateway';
import { generatePopulation } from '@huimin/sandbox';
import type { RunningStack } from './stack';
import { signedPost, startAccessStack, startSecondGateway } from './test-support/access-stack';
import { mintIds } from './test-support/fixture-stack';

const population = generatePopulation({ size: 40, seed: 11 });
const LOOKUP = 'query Lookup($n: String) { citizen(idNumber: $n) { id identity { householdStatus } } }';
const PROGRAMMES = 'query Programmes { subsidyPrograms { code } }';
const CARD_ONLY = 'query Card($c: String!) { transitCard(cardNo: $c) { status } }';

function persistedFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'huimin-persisted-')), 'operations.json');
  writeFileSync(file, JSON.stringify({ 'demo-app': [LOOKUP], 'counter-full': [CARD_ONLY], '*': [PROGRAMMES] }));
  return file;
}

const persisted = (query: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: operationHash(query) } } });

describe('limits through the gateway', () => {
  let stack: RunningStack;
  let citizenId: string;
  const gateways: RunningGateway[] = [];
  const person = population.civilAffairs[5]!;

  beforeAll(async () => {
    stack = await startAccessStack({ HUIMIN_PERSISTED_OPERATIONS_FILE: persistedFile(), HUIMIN_MAX_DEPTH: '5', HUIMIN_MAX_ALIASES: '20' }, population);
    citizenId = (await mintIds(stack.gatewayUrl, [person.idNumber])).get(person.idNumber)!;
  }, 120_000);
  afterAll(async () => {
    for (const gateway of gateways) await gateway.close();
    await stack?.close();
  });

  const expectTooComplex = (answer: { status: number; data?: unknown; errors?: Array<{ extensions?: Record<string, unknown> }> }, limit: string): void => {
    expect(answer.status).toBe(400);
    expect(answer.data).toBeUndefined();
    expect(answer.errors?.[0]?.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', limit });
  };

  it('refuses a query deeper than the depth limit (5 in this stack)', async () => {
    const five = `{ citizen(id: "${citizenId}") { subsidies { edges { node { id } } } } }`;
    const six = `{ citizen(id: "${citizenId}") { subsidies { edges { node { history { status } } } } } }`;
    expect((await signedPost(stack.gatewayUrl, { query: five })).errors).toBeUndefined();
    expectTooComplex(await signedPost(stack.gatewayUrl, { query: six }), 'depth');
  });

  it('refuses more aliases than the limit (20 in this stack)', async () => {
    const aliases = (n: number): string => `{ ${Array.from({ length: n }, (_, i) => `p${i}: subsidyPrograms { code }`).join(' ')} }`;
    expect((await signedPost(stack.gatewayUrl, { query: aliases(20) })).errors).toBeUndefined();
    expectTooComplex(await signedPost(stack.gatewayUrl, { query: aliases(21) }), 'aliases');
  });

  it('refuses a document of more tokens than the limit (5000) before parsing it', async () => {
    const answer = await signedPost(stack.gatewayUrl, { query: `{ subsidyPrograms { ${'code '.repeat(5000)} } }` });
    expect(answer.errors?.[0]?.message).toBe('The query exceeds the tokens limit (5001 > 5000)');
    expectTooComplex(answer, 'tokens');
  });

  it("refuses an operation over the partner's cost budget, and serves it to a partner with a larger one", async () => {
    const page = 'totalCount edges { cursor node { id programCode period amountFen status bankAccountMasked anomalies } }';
    const query = `{ citizen(id: "${citizenId}") { a: subsidies(first: 100) { ${page} } b: subsidies(first: 100, status: [APPROVED]) { ${page} } } }`;
    // demo-app's budget is 2000; the query can return 2 × 100 disbursements of ~10 fields each.
    expectTooComplex(await signedPost(stack.gatewayUrl, { query }, 'demo-app'), 'cost');
    expect((await signedPost(stack.gatewayUrl, { query }, 'counter-full')).errors).toBeUndefined();
  });

  it('refuses a body larger than HUIMIN_MAX_BODY_BYTES (64 KiB)', async () => {
    const answer = await signedPost(stack.gatewayUrl, { query: PROGRAMMES, variables: { padding: 'x'.repeat(70 * 1024) } });
    expect(answer.status).toBe(413);
    expect(answer.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });

  it("runs a partner's registered operation by its hash, and leaves other hashes to Apollo's APQ outside safelist mode", async () => {
    const byHash = await signedPost<{ citizen: { id: string } }>(stack.gatewayUrl, { ...persisted(LOOKUP), variables: { n: person.idNumber } }, 'demo-app');
    expect(byHash.errors).toBeUndefined();
    expect(byHash.data!.citizen.id).toBe(citizenId);
    const unknown = await signedPost(stack.gatewayUrl, persisted('{ subsidyPrograms { name } }'), 'demo-app');
    expect(unknown.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    // A hash sent with a query it is not the hash of: the client's mistake, said as such.
    const mismatched = await signedPost(stack.gatewayUrl, { query: PROGRAMMES, ...persisted('{ subsidyPrograms { name } }') }, 'demo-app');
    expect({ status: mismatched.status, code: mismatched.errors?.[0]?.extensions?.code }).toEqual({ status: 400, code: 'BAD_REQUEST' });
  });

  it('with HUIMIN_PERSISTED_ONLY accepts only what the partner registered', async () => {
    const safelisted = await startSecondGateway(stack, { persistedOperations: { file: stack.gatewayConfig.persistedOperations.file, only: true } });
    gateways.push(safelisted);
    const url = safelisted.url;
    expect((await signedPost(url, { ...persisted(LOOKUP), variables: { n: person.idNumber } }, 'demo-app')).errors).toBeUndefined();
    expect((await signedPost(url, { query: LOOKUP, variables: { n: person.idNumber } }, 'demo-app')).errors).toBeUndefined();
    expect((await signedPost(url, persisted(PROGRAMMES), 'counter-full')).errors).toBeUndefined();
    for (const [body, partner] of [
      [{ query: '{ subsidyPrograms { code name } }' }, 'demo-app'],
      [persisted(CARD_ONLY), 'demo-app'], // counter-full's, not demo-app's
      [{ ...persisted(LOOKUP), variables: { n: person.idNumber } }, 'counter-full'],
      [persisted('{ unknownHash }'), 'demo-app'],
    ] as const) {
      const refused = await signedPost(url, body, partner);
      expect({ status: refused.status, data: refused.data, code: refused.errors?.[0]?.extensions?.code }).toEqual({ status: 400, data: undefined, code: 'PERSISTED_QUERY_NOT_FOUND' });
    }
  });

  it('in production, answers introspection and misspelt fields without revealing the schema', async () => {
    const production = { ...stack.gatewayConfig, port: 0, production: true };
    const features = noFeatures();
    features.plugins.push(...limitsPlugins(production));
    const gateway = await startGateway(production, stack.supergraphSdl, features);
    gateways.push(gateway);
    const introspection = await signedPost(gateway.url, { query: '{ __schema { types { name } } }' });
    expect(introspection.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(introspection.data).toBeUndefined();
    const misspelt = await signedPost(gateway.url, { query: '{ subsidyProgram { code } }' });
    expect(misspelt.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(misspelt.errors?.[0]?.message).not.toMatch(/Did you mean/);
    // The development gateway does suggest, so the test would notice the plugin missing.
    const development = await signedPost(stack.gatewayUrl, { query: '{ subsidyProgram { code } }' });
    expect(development.errors?.[0]?.message).toMatch(/Did you mean/);
  });
});
