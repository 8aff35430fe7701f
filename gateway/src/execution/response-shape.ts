/**
 * The partner's operation compiled, once per distinct operation, into a plain tree the response
 * shaper walks without looking anything up: response names, @skip/@include conditions, each
 * field's type as nullability/list/leaf/composite flags, and for every fragment the set of
 * concrete types it applies to. @apollo/gateway walks its federation Operation objects per
 * request (schema lookups through module getters); that walk was a fifth of its CPU on a
 * 100-citizen batch (bench/RESULTS.md).
 */
import {
  Kind,
  isAbstractType,
  isEnumType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  valueFromAST,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type DirectiveNode,
} from 'graphql';
import { fragmentsOf } from '../document-fragments';

/** A selection is skipped when `variable` (or the literal) equals `skipWhen`. */
export interface SkipCondition {
  variable: string | null;
  literal: boolean;
  skipWhen: boolean;
}

/** Checks a leaf value the way @apollo/gateway does (federation-internals isValidLeafValue). */
export type LeafCheck = (value: unknown) => boolean;

export interface TypeShape {
  nonNull: boolean;
  /** The item type when this is a list. */
  item: TypeShape | null;
  leaf: LeafCheck | null;
  /** The composite (object, interface, union) type's name; null for lists and leaves. */
  composite: string | null;
  /** What the path description names in a null-in-non-null error. */
  display: string;
}

export interface FieldShape {
  kind: 'field';
  responseName: string;
  conditions: SkipCondition[];
  /** `__typename` (whatever its alias): answered from the data's __typename or the parent type. */
  typename: boolean;
  type: TypeShape;
  selections: SelectionShape[] | null;
}

export interface FragmentShape {
  kind: 'fragment';
  conditions: SkipCondition[];
  /** Null: no type condition, it always applies. */
  typeCondition: string | null;
  /** The object types the condition covers. */
  concreteTypes: ReadonlySet<string> | null;
  selections: SelectionShape[];
}

export type SelectionShape = FieldShape | FragmentShape;

export interface ResponseShape {
  rootType: string;
  selections: SelectionShape[];
  /** Defaults of the operation's variables, for @skip/@include on variables left out. */
  variableDefaults: Record<string, unknown>;
  /** Object type names, for checking a __typename the data carries. */
  objectTypes: ReadonlySet<string>;
  /** Composite type names (objects, interfaces, unions). */
  compositeTypes: ReadonlySet<string>;
  /** For fragments applied without a __typename: is `parent` covered by the condition? */
  abstractCovers(condition: string, parent: string): boolean;
}

const INT_PATTERN = /^-?(?:0|[1-9][0-9]*)$/;

function leafCheckOf(type: GraphQLNamedType): LeafCheck {
  if (isEnumType(type)) {
    const values = new Set(type.getValues().map((value) => value.name));
    return (value) => typeof value === 'string' && values.has(value);
  }
  switch (type.name) {
    case 'Boolean':
      return (value) => typeof value === 'boolean';
    case 'Int':
    case 'ID':
      return (value) =>
        (typeof value === 'number' && Number.isFinite(value) && INT_PATTERN.test(String(value))) || (type.name === 'ID' && typeof value === 'string');
    case 'Float':
      return (value) => typeof value === 'number' && Number.isFinite(value);
    case 'String':
      return (value) => typeof value === 'string';
    default:
      // Custom scalars are opaque to the gateway: whatever the subgraph sent stands.
      return () => true;
  }
}

function typeShapeOf(type: GraphQLOutputType, display = String(type)): TypeShape {
  if (isNonNullType(type)) {
    return { ...typeShapeOf(type.ofType as GraphQLOutputType), nonNull: true, display };
  }
  if (isListType(type)) {
    return { nonNull: false, item: typeShapeOf(type.ofType as GraphQLOutputType), leaf: null, composite: null, display };
  }
  if (isLeafType(type) || isScalarType(type)) return { nonNull: false, item: null, leaf: leafCheckOf(type), composite: null, display };
  return { nonNull: false, item: null, leaf: null, composite: type.name, display };
}

function conditionsOf(directives: readonly DirectiveNode[] | undefined): SkipCondition[] {
  const conditions: SkipCondition[] = [];
  for (const directive of directives ?? []) {
    const name = directive.name.value;
    if (name !== 'skip' && name !== 'include') continue;
    const argument = directive.arguments?.find((arg) => arg.name.value === 'if');
    if (!argument) continue;
    const skipWhen = name === 'skip';
    if (argument.value.kind === Kind.VARIABLE) conditions.push({ variable: argument.value.name.value, literal: false, skipWhen });
    else if (argument.value.kind === Kind.BOOLEAN) conditions.push({ variable: null, literal: argument.value.value, skipWhen });
  }
  return conditions;
}

/** Thrown for operations this compiler leaves to @apollo/gateway's own executor (introspection). */
export class UnsupportedOperation extends Error {}

interface CompileContext {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
}

function compileSelections(context: CompileContext, parent: GraphQLCompositeType, selectionSet: SelectionSetNode): SelectionShape[] {
  const shapes: SelectionShape[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const name = selection.name.value;
      const responseName = selection.alias?.value ?? name;
      const conditions = conditionsOf(selection.directives);
      if (name === '__typename') {
        shapes.push({ kind: 'field', responseName, conditions, typename: true, type: typeShapeOf(context.schema.getType('String') as GraphQLOutputType), selections: null });
        continue;
      }
      if (name === '__schema' || name === '__type') throw new UnsupportedOperation('introspection');
      if (isAbstractType(parent) && !('getFields' in parent)) throw new UnsupportedOperation(`field ${name} on union ${parent.name}`);
      const definition = (parent as { getFields(): Record<string, { type: GraphQLOutputType }> }).getFields()[name];
      if (!definition) throw new UnsupportedOperation(`unknown field ${parent.name}.${name}`);
      const named = namedTypeOf(definition.type);
      const selections = selection.selectionSet ? compileSelections(context, named as GraphQLCompositeType, selection.selectionSet) : null;
      shapes.push({ kind: 'field', responseName, conditions, typename: false, type: typeShapeOf(definition.type), selections });
      continue;
    }
    const conditions = conditionsOf(selection.directives);
    let typeConditionName: string | null;
    let selectionSetNode: SelectionSetNode;
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      typeConditionName = selection.typeCondition?.name.value ?? null;
      selectionSetNode = selection.selectionSet;
    } else {
      const fragment = context.fragments.get(selection.name.value);
      if (!fragment) throw new UnsupportedOperation(`unknown fragment ${selection.name.value}`);
      typeConditionName = fragment.typeCondition.name.value;
      selectionSetNode = fragment.selectionSet;
    }
    const conditionType = typeConditionName ? (context.schema.getType(typeConditionName) as GraphQLCompositeType | undefined) : parent;
    if (!conditionType) throw new UnsupportedOperation(`unknown type ${typeConditionName}`);
    const concreteTypes = typeConditionName ? new Set(concreteTypesOf(context.schema, conditionType)) : null;
    shapes.push({ kind: 'fragment', conditions, typeCondition: typeConditionName, concreteTypes, selections: compileSelections(context, conditionType, selectionSetNode) });
  }
  return shapes;
}

function namedTypeOf(type: GraphQLOutputType): GraphQLNamedType {
  let current: GraphQLOutputType = type;
  while (isNonNullType(current) || isListType(current)) current = current.ofType as GraphQLOutputType;
  return current;
}

function concreteTypesOf(schema: GraphQLSchema, type: GraphQLCompositeType): string[] {
  return isAbstractType(type) ? schema.getPossibleTypes(type).map((possible) => possible.name) : [type.name];
}

export function compileResponseShape(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): ResponseShape {
  const fragments = fragmentsOf(document);
  const root = schema.getRootType(operation.operation);
  if (!root) throw new UnsupportedOperation(`no ${operation.operation} root`);
  const variableDefaults: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue) variableDefaults[definition.variable.name.value] = valueFromAST(definition.defaultValue, schema.getType('Boolean') as never);
  }
  const objectTypes = new Set<string>();
  const compositeTypes = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (isObjectType(type)) objectTypes.add(type.name);
    if (isObjectType(type) || isAbstractType(type)) compositeTypes.add(type.name);
  }
  return {
    rootType: root.name,
    selections: compileSelections({ schema, fragments }, root, operation.selectionSet),
    variableDefaults,
    objectTypes,
    compositeTypes,
    abstractCovers: (condition, parent) => {
      const conditionType = schema.getType(condition);
      const parentType = schema.getType(parent);
      if (!conditionType || !parentType || !isAbstractType(conditionType)) return condition === parent;
      return isAbstractType(parentType) ? schema.getPossibleTypes(parentType).every((type) => schema.isSubType(conditionType, type)) : false;
    },
  };
}
