import { buildSchema, execute, getOperationAST, parse, print, validate } from 'graphql';
import { auditPlanOf, collectTouched } from './audit-collect';

const schema = buildSchema(`
  type Query { citizen(id: ID, idNumber: String): Citizen, citizens(ids: [ID!]!): [Citizen]!, transitCard(cardNo: String!): TransitCard, subsidyPrograms: [String!]! }
  type Citizen { id: ID!, identity: Identity, transitCards: [TransitCard!]! }
  type Identity { name: String!, phone: String }
  type TransitCard { cardNo: String!, balanceFen: Int!, owner: Citizen }
`);

// A resolver-less "gateway": the rewritten document executed against fixed data.
const people: Record<string, { id: string; identity: { name: string; phone: string | null } | null; transitCards: Array<{ cardNo: string; balanceFen: number; owner: unknown }> }> = {};
for (const id of ['c1', 'c2', 'c3']) people[id] = { id, identity: id === 'c3' ? null : { name: `name-${id}`, phone: null }, transitCards: [] };
const card = { cardNo: '6228', balanceFen: 100, owner: people.c2 };
people.c2!.transitCards.push(card);
const root = {
  citizen: ({ id, idNumber }: { id?: string; idNumber?: string }) => (id ? people[id] : idNumber === 'ID-OF-C1' ? people.c1 : null),
  citizens: ({ ids }: { ids: string[] }) => ids.map((id) => people[id] ?? null),
  transitCard: () => card,
  subsidyPrograms: () => ['ELDERLY_TRANSIT'],
};

async function run(query: string, variables?: Record<string, unknown>) {
  const document = parse(query);
  expect(validate(schema, document)).toEqual([]);
  const plan = auditPlanOf(schema, document, getOperationAST(document)!);
  expect(validate(schema, plan.document)).toEqual([]);
  const result = await execute({ schema, document: plan.document, rootValue: root, variableValues: variables });
  const data = result.data as Record<string, unknown> | null;
  const touched = collectTouched(plan, data, variables);
  return { plan, data, citizenIds: [...touched.citizenIds].sort(), fields: [...touched.fields].sort() };
}

describe('what an operation touched', () => {
  it('finds the citizen of an idNumber lookup that did not select id, and hides the id again', async () => {
    const { data, citizenIds, fields } = await run('{ citizen(idNumber: "ID-OF-C1") { identity { name } } }');
    expect(data).toEqual({ citizen: { identity: { name: 'name-c1' } } });
    expect(citizenIds).toEqual(['c1']);
    expect(fields).toEqual(['Citizen.identity', 'Identity.name', 'Query.citizen']);
  });

  it("finds a card's owner though only the balance was asked", async () => {
    const { data, citizenIds } = await run('{ transitCard(cardNo: "6228") { balanceFen } }');
    expect(data).toEqual({ transitCard: { balanceFen: 100 } });
    expect(citizenIds).toEqual(['c2']);
  });

  it('counts ids asked for even when nothing came back, and only fields that had a value', async () => {
    const { citizenIds, fields } = await run('query($ids: [ID!]!) { citizens(ids: $ids) { identity { phone } } }', { ids: ['c3', 'nobody'] });
    expect(citizenIds).toEqual(['c3', 'nobody']);
    expect(fields).toEqual(['Query.citizens']); // c3 has no identity, so nothing under it was returned
  });

  it('works through aliases and fragments, and leaves what the partner selected alone', async () => {
    const query = `{ a: citizen(id: "c2") { ...Who transitCards { ...Card } } b: citizen(id: "c1") { id } }
      fragment Who on Citizen { identity { name } } fragment Card on TransitCard { cardNo owner { id } }`;
    const { data, citizenIds, fields } = await run(query);
    expect(data).toEqual({
      a: { identity: { name: 'name-c2' }, transitCards: [{ cardNo: '6228', owner: { id: 'c2' } }] },
      b: { id: 'c1' },
    });
    expect(citizenIds).toEqual(['c1', 'c2']);
    expect(fields).toEqual(['Citizen.id', 'Citizen.identity', 'Citizen.transitCards', 'Identity.name', 'Query.citizen', 'TransitCard.cardNo', 'TransitCard.owner']);
  });

  it('does not record public operations, and does not change their document', async () => {
    const document = parse('{ subsidyPrograms }');
    const plan = auditPlanOf(schema, document, getOperationAST(document)!);
    expect(plan.touchesCitizens).toBe(false);
    expect(plan.document).toBe(document);
  });

  it('rewrites each document once (Apollo reuses parsed documents)', () => {
    const document = parse('{ citizen(id: "c1") { identity { name } } }');
    const first = auditPlanOf(schema, document, getOperationAST(document)!);
    expect(auditPlanOf(schema, document, getOperationAST(document)!)).toBe(first);
    expect(print(first.document)).toContain('__huiminAuditCitizenId: id');
  });
});
