/**
 * A fetch that failed as a whole — the subgraph unreachable, cut at the deadline, or its answer
 * unusable — leaves every field it was to fill null. Its error is given once per such field, at
 * that field's path, as a subgraph reports a field its bureau could not answer: a partner sees
 * which fields are missing and why, not only that something was. @apollo/gateway gives one error
 * without a path here, and so do we when the fields cannot be named or are too many.
 */
import type { FetchNode } from '@apollo/query-planner';
import {
  GraphQLError,
  Kind,
  parse,
  type DirectiveNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { setOwn, type JsonObject, type TypeConditionCheck } from './merge';
import type { ResponsePath } from './response-paths';
import { fragmentsOf } from '../document-fragments';

/** Beyond this many, one error without a path: a 500-citizen batch must not become thousands of errors. */
export const MAX_PLACED_ERRORS = 100;

/** An @include / @skip on a selection: a literal, or a variable of the operation. */
interface Condition {
  include: boolean;
  literal: boolean | null;
  variable: string | null;
}

/** A first-level field of the fetch: its response name, the type conditions around it, and its @include / @skip. */
interface FilledField {
  name: string;
  typeConditions: readonly string[];
  conditions: readonly Condition[];
}

export interface FailedFetch {
  fetch: FetchNode;
  /** The objects the fetch asked about (for an entity fetch, those it sent a representation of), with their response paths. */
  sent: ReadonlyArray<{ object: JsonObject; path: ResponsePath }>;
  covers: TypeConditionCheck;
  /** An operation variable's value (defaults included). */
  conditionValue(variable: string): unknown;
  /** The operation being run and its document: only fields it selects are named to the partner. */
  operation: OperationDefinitionNode;
  document: DocumentNode;
}

const filledByFetch = new WeakMap<FetchNode, readonly FilledField[]>();

function conditionsOf(directives: readonly DirectiveNode[] | undefined): Condition[] {
  const conditions: Condition[] = [];
  for (const directive of directives ?? []) {
    const name = directive.name.value;
    if (name !== 'include' && name !== 'skip') continue;
    const value = directive.arguments?.find((argument) => argument.name.value === 'if')?.value;
    conditions.push({
      include: name === 'include',
      literal: value?.kind === Kind.BOOLEAN ? value.value : null,
      variable: value?.kind === Kind.VARIABLE ? value.name.value : null,
    });
  }
  return conditions;
}

function collectFields(
  set: SelectionSetNode,
  typeConditions: readonly string[],
  conditions: readonly Condition[],
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  into: FilledField[],
): void {
  for (const selection of set.selections) {
    const within = [...conditions, ...conditionsOf(selection.directives)];
    if (selection.kind === Kind.FIELD) {
      // __typename under any alias (scopes leaves one as a placeholder in an emptied selection) is never empty.
      if (selection.name.value !== '__typename') into.push({ name: selection.alias?.value ?? selection.name.value, typeConditions, conditions: within });
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const condition = selection.typeCondition?.name.value;
      collectFields(selection.selectionSet, condition ? [...typeConditions, condition] : typeConditions, within, fragments, into);
    } else {
      const fragment = fragments.get(selection.name.value);
      if (fragment) collectFields(fragment.selectionSet, [...typeConditions, fragment.typeCondition.name.value], within, fragments, into);
    }
  }
}

/** The first-level fields of the fetch: under `_entities` for an entity fetch, the root fields otherwise. */
function filledFields(fetch: FetchNode): readonly FilledField[] {
  let filled = filledByFetch.get(fetch);
  if (filled) return filled;
  const document: DocumentNode = fetch.operationDocumentNode ?? parse(fetch.operation);
  const fragments = fragmentsOf(document);
  const operation = document.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  const fields: FilledField[] = [];
  if (operation) {
    let set: SelectionSetNode | undefined = operation.selectionSet;
    if (fetch.requires) {
      const entities = set.selections.find((selection) => selection.kind === Kind.FIELD && selection.name.value === '_entities');
      set = entities?.kind === Kind.FIELD ? entities.selectionSet : undefined;
    }
    if (set) collectFields(set, [], [], fragments, fields);
  }
  filled = fields;
  filledByFetch.set(fetch, filled);
  return filled;
}

/**
 * The response names the operation selects on the objects at `path` (list indexes skipped). A
 * fetch may also fill fields the operation never asked for — a `@requires` input such as an
 * @inaccessible standing — which must neither be named to a partner nor be blamed.
 */
function selectedAt(set: SelectionSetNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>, keys: readonly string[], from: number, into: Set<string>): void {
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      const name = selection.alias?.value ?? selection.name.value;
      if (from === keys.length) into.add(name);
      else if (name === keys[from] && selection.selectionSet) selectedAt(selection.selectionSet, fragments, keys, from + 1, into);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      selectedAt(selection.selectionSet, fragments, keys, from, into);
    } else {
      const fragment = fragments.get(selection.name.value);
      if (fragment) selectedAt(fragment.selectionSet, fragments, keys, from, into);
    }
  }
}

function isIncluded(conditions: readonly Condition[], conditionValue: (variable: string) => unknown): boolean {
  return conditions.every((condition) => {
    const value = condition.literal ?? (condition.variable === null ? true : conditionValue(condition.variable));
    return value === condition.include;
  });
}

/** Own property only, as merge.ts reads the data: an alias such as `toString` is not inherited. */
const ownValue = (object: JsonObject, key: string): unknown => (Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined);

/** The fields of `filled` that apply to this object: on its type, and not switched off. */
function fieldsOn(object: JsonObject, filled: readonly FilledField[], failed: FailedFetch): FilledField[] {
  const typename = object.__typename;
  // A root object carries no __typename: its fields are under no type condition.
  return filled.filter(
    (field) => (typeof typename !== 'string' || field.typeConditions.every((condition) => failed.covers(typename, condition))) && isIncluded(field.conditions, failed.conditionValue),
  );
}

/**
 * Right after the failure: every field the fetch was to fill and nothing else has, null on each
 * object it asked about. A later fetch that @requires one of them (eligibility needs the
 * insurance standing) then still runs, with the input null, and the subgraph answers what it can
 * without it (SOURCE_UNAVAILABLE) — as when the bureau itself is down — instead of the entity
 * being left out and its fields null for a partner.
 */
export function nullFieldsOfFailedFetch(failed: FailedFetch): void {
  const filled = filledFields(failed.fetch);
  for (const { object } of failed.sent) {
    for (const field of fieldsOn(object, filled, failed)) if (ownValue(object, field.name) === undefined) setOwn(object, field.name, null);
  }
}

/**
 * The fetch's error, once the plan has run, at the path of each field it left empty on each
 * object it asked about: the fields the fetch selects on that object's type, that the operation
 * asked for there, that @include / @skip did not switch off, and that no other fetch filled.
 * Once more without a path when the failure may also have emptied what cannot be named: a field
 * another fetch partly filled (a shared object such as Citizen.balances), or a field the
 * operation never asked for (a @requires input a later fetch needed). Only once without a path
 * when nothing can be named, or more than MAX_PLACED_ERRORS.
 */
export function placeFetchFailure(error: GraphQLError, failed: FailedFetch): GraphQLError[] {
  const filled = filledFields(failed.fetch);
  const fragments = fragmentsOf(failed.document);
  const selectedByPath = new Map<string, Set<string>>();
  const paths: ResponsePath[] = [];
  let unnamed = false;
  for (const { object, path } of failed.sent) {
    const keys = path.filter((key): key is string => typeof key === 'string');
    const pathKey = keys.join('\u0000');
    let selected = selectedByPath.get(pathKey);
    if (!selected) {
      selected = new Set();
      selectedAt(failed.operation.selectionSet, fragments, keys, 0, selected);
      selectedByPath.set(pathKey, selected);
    }
    const names = new Set<string>();
    for (const field of fieldsOn(object, filled, failed)) {
      // Names with two underscores are the gateway's own hidden selections (the audit's), never the partner's.
      if (field.name.startsWith('__')) continue;
      const value = ownValue(object, field.name);
      if (!selected.has(field.name) || (value !== undefined && value !== null)) unnamed = true;
      else names.add(field.name);
    }
    for (const name of names) paths.push([...path, name]);
    if (paths.length > MAX_PLACED_ERRORS) return [error];
  }
  if (paths.length === 0) return [error];
  const placed = paths.map((path) => new GraphQLError(error.message, { path, originalError: error.originalError ?? error, extensions: { ...error.extensions } }));
  return unnamed ? [...placed, error] : placed;
}
