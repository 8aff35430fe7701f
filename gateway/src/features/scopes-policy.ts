/**
 * Which scopes each field needs, read from the supergraph's @requiresScopes / @authenticated
 * (declared in the subgraphs' SDL, carried into the supergraph by composition). @apollo/gateway
 * does not enforce them itself; the scopes feature does, from this policy.
 *
 * A directive on a type applies to every field returning that type, as in Apollo Router.
 */
import { Kind, parse, valueFromASTUntyped, type ConstDirectiveNode, type DocumentNode, type TypeNode } from 'graphql';

export interface FieldRequirement {
  /** Any authenticated partner (@authenticated). */
  authenticated: boolean;
  /** One of these groups must be held in full (@requiresScopes); null: no scope needed. */
  anyOf: ReadonlyArray<ReadonlyArray<string>> | null;
}

/** `Type.field` → every requirement on it (all must hold). */
export type ScopePolicy = ReadonlyMap<string, readonly FieldRequirement[]>;

const SPECS = {
  requiresScopes: 'https://specs.apollo.dev/requiresScopes/',
  authenticated: 'https://specs.apollo.dev/authenticated/',
} as const;

/** The names the supergraph gives the two directives (a @link may rename them with `as:`). */
function directiveNames(document: DocumentNode): { requiresScopes: string; authenticated: string } {
  const names = { requiresScopes: 'requiresScopes', authenticated: 'authenticated' };
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== 'link') continue;
      const args = Object.fromEntries((directive.arguments ?? []).map((arg) => [arg.name.value, valueFromASTUntyped(arg.value)]));
      const url = typeof args.url === 'string' ? args.url : '';
      const as = typeof args.as === 'string' ? args.as : undefined;
      if (url.startsWith(SPECS.requiresScopes) && as) names.requiresScopes = as;
      if (url.startsWith(SPECS.authenticated) && as) names.authenticated = as;
    }
  }
  return names;
}

function requirementOf(directives: readonly ConstDirectiveNode[] | undefined, names: ReturnType<typeof directiveNames>): FieldRequirement | null {
  let authenticated = false;
  let anyOf: string[][] | null = null;
  for (const directive of directives ?? []) {
    if (directive.name.value === names.authenticated) authenticated = true;
    if (directive.name.value === names.requiresScopes) {
      const scopes = directive.arguments?.find((arg) => arg.name.value === 'scopes');
      const value: unknown = scopes ? valueFromASTUntyped(scopes.value) : [];
      if (!Array.isArray(value)) throw new Error('@requiresScopes(scopes:) must be a list of lists');
      anyOf = value.map((group) => (Array.isArray(group) ? group.map(String) : [String(group)]));
    }
  }
  return authenticated || anyOf ? { authenticated, anyOf } : null;
}

function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}

export function scopePolicyFromSdl(sdl: string): ScopePolicy {
  const document = parse(sdl);
  const names = directiveNames(document);
  const typeRequirements = new Map<string, FieldRequirement>();
  for (const definition of document.definitions) {
    if ('name' in definition && definition.name && 'directives' in definition) {
      const requirement = requirementOf(definition.directives as readonly ConstDirectiveNode[] | undefined, names);
      if (requirement) typeRequirements.set(definition.name.value, requirement);
    }
  }
  const policy = new Map<string, FieldRequirement[]>();
  for (const definition of document.definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION && definition.kind !== Kind.INTERFACE_TYPE_EXTENSION
    ) continue;
    for (const field of definition.fields ?? []) {
      const requirements = [requirementOf(field.directives, names), typeRequirements.get(namedType(field.type)) ?? null]
        .filter((r): r is FieldRequirement => r !== null);
      if (requirements.length === 0) continue;
      const coordinate = `${definition.name.value}.${field.name.value}`;
      policy.set(coordinate, [...(policy.get(coordinate) ?? []), ...requirements]);
    }
  }
  return policy;
}

/** scopes null: no partner on the request (authentication is off). */
export function isPermitted(requirements: readonly FieldRequirement[], scopes: ReadonlySet<string> | null): boolean {
  return requirements.every((requirement) => {
    if (scopes === null) return false;
    if (!requirement.anyOf) return true;
    return requirement.anyOf.some((group) => group.every((scope) => scopes.has(scope)));
  });
}

/** "identity:read or identity:full" — for the partner-facing message. */
export function describeRequirements(requirements: readonly FieldRequirement[]): string {
  const parts = requirements.map((requirement) =>
    requirement.anyOf ? requirement.anyOf.map((group) => group.join(' and ')).join(' or ') : 'an authenticated partner',
  );
  return parts.join('; and ');
}
