/**
 * useMasking: name, ID number and phone are masked (api.md) unless the partner holds
 * identity:full — and never in an operation that goes through the analytics batch
 * `citizens(ids:)`, whatever else the partner holds ("analytics:read never sees unmasked identity").
 *
 * The decision travels to civil affairs in the signed subgraph context (identityViewOf), where
 * the values are masked at the source; this plugin masks the response again on the way out, so a
 * subgraph that got it wrong still cannot leak. The masks are idempotent (masking a masked value
 * changes nothing), which is what makes the second pass safe.
 */
import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import {
  Kind,
  getNamedType,
  isCompositeType,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { GatewayContext } from '../pipeline';
import { maskIdNumber, maskName, maskPhone } from '@huimin/schema';
import { partnerOf, type AuthenticatedPartner } from './partner-context';
import { fragmentsOf } from '../document-fragments';

export { maskIdNumber, maskName, maskPhone };

export type IdentityView = 'full' | 'masked';

const MASKS: Record<string, (value: string) => string> = { name: maskName, idNumber: maskIdNumber, phone: maskPhone };
const IDENTITY_TYPE = 'CitizenIdentity';
/** The analytics batch: identity read through it is always masked. */
const BATCH_FIELD = 'citizens';

const VIEW = 'identityView';

/** What the subgraph-context signer tells civil affairs; 'masked' unless this plugin said otherwise. */
export function identityViewOf(context: GatewayContext): IdentityView {
  return context[VIEW] === 'full' ? 'full' : 'masked';
}

/** The one rule, in one place. */
export function identityViewFor(partner: AuthenticatedPartner | undefined, usesAnalyticsBatch: boolean): IdentityView {
  return partner?.scopes.has('identity:full') && !usesAnalyticsBatch ? 'full' : 'masked';
}

function usesAnalyticsBatch(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, depth = 0): boolean {
  if (depth > 32) return true;
  return selectionSet.selections.some((selection) => {
    if (selection.kind === Kind.FIELD) return selection.name.value === BATCH_FIELD;
    const inner = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection;
    return inner !== undefined && usesAnalyticsBatch(inner.selectionSet, fragments, depth + 1);
  });
}

/** Response keys leading to identity fields; a function is the mask for that field. */
interface MaskTree {
  [key: string]: MaskTree | ((value: string) => string);
}

function collect(schema: GraphQLSchema, selectionSet: SelectionSetNode, parent: GraphQLCompositeType, fragments: Map<string, FragmentDefinitionNode>, tree: MaskTree): boolean {
  let found = false;
  for (const selection of selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) {
      const inner = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection;
      const condition = inner?.typeCondition ? schema.getType(inner.typeCondition.name.value) : parent;
      if (inner && isCompositeType(condition)) found = collect(schema, inner.selectionSet, condition, fragments, tree) || found;
      continue;
    }
    const key = selection.alias?.value ?? selection.name.value;
    const mask = MASKS[selection.name.value];
    if (parent.name === IDENTITY_TYPE && mask) {
      tree[key] = mask;
      found = true;
      continue;
    }
    if (!selection.selectionSet || !('getFields' in parent)) continue;
    const field = parent.getFields()[selection.name.value];
    const named = field ? getNamedType(field.type) : undefined;
    if (!named || !isCompositeType(named)) continue;
    const existing = tree[key];
    const child: MaskTree = typeof existing === 'object' ? existing : {};
    if (collect(schema, selection.selectionSet, named, fragments, child)) {
      tree[key] = child;
      found = true;
    }
  }
  return found;
}

function applyMasks(value: unknown, tree: MaskTree): void {
  if (Array.isArray(value)) {
    for (const item of value) applyMasks(item, tree);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const object = value as Record<string, unknown>;
  for (const [key, rule] of Object.entries(tree)) {
    const current = object[key];
    if (typeof rule === 'function') {
      if (typeof current === 'string') object[key] = rule(current);
    } else if (current !== null && current !== undefined) {
      applyMasks(current, rule);
    }
  }
}

export function useMasking(): ApolloServerPlugin<GatewayContext> {
  let schema: GraphQLSchema | null = null;
  const trees = new Map<string, MaskTree | null>();
  return {
    async serverWillStart() {
      return {
        schemaDidLoadOrUpdate({ apiSchema }) {
          schema = apiSchema;
          trees.clear();
        },
      };
    },
    async requestDidStart(): Promise<GraphQLRequestListener<GatewayContext>> {
      return {
        async didResolveOperation({ contextValue, document, operation }) {
          if (!operation) return;
          contextValue[VIEW] = identityViewFor(partnerOf(contextValue), usesAnalyticsBatch(operation.selectionSet, fragmentsOf(document)));
        },
        async willSendResponse({ contextValue, response, document, operation, queryHash, operationName }) {
          if (identityViewOf(contextValue) === 'full' || !schema || !document || !operation || response.body.kind !== 'single') return;
          const data = response.body.singleResult.data;
          if (!data) return;
          // Keyed by the hash of the document actually run (the scopes feature may have cut it).
          const key = `${queryHash}\u0000${operationName ?? ''}`;
          let tree = trees.get(key);
          if (tree === undefined) {
            tree = maskTreeOf(schema, document, operation);
            if (trees.size >= 2_000) trees.delete(trees.keys().next().value!);
            trees.set(key, tree);
          }
          if (tree) applyMasks(data, tree);
        },
      };
    },
  };
}

function maskTreeOf(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): MaskTree | null {
  const root = schema.getRootType(operation.operation);
  const tree: MaskTree = {};
  return root && collect(schema, operation.selectionSet, root, fragmentsOf(document), tree) ? tree : null;
}
