/**
 * A fetch that failed as a whole — the subgraph unreachable, cut at the deadline, or its answer
 * unusable — leaves every field it was to fill null. Its error is given once per such field, at
 * that field's path, as a subgraph reports a field its bureau could not answer: a partner sees
 * which fields are missing and why, not only that something was. @apollo/gateway gives one error
 * without a path here.
 */
import type { FetchNode } from '@apollo/query-planner';
import { GraphQLError, Kind, parse, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import type { JsonObject } from './merge';
import { responsePathsAt, valuesAtPath, type ResponsePath } from './response-paths';

/** Response names a fetch fills, by the type they apply to ('' for every type). */
type FilledFields = ReadonlyMap<string, readonly string[]>;

const filledByFetch = new WeakMap<FetchNode, FilledFields>();

function collectFields(set: SelectionSetNode, onType: string, fragments: ReadonlyMap<string, FragmentDefinitionNode>, into: Map<string, string[]>): void {
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      const name = selection.alias?.value ?? selection.name.value;
      if (name === '__typename') continue;
      const fields = into.get(onType) ?? [];
      if (!fields.includes(name)) fields.push(name);
      into.set(onType, fields);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      collectFields(selection.selectionSet, selection.typeCondition?.name.value ?? onType, fragments, into);
    } else {
      const fragment = fragments.get(selection.name.value);
      if (fragment) collectFields(fragment.selectionSet, fragment.typeCondition.name.value, fragments, into);
    }
  }
}

/** The first-level fields of the fetch: under `_entities` for an entity fetch, the root fields otherwise. */
function filledFields(fetch: FetchNode): FilledFields {
  let filled = filledByFetch.get(fetch);
  if (filled) return filled;
  const document: DocumentNode = fetch.operationDocumentNode ?? parse(fetch.operation);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const operation = document.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  const fields = new Map<string, string[]>();
  if (operation) {
    let set: SelectionSetNode | undefined = operation.selectionSet;
    if (fetch.requires) {
      const entities = set.selections.find((selection) => selection.kind === Kind.FIELD && selection.name.value === '_entities');
      set = entities?.kind === Kind.FIELD ? entities.selectionSet : undefined;
    }
    if (set) collectFields(set, '', fragments, fields);
  }
  filled = fields;
  filledByFetch.set(fetch, filled);
  return filled;
}

/**
 * The fetch's error at the path of each field it left empty, for every object the fetch was to
 * fill at the plan's `path` under `root`. The error as it was when there is no such field.
 */
export function placeFetchFailure(error: GraphQLError, fetch: FetchNode, cursor: { path: readonly string[] }, root: JsonObject): GraphQLError[] {
  const filled = filledFields(fetch);
  const objects: unknown[] = [];
  const paths: ResponsePath[] = [];
  valuesAtPath(root, cursor.path, 0, objects);
  responsePathsAt(root, cursor.path, 0, [], paths);
  const placed: GraphQLError[] = [];
  objects.forEach((object, index) => {
    const typename = (object as JsonObject).__typename;
    const names = [...(filled.get('') ?? []), ...(typeof typename === 'string' ? (filled.get(typename) ?? []) : [])];
    for (const name of new Set(names)) {
      placed.push(new GraphQLError(error.message, { path: [...(paths[index] as ResponsePath), name], originalError: error.originalError ?? undefined, extensions: error.extensions }));
    }
  });
  return placed.length > 0 ? placed : [error];
}
