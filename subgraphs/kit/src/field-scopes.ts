/**
 * Each subgraph checks scopes again on the fields it owns, from the same @requiresScopes /
 * @authenticated its SDL declares for the gateway. The gateway already cut what the partner may
 * not see; this is the second lock, for a gateway bug or a misrouted request.
 */
import {
  GraphQLError,
  defaultFieldResolver,
  getNamedType,
  isObjectType,
  valueFromASTUntyped,
  type ConstDirectiveNode,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import { callerOfContext, type GatewayPrincipal } from './gateway-context';

interface Requirement {
  authenticated: boolean;
  anyOf: string[][] | null;
}

const WRAPPED = Symbol('huimin.fieldScopes');

function requirementOf(directives: readonly ConstDirectiveNode[] | undefined): Requirement | null {
  let authenticated = false;
  let anyOf: string[][] | null = null;
  for (const directive of directives ?? []) {
    const name = directive.name.value.replace(/^federation__/, '');
    if (name === 'authenticated') authenticated = true;
    if (name === 'requiresScopes') {
      const argument = directive.arguments?.find((arg) => arg.name.value === 'scopes');
      const value: unknown = argument ? valueFromASTUntyped(argument.value) : [];
      anyOf = Array.isArray(value) ? value.map((group) => (Array.isArray(group) ? group.map(String) : [String(group)])) : [];
    }
  }
  return authenticated || anyOf ? { authenticated, anyOf } : null;
}

function permits(requirements: readonly Requirement[], caller: GatewayPrincipal): boolean {
  return requirements.every((requirement) => {
    if (requirement.authenticated && caller.partner === null) return false;
    return !requirement.anyOf || requirement.anyOf.some((group) => group.every((scope) => caller.scopes.has(scope)));
  });
}

/**
 * The answers of one schema's guards, by caller: a caller's scopes set is made once per context
 * header (gateway-context), so the answer for a field is worked out on its first resolution and
 * then read, for every later item and request of that caller. The answer also depends on whether
 * there is a partner at all (@authenticated): two slots per field.
 */
function decisionCache(): (slot: number, requirements: readonly Requirement[], caller: GatewayPrincipal) => boolean {
  const byScopes = new WeakMap<ReadonlySet<string>, boolean[]>();
  return (slot, requirements, caller) => {
    let decisions = byScopes.get(caller.scopes);
    if (decisions === undefined) byScopes.set(caller.scopes, (decisions = []));
    return (decisions[2 * slot + (caller.partner === null ? 1 : 0)] ??= permits(requirements, caller));
  };
}

/**
 * Wraps the resolver of every field that (or whose type) carries a scope directive, in place.
 * Resolvers then throw FORBIDDEN for a caller without the scopes.
 */
export function enforceFieldScopes(schema: GraphQLSchema): GraphQLSchema {
  const typeRequirements = new Map<string, Requirement>();
  const decide = decisionCache();
  let slots = 0;
  for (const type of Object.values(schema.getTypeMap())) {
    const requirement = requirementOf(type.astNode?.directives as readonly ConstDirectiveNode[] | undefined);
    if (requirement) typeRequirements.set(type.name, requirement);
  }
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const requirements = [requirementOf(field.astNode?.directives), typeRequirements.get(getNamedType(field.type).name) ?? null]
        .filter((r): r is Requirement => r !== null);
      if (requirements.length === 0) continue;
      const resolve = (field.resolve ?? defaultFieldResolver) as GraphQLFieldResolver<unknown, unknown> & { [WRAPPED]?: true };
      if (resolve[WRAPPED]) continue;
      const coordinate = `${type.name}.${field.name}`;
      const slot = slots++;
      const guarded: GraphQLFieldResolver<unknown, unknown> & { [WRAPPED]?: true } = (source, args, context, info) => {
        const caller = callerOfContext(context);
        if (!caller || !decide(slot, requirements, caller)) {
          throw new GraphQLError(`Not permitted: ${coordinate}`, { extensions: { code: 'FORBIDDEN' } });
        }
        return resolve(source, args, context, info);
      };
      guarded[WRAPPED] = true;
      field.resolve = guarded;
    }
  }
  return schema;
}
