/**
 * The audit trail against the running stack on PostgreSQL: one record per operation that touches
 * citizen data, naming the citizens even when the partner did not select their id; one chain
 * from two gateways sharing the database; tampering found by `huimin audit verify`; the citizen's
 * accessLog; and no data served when the record cannot be written.
 */
import { Client } from 'pg';
import { runAuditVerify, type RunningGateway } from '@huimin/gateway';
import { generatePopulation } from '@huimin/sandbox';
import type { RunningStack } from './stack';
import { signedPost, startAccessStack, startSecondGateway, TEST_DATABASE_URL, uniqueName } from './test-support/access-stack';
import { mintIds } from './test-support/fixture-stack';

const population = generatePopulation({ size: 40, seed: 11 });
const schema = uniqueName('audit_e2e');

interface Row {
  seq: string;
  partner_id: string;
  purpose: string;
  operation_name: string | null;
  citizen_ids: string[];
  fields: string[];
  outcome: string;
  error_codes: string[];
}

describe('audit trail (PostgreSQL) through the gateway', () => {
  const sql = new Client({ connectionString: TEST_DATABASE_URL });
  let stack: RunningStack;
  let second: RunningGateway | undefined;
  let ids: Map<string, string>;
  const person = population.civilAffairs[3]!;
  const card = population.transit.cards[0]!;

  const rows = async (): Promise<Row[]> => (await sql.query<Row>(`SELECT * FROM ${schema}.audit_records ORDER BY seq`)).rows;
  const verify = async (): Promise<{ code: number; out: string }> => {
    let out = '';
    const code = await runAuditVerify([], { DATABASE_URL: TEST_DATABASE_URL, HUIMIN_AUDIT_PG_SCHEMA: schema }, { out: (t) => (out += t), err: (t) => (out += t) });
    return { code, out };
  };

  beforeAll(async () => {
    await sql.connect();
    stack = await startAccessStack({ DATABASE_URL: TEST_DATABASE_URL, HUIMIN_AUDIT_PG_SCHEMA: schema }, population);
    ids = await mintIds(stack.gatewayUrl, population.civilAffairs.map((p) => p.idNumber));
  }, 120_000);
  afterAll(async () => {
    await second?.close();
    await stack?.close();
    await sql.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await sql.end();
  });

  it('writes one record per operation, with the citizens touched even when their id was not asked for', async () => {
    const before = (await rows()).length;
    const byIdNumber = await signedPost(stack.gatewayUrl, {
      query: 'query Lookup($n: String) { citizen(idNumber: $n) { identity { name householdStatus } } }',
      variables: { n: person.idNumber },
    }, 'demo-app');
    expect(byIdNumber.errors).toBeUndefined();
    expect(JSON.stringify(byIdNumber.data)).not.toContain('__huimin');
    const byCard = await signedPost(stack.gatewayUrl, { query: `query Card { transitCard(cardNo: "${card.cardNo}") { balanceFen } }` }, 'demo-app');
    expect(byCard.errors).toBeUndefined();
    expect(byCard.data).toEqual({ transitCard: { balanceFen: expect.any(Number) } });
    const publicOnly = await signedPost(stack.gatewayUrl, { query: '{ subsidyPrograms { code } }' }, 'demo-app');
    expect(publicOnly.errors).toBeUndefined();

    const written = (await rows()).slice(before);
    expect(written).toHaveLength(2); // the programme list touches no citizen: no record
    expect(written[0]).toMatchObject({
      partner_id: 'demo-app', purpose: 'BENEFIT_SERVICE', operation_name: 'Lookup', outcome: 'SERVED',
      citizen_ids: [ids.get(person.idNumber)], fields: ['Citizen.identity', 'CitizenIdentity.householdStatus', 'CitizenIdentity.name', 'Query.citizen'],
    });
    expect(written[1]).toMatchObject({ operation_name: 'Card', citizen_ids: [ids.get(card.idNumber)], fields: ['Query.transitCard', 'TransitCard.balanceFen'] });
    // No personal data in the trail: pseudonymous ids only.
    expect(JSON.stringify(written)).not.toContain(person.idNumber);
    expect(JSON.stringify(written)).not.toContain(person.name);
  });

  it('records refusals too, with their codes', async () => {
    const before = (await rows()).length;
    const refused = await signedPost(stack.gatewayUrl, { query: `{ citizen(id: "${ids.get(person.idNumber)}") { accessLog { edges { cursor } } } }` }, 'demo-app');
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const [row] = (await rows()).slice(before);
    expect(row).toMatchObject({ outcome: 'REFUSED', error_codes: ['FORBIDDEN'], citizen_ids: [ids.get(person.idNumber)] });
  });

  it("shows a citizen who looked at them (accessLog, audit:read), newest first, paged", async () => {
    const id = ids.get(person.idNumber)!;
    const query = 'query Log($id: ID, $after: String) { citizen(id: $id) { accessLog(first: 2, after: $after) { edges { cursor node { partner purpose operationName fields outcome at } } pageInfo { hasNextPage endCursor } } } }';
    const page1 = await signedPost<{ citizen: { accessLog: { edges: Array<{ node: Record<string, unknown> }>; pageInfo: { hasNextPage: boolean; endCursor: string } } } }>(
      stack.gatewayUrl, { query, variables: { id } }, 'counter-full');
    expect(page1.errors).toBeUndefined();
    const log = page1.data!.citizen.accessLog;
    expect(log.edges.map((e) => e.node)).toEqual([
      expect.objectContaining({ partner: 'demo-app', operationName: null, outcome: 'REFUSED' }),
      expect.objectContaining({ partner: 'demo-app', purpose: 'BENEFIT_SERVICE', operationName: 'Lookup', outcome: 'SERVED', fields: expect.arrayContaining(['CitizenIdentity.name']) }),
    ]);
    expect(log.pageInfo.hasNextPage).toBe(true);
    const page2 = await signedPost<{ citizen: { accessLog: { edges: Array<{ node: { partner: string } }> } } }>(
      stack.gatewayUrl, { query, variables: { id, after: log.pageInfo.endCursor } }, 'counter-full');
    // The id was minted by counter-full (in a batch of aliases) before anything else.
    expect(page2.data!.citizen.accessLog.edges.map((e) => e.node.partner)).toContain('counter-full');
  });

  it('makes one chain from two gateways sharing the database, and verify finds any tampering', async () => {
    second = await startSecondGateway(stack);
    const before = (await rows()).length;
    const someIds = [...ids.values()].slice(0, 10);
    await Promise.all(someIds.flatMap((id, i) => [stack.gatewayUrl, second!.url].map((url) =>
      signedPost(url, { query: `query Both${i} { citizen(id: "${id}") { id } }` }, 'demo-app'))));
    const all = await rows();
    expect(all.length - before).toBe(20);
    expect(all.map((r) => Number(r.seq))).toEqual(all.map((_, i) => i + 1));
    expect(await verify()).toEqual({ code: 0, out: expect.stringContaining(`intact: ${all.length} records`) });

    await sql.query(`UPDATE ${schema}.audit_records SET partner_id = 'someone-else' WHERE seq = 7`);
    await sql.query(`DELETE FROM ${schema}.audit_records WHERE seq = 9`);
    const { code, out } = await verify();
    expect(code).toBe(1);
    expect(out).toContain('record 7 was edited');
    expect(out).toContain('records 9–9 were removed');
  });

  it('serves no data when the record cannot be written', async () => {
    await sql.query(`DROP SCHEMA ${schema} CASCADE`);
    const answer = await signedPost(stack.gatewayUrl, { query: `{ citizen(idNumber: "${person.idNumber}") { identity { name } } }` }, 'counter-full');
    expect(answer.status).toBe(503);
    expect(answer.data).toBeUndefined();
    expect(answer.errors).toEqual([{ message: expect.any(String), extensions: { code: 'AUDIT_UNAVAILABLE' } }]);
    expect(answer.headers.get('retry-after')).toBe('5');
    expect(JSON.stringify(answer)).not.toContain(person.name.slice(0, 1) + '*');
  });
});
