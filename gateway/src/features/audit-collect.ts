/**
 * What an operation touched, for its audit record. A partner need not select `Citizen.id` to see
 * a citizen's data (`citizen(idNumber:) { identity { name } }`), so before execution every
 * selection on Citizen gets a hidden `id` and every TransitCard a hidden `owner { id }`; after
 * execution the response is walked once to collect those ids and the coordinates that came back
 * with a value, and the hidden keys are removed before the partner sees the answer.
 */
import {
  Kind,
  getNamedType,
  isObjectType,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { fragmentsOf } from '../document-fragments';

const CITIZEN_ID_KEY = '__huiminAuditCitizenId';
const CARD_OWNER_KEY = '__huiminAuditCardOwner';
/** Root fields that serve no citizen's data: operations made only of these are not recorded. */
const PUBLIC_ROOT_FIELDS = new Set(['subsidyPrograms', '__typename', '__schema', '__type']);

const name = (value: string) => ({ kind: Kind.NAME, value }) as const;
const hiddenCitizenId: FieldNode = { kind: Kind.FIELD, alias: name(CITIZEN_ID_KEY), name: name('id') };
const hiddenCardOwner: FieldNode = {
  kind: Kind.FIELD,
  alias: name(CARD_OWNER_KEY),
  name: name('owner'),
  selectionSet: { kind: Kind.SELECTION_SET, selections: [hiddenCitizenId] },
};

/** Response key → what it is; built once per document. */
type Shape = Map<string, ShapeField>;
type ShapeField = { kind: 'field'; coordinate: string | null; children: Shape | null } | { kind: 'citizen-id' } | { kind: 'card-owner'; children: Shape };

/**
 * A Shape as the walk reads it, for every object of every response: arrays, because iterating
 * a Map's entries allocates an entry per key visited (measured as the access layer's largest
 * source of garbage after the subgraph signatures).
 */
type WalkShape = readonly WalkField[];
type WalkField =
  | { key: string; kind: 'field'; coordinate: string | null; children: WalkShape | null }
  | { key: string; kind: 'citizen-id' }
  | { key: string; kind: 'card-owner'; children: WalkShape };

function walkShapeOf(shape: Shape): WalkShape {
  return [...shape].map(([key, field]): WalkField => {
    switch (field.kind) {
      case 'citizen-id':
        return { key, kind: 'citizen-id' };
      case 'card-owner':
        return { key, kind: 'card-owner', children: walkShapeOf(field.children) };
      case 'field':
        return { key, kind: 'field', coordinate: field.coordinate, children: field.children && walkShapeOf(field.children) };
    }
  });
}

export interface AuditPlan {
  /** False when every root field is public: no record is written. */
  touchesCitizens: boolean;
  /** The document to execute: the original with the hidden selections added. */
  document: DocumentNode;
  shape: WalkShape;
  /** The operation as sent (its root arguments name the citizens asked for). */
  operation: OperationDefinitionNode;
  /** The same operation in the document to execute. */
  executed: OperationDefinitionNode;
}

export interface Touched {
  citizenIds: Set<string>;
  fields: Set<string>;
}

function rewriteSelectionSet(schema: GraphQLSchema, set: SelectionSetNode, type: GraphQLNamedType | undefined): SelectionSetNode {
  const selections = set.selections.map((selection) => rewriteSelection(schema, selection, type));
  if (type?.name === 'Citizen' && !selections.some((s) => s.kind === Kind.FIELD && s.alias?.value === CITIZEN_ID_KEY)) selections.push(hiddenCitizenId);
  if (type?.name === 'TransitCard' && !selections.some((s) => s.kind === Kind.FIELD && s.alias?.value === CARD_OWNER_KEY)) selections.push(hiddenCardOwner);
  return { ...set, selections };
}

function rewriteSelection(schema: GraphQLSchema, selection: SelectionNode, parent: GraphQLNamedType | undefined): SelectionNode {
  switch (selection.kind) {
    case Kind.FIELD: {
      if (!selection.selectionSet) return selection;
      const field = parent && isObjectType(parent) ? parent.getFields()[selection.name.value] : undefined;
      return { ...selection, selectionSet: rewriteSelectionSet(schema, selection.selectionSet, field ? getNamedType(field.type) : undefined) };
    }
    case Kind.INLINE_FRAGMENT: {
      const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
      return { ...selection, selectionSet: rewriteSelectionSet(schema, selection.selectionSet, type ?? undefined) };
    }
    case Kind.FRAGMENT_SPREAD:
      return selection;
  }
}

function rootType(schema: GraphQLSchema, operation: OperationDefinitionNode): GraphQLNamedType | undefined {
  return schema.getRootType(operation.operation) ?? undefined;
}

function shapeOf(set: SelectionSetNode, type: GraphQLNamedType | undefined, fragments: Map<string, FragmentDefinitionNode>, schema: GraphQLSchema, into: Shape = new Map()): Shape {
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      const key = selection.alias?.value ?? selection.name.value;
      if (key === CITIZEN_ID_KEY) {
        into.set(key, { kind: 'citizen-id' });
        continue;
      }
      const field = type && isObjectType(type) ? type.getFields()[selection.name.value] : undefined;
      const childType = field ? getNamedType(field.type) : undefined;
      const existing = into.get(key);
      if (key === CARD_OWNER_KEY && selection.selectionSet) {
        into.set(key, { kind: 'card-owner', children: shapeOf(selection.selectionSet, childType, fragments, schema, existing?.kind === 'card-owner' ? existing.children : new Map()) });
        continue;
      }
      const isMeta = selection.name.value.startsWith('__');
      const children = selection.selectionSet
        ? shapeOf(selection.selectionSet, childType, fragments, schema, existing?.kind === 'field' && existing.children ? existing.children : new Map())
        : null;
      into.set(key, { kind: 'field', coordinate: isMeta || !type ? null : `${type.name}.${selection.name.value}`, children });
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const fragmentType = selection.typeCondition ? (schema.getType(selection.typeCondition.name.value) ?? undefined) : type;
      shapeOf(selection.selectionSet, fragmentType, fragments, schema, into);
    } else {
      const fragment = fragments.get(selection.name.value);
      if (fragment) shapeOf(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) ?? undefined, fragments, schema, into);
    }
  }
  return into;
}

const plans = new WeakMap<DocumentNode, Map<string, AuditPlan>>();

/** The audit plan of one operation of a document; cached, since Apollo reuses parsed documents. */
export function auditPlanOf(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): AuditPlan {
  const key = operation.name?.value ?? '';
  let byOperation = plans.get(document);
  const cached = byOperation?.get(key);
  if (cached) return cached;
  const touchesCitizens = operation.selectionSet.selections.some((s) => s.kind !== Kind.FIELD || !PUBLIC_ROOT_FIELDS.has(s.name.value));
  const rewritten: DocumentNode = touchesCitizens
    ? {
        ...document,
        definitions: document.definitions.map((definition) => {
          if (definition.kind === Kind.OPERATION_DEFINITION) return { ...definition, selectionSet: rewriteSelectionSet(schema, definition.selectionSet, rootType(schema, definition)) };
          if (definition.kind === Kind.FRAGMENT_DEFINITION) return { ...definition, selectionSet: rewriteSelectionSet(schema, definition.selectionSet, schema.getType(definition.typeCondition.name.value) ?? undefined) };
          return definition;
        }),
      }
    : document;
  const fragments = fragmentsOf(rewritten);
  const rewrittenOperation = rewritten.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (d.name?.value ?? '') === key,
  ) ?? operation;
  const shape = shapeOf(rewrittenOperation.selectionSet, rootType(schema, operation), fragments, schema);
  const plan: AuditPlan = { touchesCitizens, document: rewritten, shape: walkShapeOf(shape), operation, executed: rewrittenOperation };
  if (!byOperation) plans.set(document, (byOperation = new Map()));
  byOperation.set(key, plan);
  return plan;
}

function walk(value: unknown, shape: WalkShape, touched: Touched): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, shape, touched);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const object = value as Record<string, unknown>;
  for (let i = 0; i < shape.length; i += 1) {
    const field = shape[i]!;
    const key = field.key;
    const child = object[key];
    if (field.kind === 'citizen-id') {
      if (typeof child === 'string') touched.citizenIds.add(child);
      delete object[key];
    } else if (field.kind === 'card-owner') {
      walk(child, field.children, touched);
      delete object[key];
    } else if (child !== null && child !== undefined) {
      if (field.coordinate) touched.fields.add(field.coordinate);
      if (field.children) walk(child, field.children, touched);
    }
  }
}

/** Collects what the response carries and removes the hidden keys from it (in place). */
export function collectTouched(plan: AuditPlan, data: Record<string, unknown> | null | undefined, variables: Record<string, unknown> | undefined): Touched {
  const touched: Touched = { citizenIds: new Set(), fields: new Set() };
  if (data) walk(data, plan.shape, touched);
  // Ids asked for count even when nothing came back for them.
  for (const selection of plan.operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD || (selection.name.value !== 'citizen' && selection.name.value !== 'citizens')) continue;
    for (const argument of selection.arguments ?? []) {
      if (argument.name.value === 'id' || argument.name.value === 'ids') addIds(argument.value, variables, touched.citizenIds);
    }
  }
  return touched;
}

function addIds(value: ValueNode, variables: Record<string, unknown> | undefined, into: Set<string>): void {
  if (value.kind === Kind.STRING) into.add(value.value);
  else if (value.kind === Kind.LIST) for (const item of value.values) addIds(item, variables, into);
  else if (value.kind === Kind.VARIABLE) {
    const given = variables?.[value.name.value];
    for (const id of Array.isArray(given) ? given : [given]) if (typeof id === 'string') into.add(id);
  }
}
