/**
 * The operation as a partner may run it: fields their scopes do not cover are cut out of the
 * document before the gateway plans it (so no subgraph is ever asked for them), and a patch tree
 * records where those fields sit in the response, to answer them with null and FORBIDDEN.
 */
import {
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  TypeInfo,
  getDirectiveValues,
  getNamedType,
  isCompositeType,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { describeRequirements, isPermitted, type ScopePolicy } from './scopes-policy';
import { fragmentsOf } from '../document-fragments';

/** Stands in for a selection set whose every field was cut (a selection set may not be empty). */
export const PLACEHOLDER_ALIAS = '_huiminRemoved';

export interface PatchNode {
  /** The field's declared type (for null propagation); the root's is null. */
  type: GraphQLOutputType | null;
  /** Set when the field itself was cut. */
  forbidden?: { coordinate: string; message: string };
  children: Map<string, PatchNode>;
}

export interface Refusal {
  /** Response keys from the root (aliases as asked). */
  path: string[];
  /** False when a list lies on the way: the path then names every element's field. */
  exact: boolean;
  coordinate: string;
  message: string;
}

export interface Restriction {
  /** The document to plan instead of the partner's; null when nothing had to be cut. */
  document: DocumentNode | null;
  /** The cut coordinates, sorted (part of the query-plan cache key). */
  coordinates: string[];
  refusals: Refusal[];
  patch: PatchNode;
  /** Fields the partner may see that the operation still selects (0 with refusals: refuse it). */
  permittedLeaves: number;
  /** Whether @skip/@include decided anything, making the result depend on variables. */
  variableDependent: boolean;
}

interface WalkState {
  schema: GraphQLSchema;
  policy: ScopePolicy;
  scopes: ReadonlySet<string> | null;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  refusals: Refusal[];
  permittedLeaves: number;
  variableDependent: boolean;
}

function forbiddenMessage(state: WalkState, coordinate: string): string | null {
  const requirements = state.policy.get(coordinate);
  if (!requirements || isPermitted(requirements, state.scopes)) return null;
  return `Not permitted: ${coordinate} needs ${describeRequirements(requirements)}`;
}

function included(state: WalkState, node: SelectionNode): boolean {
  if (!node.directives?.length) return true;
  state.variableDependent = true;
  const skip = getDirectiveValues(GraphQLSkipDirective, node, state.variables);
  if (skip?.if === true) return false;
  const include = getDirectiveValues(GraphQLIncludeDirective, node, state.variables);
  return include?.if !== false;
}

function walk(state: WalkState, selectionSet: SelectionSetNode, parent: GraphQLCompositeType, node: PatchNode, path: string[], exact: boolean): boolean {
  let sawForbidden = false;
  for (const selection of selectionSet.selections) {
    if (!included(state, selection)) continue;
    if (selection.kind === Kind.FIELD) {
      sawForbidden = walkField(state, selection, parent, node, path, exact) || sawForbidden;
      continue;
    }
    const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? state.fragments.get(selection.name.value) : selection;
    if (!fragment) continue;
    const condition = fragment.typeCondition ? state.schema.getType(fragment.typeCondition.name.value) : parent;
    if (!isCompositeType(condition)) continue;
    sawForbidden = walk(state, fragment.selectionSet, condition, node, path, exact) || sawForbidden;
  }
  return sawForbidden;
}

function walkField(state: WalkState, field: FieldNode, parent: GraphQLCompositeType, node: PatchNode, path: string[], exact: boolean): boolean {
  const name = field.name.value;
  const key = field.alias?.value ?? name;
  // __typename and introspection carry no citizen data; introspection is switched off in production.
  if (name.startsWith('__') || !('getFields' in parent)) return false;
  const definition = parent.getFields()[name];
  if (!definition) return false;
  const coordinate = `${parent.name}.${name}`;
  const message = forbiddenMessage(state, coordinate);
  const childPath = [...path, key];
  if (message !== null) {
    if (!node.children.has(key)) {
      node.children.set(key, { type: definition.type, forbidden: { coordinate, message }, children: new Map() });
      state.refusals.push({ path: childPath, exact, coordinate, message });
    }
    return true;
  }
  if (!field.selectionSet) {
    state.permittedLeaves += 1;
    return false;
  }
  const named = getNamedType(definition.type);
  if (!isCompositeType(named)) return false;
  const child = node.children.get(key) ?? { type: definition.type, children: new Map<string, PatchNode>() };
  const crossesList = definition.type.toString().includes('[');
  if (walk(state, field.selectionSet, named, child, childPath, exact && !crossesList)) {
    node.children.set(key, child);
    return true;
  }
  return false;
}

/**
 * Cuts every forbidden field, wherever it sits (fragments, @skip'd selections included), adding
 * its coordinate to `cut`; an emptied selection set keeps a placeholder.
 */
function cutDocument(state: WalkState, document: DocumentNode, cut: Set<string>): DocumentNode {
  const { schema } = state;
  const typeInfo = new TypeInfo(schema);
  const placeholder: FieldNode = { kind: Kind.FIELD, alias: { kind: Kind.NAME, value: PLACEHOLDER_ALIAS }, name: { kind: Kind.NAME, value: '__typename' } };
  const edited = visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field: {
        enter(field) {
          const parent = typeInfo.getParentType();
          if (!parent || field.name.value.startsWith('__')) return undefined;
          const coordinate = `${parent.name}.${field.name.value}`;
          if (forbiddenMessage(state, coordinate) === null) return undefined;
          cut.add(coordinate);
          return null;
        },
      },
      SelectionSet: {
        leave(selectionSet) {
          return selectionSet.selections.length === 0 ? { ...selectionSet, selections: [placeholder] } : undefined;
        },
      },
    }),
  );
  return dropUnusedFragments(edited);
}

/** A fragment whose every spread was cut would fail validation in the planner. */
function dropUnusedFragments(document: DocumentNode): DocumentNode {
  let current = document;
  for (;;) {
    const used = new Set<string>();
    visit(current, { FragmentSpread: (spread) => void used.add(spread.name.value) });
    const kept = current.definitions.filter((d) => d.kind !== Kind.FRAGMENT_DEFINITION || used.has(d.name.value));
    if (kept.length === current.definitions.length) return current;
    current = { ...current, definitions: kept };
  }
}

/** What the partner (scopes; null = no partner) may run of this operation. */
export function restrictOperation(input: {
  schema: GraphQLSchema;
  policy: ScopePolicy;
  scopes: ReadonlySet<string> | null;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  variables: Record<string, unknown>;
}): Restriction {
  const fragments = fragmentsOf(input.document);
  const state: WalkState = {
    schema: input.schema, policy: input.policy, scopes: input.scopes, fragments, variables: input.variables,
    refusals: [], permittedLeaves: 0, variableDependent: false,
  };
  const root = input.schema.getRootType(input.operation.operation);
  const patch: PatchNode = { type: null, children: new Map() };
  if (root) walk(state, input.operation.selectionSet, root, patch, [], true);
  const cut = new Set<string>();
  const document = cutDocument(state, input.document, cut);
  return {
    document: cut.size > 0 ? document : null,
    coordinates: [...cut].sort(),
    refusals: state.refusals,
    patch,
    permittedLeaves: state.permittedLeaves,
    variableDependent: state.variableDependent,
  };
}
