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
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { fragmentsOf } from '../document-fragments';

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
 *
 * An operation's cost is compiled once per schema and document into a plan where only what
 * variables decide is left to work out per request: partners repeat a few operations, and
 * walking the whole selection on every request was a measurable part of the access layer's CPU.
 */
/** Arguments whose list length is how many items the partner asks for. */
const BATCH_ARGUMENTS = new Set(['ids', 'cardNos']);

/** A selection's cost: `fixed` plus, for each sized field under it, its items times its plan. */
interface CostPlan {
  fixed: number;
  sized: SizedCost[];
}

interface SizedCost {
  items: (variables: Record<string, unknown> | undefined) => number;
  plan: CostPlan;
}

type SizingArgument = { name: string; given: ValueNode | undefined; defaultValue: unknown };

function itemsOf(sizing: readonly SizingArgument[], variables: Record<string, unknown> | undefined): number {
  let items = 1;
  for (const { name, given, defaultValue } of sizing) {
    const value: unknown = given ? valueFromASTUntyped(given, variables) : defaultValue;
    if (BATCH_ARGUMENTS.has(name) && Array.isArray(value)) items = Math.max(items, value.length);
    if (name === 'first' && typeof value === 'number') items = Math.max(items, value);
  }
  return items;
}

function usesVariables(value: ValueNode): boolean {
  if (value.kind === Kind.VARIABLE) return true;
  if (value.kind === Kind.LIST) return value.values.some(usesVariables);
  if (value.kind === Kind.OBJECT) return value.fields.some((field) => usesVariables(field.value));
  return false;
}

function compileCost(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): CostPlan {
  const fragments = fragmentsOf(document);
  const memo = new Map<string, CostPlan>();
  const compile = (set: SelectionSetNode, type: GraphQLNamedType | undefined): CostPlan => {
    const plan: CostPlan = { fixed: 0, sized: [] };
    // A plan with sized parts stays one node (not copied into this one): a fragment spread
    // twice at every level would otherwise double the plan at each level.
    const add = (inner: CostPlan, items: number): void => {
      if (inner.sized.length === 0) plan.fixed += items * inner.fixed;
      else plan.sized.push({ items: () => items, plan: inner });
    };
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        plan.fixed += 1;
        if (!selection.selectionSet) continue;
        const field = type && isObjectType(type) ? type.getFields()[selection.name.value] : undefined;
        const sizing: SizingArgument[] = (field?.args ?? [])
          .filter((argument) => BATCH_ARGUMENTS.has(argument.name) || argument.name === 'first')
          .map((argument) => ({
            name: argument.name,
            given: selection.arguments?.find((a) => a.name.value === argument.name)?.value,
            defaultValue: argument.defaultValue,
          }));
        const inner = compile(selection.selectionSet, field ? getNamedType(field.type) : undefined);
        if (sizing.some((argument) => argument.given && usesVariables(argument.given))) {
          plan.sized.push({ items: (variables) => itemsOf(sizing, variables), plan: inner });
        } else {
          add(inner, itemsOf(sizing, undefined));
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const fragmentType = selection.typeCondition ? (schema.getType(selection.typeCondition.name.value) ?? undefined) : type;
        add(compile(selection.selectionSet, fragmentType), 1);
      } else {
        const name = selection.name.value;
        let spread = memo.get(name);
        if (spread === undefined) {
          memo.set(name, { fixed: 0, sized: [] });
          const fragment = fragments.get(name);
          spread = fragment ? compile(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) ?? undefined) : { fixed: 0, sized: [] };
          memo.set(name, spread);
        }
        add(spread, 1);
      }
    }
    return plan;
  };
  return compile(operation.selectionSet, schema.getRootType(operation.operation) ?? undefined);
}

/** A plan's cost for one request's variables; each plan is worked out once (a fragment's, wherever it is spread). */
function evaluateCost(plan: CostPlan, variables: Record<string, unknown> | undefined, seen = new Map<CostPlan, number>()): number {
  if (plan.sized.length === 0) return plan.fixed;
  const known = seen.get(plan);
  if (known !== undefined) return known;
  let total = plan.fixed;
  for (const sized of plan.sized) total += sized.items(variables) * evaluateCost(sized.plan, variables, seen);
  seen.set(plan, total);
  return total;
}

const costPlans = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<OperationDefinitionNode, CostPlan>>>();

export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
): number {
  let bySchema = costPlans.get(schema);
  if (!bySchema) costPlans.set(schema, (bySchema = new WeakMap()));
  let byDocument = bySchema.get(document);
  if (!byDocument) bySchema.set(document, (byDocument = new Map()));
  let plan = byDocument.get(operation);
  if (!plan) byDocument.set(operation, (plan = compileCost(schema, document, operation)));
  return evaluateCost(plan, variables);
}
