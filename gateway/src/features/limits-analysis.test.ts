import { buildSchema, getOperationAST, parse } from 'graphql';
import { countTokens, operationCost, shapeOfOperation } from './limits-analysis';

const schema = buildSchema(`
  type Query { citizen(id: ID): Citizen, citizens(ids: [ID!]!): [Citizen]!, cards(cardNos: [String!]!): [Card]!, programs: [String!]! }
  type Citizen { id: ID!, name: String, cards: [Card!]!, subsidies(first: Int = 20): Connection! }
  type Card { no: String!, owner: Citizen }
  type Connection { total: Int!, edges: [Edge!]! }
  type Edge { node: Item! }
  type Item { id: ID!, amount: Int! }
`);

function measure(query: string, variables?: Record<string, unknown>) {
  const document = parse(query);
  const operation = getOperationAST(document)!;
  return { ...shapeOfOperation(document, operation), cost: operationCost(schema, document, operation, variables) };
}

describe('operation size', () => {
  it('measures depth and aliases, through fragments', () => {
    expect(measure('{ citizen { id } }')).toMatchObject({ depth: 2, aliases: 0 });
    expect(measure('{ a: citizen { b: id cards { owner { ...F } } } } fragment F on Citizen { c: name d: cards { no } }')).toMatchObject({ depth: 5, aliases: 4 });
    expect(measure('{ citizen { ... on Citizen { cards { no } } } }')).toMatchObject({ depth: 3, aliases: 0 });
  });

  it('counts a fragment once per place it is spread, in linear time (fragment bombs)', () => {
    // Each level spreads the next twice under two aliases: 2^20 aliases once expanded.
    const levels = 20;
    const fragments = Array.from({ length: levels }, (_, i) =>
      i === levels - 1 ? `fragment F${i} on Citizen { x: id }` : `fragment F${i} on Citizen { a: cards { owner { ...F${i + 1} } } b: cards { owner { ...F${i + 1} } } }`);
    const started = Date.now();
    const size = measure(`{ citizen { ...F0 } } ${fragments.join(' ')}`);
    expect(Date.now() - started).toBeLessThan(200);
    expect(size.aliases).toBeGreaterThan(2 ** 20);
    expect(size.cost).toBeGreaterThan(2 ** 20);
    // The same with a size from the variables at the bottom (spread 2^19 times): still linear to compile and to work out.
    const sized = [...fragments.slice(0, -1), `fragment F${levels - 1} on Citizen { subsidies(first: $n) { total } }`];
    const document = parse(`query($n: Int) { citizen { ...F0 } } ${sized.join(' ')}`);
    const operation = getOperationAST(document)!;
    const before = Date.now();
    expect(operationCost(schema, document, operation, { n: 3 })).toBe(operationCost(schema, document, operation, { n: 1 }) + 2 ** 19 * 2);
    expect(Date.now() - before).toBeLessThan(200);
  });

  it('works the cost out again for each request\'s variables on a document it has seen', () => {
    const document = parse('query($ids: [ID!]!, $n: Int) { citizens(ids: $ids) { id subsidies(first: $n) { total } } cards(cardNos: ["1", "2"]) { no } }');
    const operation = getOperationAST(document)!;
    const cost = (ids: number, n?: number) => operationCost(schema, document, operation, { ids: Array.from({ length: ids }, String), n });
    expect(cost(2, 5)).toBe(1 + 2 * (1 + 1 + 5 * 1) + 1 + 2);
    expect(cost(10, 5)).toBe(1 + 10 * (1 + 1 + 5) + 3);
    expect(cost(10)).toBe(1 + 10 * (1 + 1 + 1) + 3);
  });

  it('multiplies what is under a field by its ids or first (given, from variables, or the default)', () => {
    expect(measure('{ citizen { id name } }').cost).toBe(3);
    expect(measure('{ citizens(ids: ["a", "b", "c"]) { id name } }').cost).toBe(1 + 3 * 2);
    expect(measure('query($ids: [ID!]!) { citizens(ids: $ids) { id } }', { ids: Array.from({ length: 500 }, String) }).cost).toBe(501);
    expect(measure('{ cards(cardNos: ["1", "2"]) { no } }').cost).toBe(1 + 2 * 1);
    expect(measure('{ citizen { subsidies { edges { node { id amount } } } } }').cost).toBe(1 + 1 + 20 * (1 + 1 + 2));
    expect(measure('query($n: Int) { citizen { subsidies(first: $n) { total } } }', { n: 100 }).cost).toBe(1 + 1 + 100);
    // Unsized lists count one item: their length is the bureau's choice, not the partner's.
    expect(measure('{ citizen { cards { no } } }').cost).toBe(3);
  });

  it('counts tokens up to one past the limit, and leaves syntax errors to the parser', () => {
    expect(countTokens('{ citizen(id: "x") { id } }', 100)).toBe(11);
    expect(countTokens(`{ ${'a '.repeat(10_000)} }`, 50)).toBe(51);
    expect(countTokens('{ "unterminated', 100)).toBe(1);
  });
});
