/**
 * Turns the merged subgraph data into the partner's response: only the fields asked for, under
 * their aliases, in the order asked, with __typename answered, @skip/@include honoured and
 * nulls in non-null positions bubbled up to the nearest nullable parent. Same results and
 * errors as @apollo/gateway's computeResponse, over a precompiled ResponseShape.
 */
import { GraphQLError } from 'graphql';
import type { ResponseShape, SelectionShape, SkipCondition, TypeShape } from './response-shape';

type JsonObject = Record<string, unknown>;
type Path = Array<string | number>;

interface ShapeState {
  shape: ResponseShape;
  variables: Record<string, unknown>;
  errors: GraphQLError[];
  /** Set by completeValue: the value was null in a non-null position (bubble up). */
  invalid: boolean;
  /** Set by completeValue: an error was already recorded beneath this value. */
  hasErrors: boolean;
}

export interface ShapedResponse {
  data: JsonObject | null;
  errors: GraphQLError[];
}

function skipped(conditions: SkipCondition[], state: ShapeState): boolean {
  for (const condition of conditions) {
    let value: unknown = condition.literal;
    if (condition.variable !== null) {
      value = state.variables[condition.variable];
      if (value === undefined) value = state.shape.variableDefaults[condition.variable];
    }
    if (value === condition.skipWhen) return true;
  }
  return false;
}

function invalidGraphQL(message: string, path: Path): GraphQLError {
  return new GraphQLError(message, { path: path.slice(), extensions: { code: 'INVALID_GRAPHQL' } });
}

function describeLast(path: Path, type: TypeShape, parentType: string): string {
  const element = path[path.length - 1];
  return typeof element === 'string' ? `field ${parentType}.${element}` : `array element of type ${type.display} at index ${String(element)}`;
}

function typeConditionApplies(state: ShapeState, selection: SelectionShape & { kind: 'fragment' }, typename: unknown, parentType: string): boolean {
  if (selection.typeCondition === null || selection.concreteTypes === null) return true;
  if (typeof typename === 'string' && typename !== '') return selection.concreteTypes.has(typename);
  return selection.typeCondition === parentType || selection.concreteTypes.has(parentType) || state.shape.abstractCovers(selection.typeCondition, parentType);
}

/** False when the object must become null (a non-null field beneath it is null). */
function applySelections(input: JsonObject, selections: SelectionShape[], output: JsonObject, state: ShapeState, path: Path, parentType: string): boolean {
  for (const selection of selections) {
    if (selection.conditions.length > 0 && skipped(selection.conditions, state)) continue;
    if (selection.kind === 'fragment') {
      const typename = input.__typename;
      if (typeConditionApplies(state, selection, typename, parentType)) {
        if (!applySelections(input, selection.selections, output, state, path, selection.typeCondition ?? parentType)) return false;
      }
      continue;
    }
    const { responseName } = selection;
    const outputValue = output[responseName];
    let inputValue = Object.prototype.hasOwnProperty.call(input, responseName) ? input[responseName] : undefined;
    if (inputValue === undefined) inputValue = null;
    if (selection.typename) {
      if (outputValue !== undefined) continue;
      if (inputValue === null && responseName !== '__typename') inputValue = input.__typename ?? null;
      const typeName = typeof inputValue === 'string' && state.shape.compositeTypes.has(inputValue) ? inputValue : parentType;
      if (!state.shape.objectTypes.has(typeName)) return false;
      output[responseName] = typeName;
      continue;
    }
    path.push(responseName);
    const updated = completeValue(outputValue, selection.type, inputValue, selection.selections, state, path, parentType);
    output[responseName] = updated;
    path.pop();
    if (state.invalid) return false;
  }
  return true;
}

/**
 * The value for one position. Sets state.invalid when a null lands in a non-null position and
 * state.hasErrors when an error was recorded beneath it (so the parent does not record another).
 */
function completeValue(
  outputValue: unknown,
  type: TypeShape,
  inputValue: unknown,
  selections: SelectionShape[] | null,
  state: ShapeState,
  path: Path,
  parentType: string,
): unknown {
  state.invalid = false;
  state.hasErrors = false;
  if (outputValue === null || (outputValue !== undefined && selections === null)) return outputValue;
  if (type.nonNull) {
    const updated = completeNullable(outputValue, type, inputValue, selections, state, path, parentType);
    if (updated === null) {
      if (!state.hasErrors) state.errors.push(invalidGraphQL(`Cannot return null for non-nullable ${describeLast(path, type, parentType)}.`, path));
      state.invalid = true;
      state.hasErrors = true;
    }
    return updated;
  }
  return completeNullable(outputValue, type, inputValue, selections, state, path, parentType);
}

function completeNullable(
  outputValue: unknown,
  type: TypeShape,
  inputValue: unknown,
  selections: SelectionShape[] | null,
  state: ShapeState,
  path: Path,
  parentType: string,
): unknown {
  state.invalid = false;
  state.hasErrors = false;
  if (inputValue === null) return null;
  if (type.item !== null) {
    if (!Array.isArray(inputValue)) throw new Error(`Invalid non-list value returned by subgraph for list type ${type.display}`);
    const outputList = outputValue === undefined ? null : (outputValue as unknown[]);
    if (outputList !== null && outputList.length !== inputValue.length) throw new Error(`list length mismatch at ${path.join('.')}`);
    const updated = new Array<unknown>(inputValue.length);
    let nullify = false;
    let hasErrors = false;
    for (let index = 0; index < inputValue.length; index += 1) {
      path.push(index);
      updated[index] = completeValue(outputList === null ? undefined : outputList[index], type.item, inputValue[index], selections, state, path, parentType);
      path.pop();
      nullify ||= state.invalid;
      hasErrors ||= state.hasErrors;
    }
    state.invalid = false;
    state.hasErrors = hasErrors;
    return nullify ? null : updated;
  }
  if (type.composite !== null) {
    if (selections === null || typeof inputValue !== 'object') throw new Error(`Invalid non-object value returned by subgraph for composite type ${type.display}`);
    const input = inputValue as JsonObject;
    const inputTypename = input.__typename;
    let objectType = type.composite;
    if (inputTypename !== undefined) {
      if (typeof inputTypename !== 'string' || !state.shape.compositeTypes.has(inputTypename)) {
        state.errors.push(invalidGraphQL(`Invalid __typename found for object at ${describeLast(path, type, parentType)}.`, path));
        state.hasErrors = true;
        return null;
      }
      objectType = inputTypename;
    }
    const output = outputValue === undefined ? (Object.create(null) as JsonObject) : (outputValue as JsonObject);
    const ok = applySelections(input, selections, output, state, path, objectType);
    state.invalid = false;
    state.hasErrors = !ok;
    return ok ? output : null;
  }
  const valid = type.leaf === null || type.leaf(inputValue);
  if (!valid) {
    state.errors.push(invalidGraphQL(`Invalid value found for ${describeLast(path, type, parentType)}.`, path));
    state.hasErrors = true;
  }
  return valid ? inputValue : null;
}

export function shapeResponse(shape: ResponseShape, input: JsonObject, variables: Record<string, unknown> | undefined): ShapedResponse {
  const state: ShapeState = { shape, variables: variables ?? {}, errors: [], invalid: false, hasErrors: false };
  const data = Object.create(null) as JsonObject;
  const ok = applySelections(input, shape.selections, data, state, [], shape.rootType);
  return { data: ok ? data : null, errors: state.errors };
}
