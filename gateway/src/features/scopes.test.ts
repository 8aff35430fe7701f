import { buildSchema, getOperationAST, parse, print } from 'graphql';
import { patchData } from './scopes-patch';
import { describeRequirements, isPermitted, scopePolicyFromSdl } from './scopes-policy';
import { PLACEHOLDER_ALIAS, restrictOperation } from './scopes-rewrite';

const SDL = `
directive @requiresScopes(scopes: [[String!]!]!) on FIELD_DEFINITION | OBJECT
directive @authenticated on FIELD_DEFINITION | OBJECT
type Query {
  citizen(id: ID): Citizen @authenticated
  citizens(ids: [ID!]!): [Citizen]! @requiresScopes(scopes: [["analytics:read"]])
  programs: [String!]!
}
type Citizen {
  id: ID!
  identity: Identity @requiresScopes(scopes: [["identity:read"], ["identity:full"]])
  balances: Balances! @requiresScopes(scopes: [["balance:read"]])
  cards: [Card!]!
  secret: Secret
}
type Identity { name: String! district: String! }
type Balances { total: Int! }
type Card { cardNo: String! owner: Citizen concessions: [String!]! @requiresScopes(scopes: [["transit:read", "eligibility:read"]]) }
type Secret @requiresScopes(scopes: [["audit:read"]]) { note: String }
`;

const schema = buildSchema(SDL);
const policy = scopePolicyFromSdl(SDL);

function restrict(query: string, scopes: string[] | null, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  const operation = getOperationAST(document)!;
  return restrictOperation({ schema, policy, scopes: scopes ? new Set(scopes) : null, document, operation, variables });
}

describe('the scope policy', () => {
  it('reads @requiresScopes (any group, all of a group) and @authenticated, and type-level directives on fields returning the type', () => {
    expect(isPermitted(policy.get('Citizen.identity')!, new Set(['identity:full']))).toBe(true);
    expect(isPermitted(policy.get('Card.concessions')!, new Set(['transit:read']))).toBe(false);
    expect(isPermitted(policy.get('Card.concessions')!, new Set(['transit:read', 'eligibility:read']))).toBe(true);
    expect(isPermitted(policy.get('Query.citizen')!, new Set())).toBe(true);
    expect(isPermitted(policy.get('Query.citizen')!, null)).toBe(false);
    expect(isPermitted(policy.get('Citizen.secret')!, new Set(['audit:read']))).toBe(true);
    expect(policy.has('Citizen.id')).toBe(false);
    expect(describeRequirements(policy.get('Citizen.identity')!)).toBe('identity:read or identity:full');
  });
});

describe('restricting an operation', () => {
  it('leaves a fully permitted operation alone', () => {
    const restriction = restrict('{ citizen(id: "a") { id identity { name } } }', ['identity:read']);
    expect(restriction.document).toBeNull();
    expect(restriction.refusals).toEqual([]);
  });

  it('cuts forbidden fields out of the document, through aliases and fragments, and names their paths', () => {
    const restriction = restrict(
      `query Q { who: citizen(id: "a") { id ...F } }
       fragment F on Citizen { identity { name } cards { cardNo concessions } }`,
      ['transit:read'],
    );
    expect(print(restriction.document!)).not.toMatch(/identity|concessions/);
    expect(print(restriction.document!)).toMatch(/cardNo/);
    expect(restriction.coordinates).toEqual(['Card.concessions', 'Citizen.identity']);
    expect(restriction.refusals.map((r) => [r.path.join('.'), r.exact])).toEqual([
      ['who.identity', true],
      ['who.cards.concessions', false],
    ]);
  });

  it('keeps a placeholder where every field of a selection was cut, and drops fragments nothing spreads any more', () => {
    const restriction = restrict('{ citizen(id: "a") { id identity { ...I } } } fragment I on Identity { name }', []);
    const printed = print(restriction.document!);
    expect(printed).not.toMatch(/fragment I/);
    expect(restriction.permittedLeaves).toBe(1);
    const all = restrict('{ citizen(id: "a") { identity { name } } }', []);
    expect(print(all.document!)).toMatch(new RegExp(`${PLACEHOLDER_ALIAS}: __typename`));
    expect(all.permittedLeaves).toBe(0);
  });

  it('reports nothing for a field @skip leaves out, but still cuts it', () => {
    const restriction = restrict('query($s: Boolean!) { citizen(id: "a") { id identity @skip(if: $s) { name } } }', [], { s: true });
    expect(restriction.refusals).toEqual([]);
    expect(print(restriction.document!)).not.toMatch(/identity/);
    expect(restriction.variableDependent).toBe(true);
  });

  it('treats a request without a partner as holding nothing, not even @authenticated', () => {
    expect(restrict('{ citizen(id: "a") { id } programs }', null).refusals.map((r) => r.coordinate)).toEqual(['Query.citizen']);
  });
});

describe('answering the cut fields', () => {
  it('answers a nullable field with null', () => {
    const restriction = restrict('{ citizen(id: "a") { id identity { name } } }', []);
    const data = { citizen: { id: 'a', [PLACEHOLDER_ALIAS]: 'Citizen' } };
    expect(patchData(data, restriction.patch)).toEqual({ citizen: { id: 'a', identity: null } });
  });

  it('propagates a non-null field to the nearest nullable parent, as a field error would', () => {
    const restriction = restrict('{ citizen(id: "a") { id balances { total } } programs }', []);
    expect(patchData({ citizen: { id: 'a' }, programs: ['X'] }, restriction.patch)).toEqual({ citizen: null, programs: ['X'] });
  });

  it('nulls list items whose type is nullable, and the root when nothing nullable is on the way', () => {
    const items = restrict('{ citizens(ids: ["a", "b"]) { id balances { total } } }', ['analytics:read']);
    expect(patchData({ citizens: [{ id: 'a' }, null, { id: 'b' }] }, items.patch)).toEqual({ citizens: [null, null, null] });
    const root = restrict('{ programs citizens(ids: ["a"]) { id } }', []);
    expect(patchData({ programs: ['X'] }, root.patch)).toBeNull();
  });

  it('answers each element of a list on the way', () => {
    const restriction = restrict('{ citizen(id: "a") { cards { cardNo concessions } } }', ['transit:read']);
    const data = { citizen: { cards: [{ cardNo: '1' }, { cardNo: '2' }] } };
    // concessions is non-null and the items are non-null: the null reaches cards (non-null), then citizen.
    expect(patchData(data, restriction.patch)).toEqual({ citizen: null });
  });
});
