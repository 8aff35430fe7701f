/**
 * How big an operation is: tokens (before parsing), depth and aliases (per document, cached) and
 * cost (per request, since page and batch sizes come from variables). Fragments are expanded
 * where they are spread, with per-fragment memos so a fragment bomb costs linear time to measure.
 */
import {
  Kind,
  Lexer,
  Source,
  TokenKind,
  getNamedType,
  isObjectType,
  valueFromASTUntyped,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** Counts lexical tokens, stopping once past `max` (a syntax error stops the count: parsing reports it). */
export function countTokens(text: string, max: number): number {
  const lexer = new Lexer(new Source(text));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) {
      count += 1;
      if (count > max) break;
    }
  } catch {
    // Left to the parser, which names the syntax error.
  }
  return count;
}

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  return fragments;
}

export interface OperationShape {
  /** Deepest field nesting (`{ a { b } }` is 2). */
  depth: number;
  /** Aliased fields, counting a fragment once per place it is spread. */
  aliases: number;
}

const shapes = new WeakMap<DocumentNode, Map<string, OperationShape>>();

export function shapeOfOperation(document: DocumentNode, operation: OperationDefinitionNode): OperationShape {
  const key = operation.name?.value ?? '';
  const cached = shapes.get(document)?.get(key);
  if (cached) return cached;
  const fragments = fragmentsOf(document);
  const memo = new Map<string, OperationShape>();
  const measure = (set: SelectionSetNode): OperationShape => {
    let depth = 0;
    let aliases = 0;
    for (const selection of set.selections) {
      let inner: OperationShape;
      if (selection.kind === Kind.FIELD) {
        const child = selection.selectionSet ? measure(selection.selectionSet) : { depth: 0, aliases: 0 };
        inner = { depth: child.depth + 1, aliases: child.aliases + (selection.alias ? 1 : 0) };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        inner = measure(selection.selectionSet);
      } else {
        const name = selection.name.value;
        let spread = memo.get(name);
        if (!spread) {
          // Validation has ruled out fragment cycles; the placeholder only guards against a bug there.
          memo.set(name, { depth: 0, aliases: 0 });
          const fragment = fragments.get(name);
          spread = fragment ? measure(fragment.selectionSet) : { depth: 0, aliases: 0 };
          memo.set(name, spread);
        }
        inner = spread;
      }
      depth = Math.max(depth, inner.depth);
      aliases += inner.aliases;
    }
    return { depth, aliases };
  };
  const shape = measure(operation.selectionSet);
  let byOperation = shapes.get(document);
  if (!byOperation) shapes.set(document, (byOperation = new Map()));
  byOperation.set(key, shape);
  return shape;
}

/**
 * Cost: every field selected costs 1, and what is selected under a field is multiplied by the
 * number of items it asks for: the length of a batch argument (`ids`, `cardNos`), or `first`
 * (given or its schema default).
 * Other lists count as one item: their length is the bureau's, not the partner's, choice.
 */
/** Arguments whose list length is how many items the partner asks for. */
const BATCH_ARGUMENTS = new Set(['ids', 'cardNos']);

export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
): number {
  const fragments = fragmentsOf(document);
  const memo = new Map<string, number>();
  const costOf = (set: SelectionSetNode, type: GraphQLNamedType | undefined): number => {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        total += 1;
        if (!selection.selectionSet) continue;
        const field = type && isObjectType(type) ? type.getFields()[selection.name.value] : undefined;
        let items = 1;
        for (const argument of field?.args ?? []) {
          if (!BATCH_ARGUMENTS.has(argument.name) && argument.name !== 'first') continue;
          const given = selection.arguments?.find((a) => a.name.value === argument.name);
          const value: unknown = given ? valueFromASTUntyped(given.value, variables) : argument.defaultValue;
          if (BATCH_ARGUMENTS.has(argument.name) && Array.isArray(value)) items = Math.max(items, value.length);
          if (argument.name === 'first' && typeof value === 'number') items = Math.max(items, value);
        }
        total += items * costOf(selection.selectionSet, field ? getNamedType(field.type) : undefined);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const fragmentType = selection.typeCondition ? (schema.getType(selection.typeCondition.name.value) ?? undefined) : type;
        total += costOf(selection.selectionSet, fragmentType);
      } else {
        const name = selection.name.value;
        let spread = memo.get(name);
        if (spread === undefined) {
          memo.set(name, 0);
          const fragment = fragments.get(name);
          spread = fragment ? costOf(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) ?? undefined) : 0;
          memo.set(name, spread);
        }
        total += spread;
      }
    }
    return total;
  };
  return costOf(operation.selectionSet, schema.getRootType(operation.operation) ?? undefined);
}
