/**
 * Merging one subgraph's answer into the data gathered so far, and picking the `requires`
 * selection out of an entity to send as its representation.
 */
import type { QueryPlanSelectionNode } from '@apollo/query-planner';

export type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own property, even for "__proto__" (subgraph JSON can carry any key). */
export function setOwn(target: JsonObject, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** Objects merge key by key; lists of the same length merge item by item; anything else replaces. */
export function deepMerge(target: JsonObject, source: unknown): void {
  if (!isObject(source)) return;
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (value === undefined) continue;
    const existing = Object.prototype.hasOwnProperty.call(target, key) ? target[key] : undefined;
    if (existing && isObject(value) && isObject(existing)) {
      deepMerge(existing, value);
    } else if (Array.isArray(value) && Array.isArray(existing) && value.length === existing.length) {
      for (let index = 0; index < value.length; index += 1) {
        const item = value[index] as unknown;
        const current = existing[index] as unknown;
        if (isObject(current) && isObject(item)) deepMerge(current, item);
        else existing[index] = item;
      }
    } else {
      setOwn(target, key, value);
    }
  }
}

/**
 * Decides whether an inline fragment's type condition covers an object of the given
 * __typename (equal, or an abstract condition with the type among its possible types).
 */
export type TypeConditionCheck = (typename: string, typeCondition: string) => boolean;

/**
 * The entity's fields named by `requires`; null when one of them is missing, so the entity is
 * not sent (it could not be resolved by that subgraph).
 */
export function representationOf(source: unknown, selections: readonly QueryPlanSelectionNode[], covers: TypeConditionCheck): JsonObject | null {
  if (source === null || typeof source !== 'object') return null;
  const entity = source as JsonObject;
  const result = Object.create(null) as JsonObject;
  for (const selection of selections) {
    if (selection.kind === 'Field') {
      const responseName = selection.alias ?? selection.name;
      const value = Object.prototype.hasOwnProperty.call(entity, responseName) ? entity[responseName] : undefined;
      if (value === undefined) return null;
      const nested = selection.selections;
      if (Array.isArray(value)) result[responseName] = nested ? value.map((item: unknown) => representationOf(item, nested, covers)) : value;
      else result[responseName] = nested ? representationOf(value, nested, covers) : value;
      continue;
    }
    const typename = entity.__typename;
    if (!selection.typeCondition || typeof typename !== 'string' || typename === '') continue;
    if (covers(typename, selection.typeCondition)) deepMerge(result, representationOf(entity, selection.selections, covers));
  }
  return result;
}
