import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGatewayFeatures, loadGatewayConfig, maskName, startGateway, type RunningGateway } from '@huimin/gateway';
import { BENCH_PARTNERS_FILE, benchPartnerSigner, loadBenchPartner, maskIdentities } from './access';

const SUPERGRAPH_FILE = join(__dirname, '..', '..', '..', 'schema', 'supergraph.graphql');

describe('the bench partner', () => {
  it('holds every scope, with a rate limit and cost budget the bench cannot reach', () => {
    const partner = loadBenchPartner();
    const devScopes = new Set<string>();
    const devFile = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'gateway', 'partners.dev.json'), 'utf8')) as { partners: Array<{ scopes: string[] }> };
    for (const dev of devFile.partners) for (const scope of dev.scopes) devScopes.add(scope);
    expect([...partner.scopes].sort()).toEqual([...devScopes].sort());
    expect(partner.rateLimit.perSecond).toBeGreaterThanOrEqual(100_000);
    expect(partner.costBudget).toBeGreaterThanOrEqual(1_000_000);
  });

  it('signs every request with a fresh nonce', () => {
    const sign = benchPartnerSigner();
    const [first, second] = [sign('/graphql', '{}'), sign('/graphql', '{}')];
    expect(first['x-huimin-partner']).toBe(loadBenchPartner().id);
    expect(first['x-huimin-nonce']).not.toBe(second?.['x-huimin-nonce']);
    expect(first['x-huimin-signature']).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('the bench partner against our gateway with every feature on', () => {
  let gateway: RunningGateway;
  let auditDir: string;

  beforeAll(async () => {
    auditDir = mkdtempSync(join(tmpdir(), 'huimin-bench-access-test-'));
    const env = { PORT: '0', HUIMIN_PARTNERS_FILE: BENCH_PARTNERS_FILE, HUIMIN_AUDIT_FILE: join(auditDir, 'audit.jsonl'), HUIMIN_SUBGRAPH_CONTEXT_KEY: 'ab'.repeat(32) };
    const config = loadGatewayConfig(env);
    gateway = await startGateway(config, readFileSync(SUPERGRAPH_FILE, 'utf8'), await buildGatewayFeatures(config, env));
  });
  afterAll(async () => {
    await gateway?.close();
    rmSync(auditDir, { recursive: true, force: true });
  });

  async function post(headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
    const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    return { status: response.status, text: await response.text() };
  }

  it('is let in when signed, and refused when a signature is replayed', async () => {
    const body = JSON.stringify({ query: '{ __typename }' });
    const headers = benchPartnerSigner()(new URL(gateway.url).pathname, body);
    const first = await post(headers, body);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toEqual({ data: { __typename: 'Query' } });
    const replay = await post(headers, body);
    expect(replay.status).toBe(401);
    expect(replay.text).toContain('UNAUTHENTICATED');
  });
});

describe('maskIdentities', () => {
  it('masks identity names, id numbers and phones wherever they are, and leaves masked values and the rest alone', () => {
    const full = { citizen: { id: 'x', identity: { name: '王小振', idNumber: '330109194608043795', phone: '13812345678', age: 80 } } };
    const masked = { citizen: { id: 'x', identity: { name: '王*振', idNumber: '330109********3795', phone: '138****5678', age: 80 } } };
    expect(maskIdentities(full)).toEqual(masked);
    expect(maskIdentities(masked)).toEqual(masked);
    expect(maskIdentities({ citizens: [full.citizen, null] })).toEqual({ citizens: [masked.citizen, null] });
    expect(maskIdentities({ name: '王小振' })).toEqual({ name: '王小振' });
    expect(maskName('王*振')).toBe('王*振');
  });
});
