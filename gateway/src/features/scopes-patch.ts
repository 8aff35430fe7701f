/**
 * Puts the cut fields back into the response as null, the way GraphQL treats a field that
 * failed: a null in a non-null position propagates to the nearest nullable field or list item
 * (so the response never breaks the schema the partner codes against).
 */
import { isListType, isNonNullType, type GraphQLOutputType } from 'graphql';
import { PLACEHOLDER_ALIAS, type PatchNode } from './scopes-rewrite';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when this value (of `type`, non-null wrapper removed by the caller) must become null. */
function patchValue(value: unknown, type: GraphQLOutputType, node: PatchNode): boolean {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) {
    if (!Array.isArray(value)) return false;
    const item = inner.ofType as GraphQLOutputType;
    for (let index = 0; index < value.length; index += 1) {
      if (value[index] === null || value[index] === undefined) continue;
      if (patchValue(value[index], item, node)) {
        if (isNonNullType(item)) return true;
        value[index] = null;
      }
    }
    return false;
  }
  return isObject(value) ? patchObject(value, node) : false;
}

/** True when the object must become null (a non-null field under it was cut). */
export function patchObject(object: JsonObject, node: PatchNode): boolean {
  delete object[PLACEHOLDER_ALIAS];
  for (const [key, child] of node.children) {
    let mustBeNull: boolean;
    if (child.forbidden) {
      mustBeNull = true;
    } else {
      const value = object[key];
      mustBeNull = value !== null && value !== undefined && child.type !== null && patchValue(value, child.type, child);
    }
    if (!mustBeNull) continue;
    if (child.type !== null && isNonNullType(child.type)) return true;
    object[key] = null;
  }
  return false;
}

/** The response data with every cut field answered; null when the null reached the root. */
export function patchData(data: JsonObject | null | undefined, patch: PatchNode): JsonObject | null | undefined {
  if (!isObject(data)) return data;
  return patchObject(data, patch) ? null : data;
}
