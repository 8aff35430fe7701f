/**
 * Runs a query plan from Apollo's planner: fetches in sequence and in parallel, entity
 * representations built from the `requires` selections, each answer merged into the data at its
 * path, and subgraph errors moved to the partner's path with the subgraph's name on them.
 * Plans this module does not run (@defer, subscriptions, data rewrites) are recognised by
 * `planIsSupported` and left to @apollo/gateway's own executor.
 */
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { FetchNode, PlanNode, QueryPlan } from '@apollo/query-planner';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { nullFieldsOfFailedFetch, type FailedFetch } from './fetch-failure';
import { deepMerge, representationOf, type JsonObject, type TypeConditionCheck } from './merge';
import { responsePathsAt, valuesAtPath, type ResponsePath } from './response-paths';

interface Cursor {
  /** The plan's path to here ("@" for every list item). */
  path: string[];
  data: unknown;
}

export interface PlanRun {
  dataSources: ReadonlyMap<string, GraphQLDataSource>;
  requestContext: GatewayGraphQLRequestContext;
  covers: TypeConditionCheck;
  /** Values of the operation's variables for Condition nodes (defaults included). */
  conditionValue(variable: string): unknown;
  errors: GraphQLError[];
  /** Fetches that failed as a whole, placed once the plan has run (fetch-failure.ts). */
  fetchFailures: Array<{ error: GraphQLError; failed: FailedFetch }>;
  root: JsonObject;
}

export function planIsSupported(plan: QueryPlan): boolean {
  const supported = (node: PlanNode): boolean => {
    switch (node.kind) {
      case 'Sequence':
      case 'Parallel':
        return node.nodes.every(supported);
      case 'Flatten':
        return supported(node.node);
      case 'Condition':
        return (!node.ifClause || supported(node.ifClause)) && (!node.elseClause || supported(node.elseClause));
      case 'Fetch':
        return !node.inputRewrites?.length && !node.outputRewrites?.length && !node.contextRewrites?.length && !node.hasDefers;
      default:
        return false;
    }
  };
  return plan.node === undefined || (plan.node.kind !== 'Subscription' && supported(plan.node));
}

export async function executePlanNode(run: PlanRun, node: PlanNode, cursor: Cursor): Promise<void> {
  switch (node.kind) {
    case 'Sequence':
      for (const child of node.nodes) await executePlanNode(run, child, cursor);
      return;
    case 'Parallel':
      await Promise.all(node.nodes.map((child) => executePlanNode(run, child, cursor)));
      return;
    case 'Flatten': {
      const path = node.path.map(String);
      return executePlanNode(run, node.node, { path: [...cursor.path, ...path], data: cursor.data === undefined ? undefined : flattenAt(cursor.data, path) });
    }
    case 'Condition': {
      const value = run.conditionValue(node.condition);
      if (typeof value !== 'boolean') throw new Error(`Invalid non-boolean value for Boolean! variable $${node.condition}`);
      const branch = value ? node.ifClause : node.elseClause;
      if (branch) await executePlanNode(run, branch, cursor);
      return;
    }
    case 'Fetch':
      try {
        await executeFetch(run, node, cursor);
      } catch (error) {
        run.errors.push(asGraphQLError(error));
      }
      return;
    default:
      throw new Error(`plan node ${node.kind} is not supported here`);
  }
}

/** The values a Flatten's path reaches from the cursor (a flat list once "@" is crossed). */
function flattenAt(data: unknown, path: readonly string[]): unknown {
  if (!path.includes('@')) {
    let current = data;
    for (const key of path) {
      if (current === null || current === undefined || Array.isArray(current)) return undefined;
      current = (current as JsonObject)[key];
    }
    return current;
  }
  const values: unknown[] = [];
  valuesAtPath(data, path, 0, values);
  return values;
}

function variablesFor(fetch: FetchNode, provided: Record<string, unknown> | undefined): JsonObject {
  const variables = Object.create(null) as JsonObject;
  if (!fetch.variableUsages || !provided) return variables;
  for (const name of fetch.variableUsages) {
    if (Object.prototype.hasOwnProperty.call(provided, name) && provided[name] !== undefined) variables[name] = provided[name];
  }
  return variables;
}

function asGraphQLError(error: unknown): GraphQLError {
  return error instanceof GraphQLError ? error : new GraphQLError(error instanceof Error ? error.message : String(error), { originalError: error instanceof Error ? error : undefined });
}

/** The non-null objects at the cursor, in the order responsePathsAt gives their paths. */
function objectsAt(data: unknown): JsonObject[] {
  const objects: JsonObject[] = [];
  if (Array.isArray(data)) {
    for (const item of data) if (item !== null && item !== undefined) objects.push(item as JsonObject);
  } else if (data !== null && data !== undefined) {
    objects.push(data as JsonObject);
  }
  return objects;
}

async function executeFetch(run: PlanRun, fetch: FetchNode, cursor: Cursor): Promise<void> {
  const service = run.dataSources.get(fetch.serviceName);
  if (!service) throw new Error(`Couldn't find service with name "${fetch.serviceName}"`);
  const entities = objectsAt(cursor.data);
  if (entities.length === 0) return;
  const variables = variablesFor(fetch, run.requestContext.request.variables);

  // A root fetch asks about the one object at the cursor; an entity fetch about each entity it has a representation of.
  let entityIndexes: number[] | null = null;
  if (fetch.requires) {
    const representations: JsonObject[] = [];
    entityIndexes = [];
    for (let index = 0; index < entities.length; index += 1) {
      const representation = representationOf(entities[index], fetch.requires, run.covers);
      if (representation && representation.__typename) {
        representations.push(representation);
        entityIndexes.push(index);
      }
    }
    if (representations.length === 0) return;
    if ('representations' in variables) throw new Error('Variables cannot contain key "representations"');
    variables.representations = representations;
  }
  try {
    const data = await send(run, service, fetch, cursor, variables, entityIndexes);
    if (entityIndexes === null) {
      for (const entity of entities) deepMerge(entity, data);
    } else {
      mergeEntities(entities, entityIndexes, data);
    }
  } catch (error) {
    const paths: ResponsePath[] = [];
    responsePathsAt(run.root, cursor.path, 0, [], paths);
    const asked = entityIndexes ?? entities.map((_, index) => index);
    const sent = asked.map((index) => ({ object: entities[index] as JsonObject, path: paths[index] ?? [] }));
    const { operation, document } = run.requestContext;
    const failed: FailedFetch = { fetch, sent, covers: run.covers, conditionValue: run.conditionValue, operation, document };
    nullFieldsOfFailedFetch(failed);
    run.fetchFailures.push({ error: asGraphQLError(error), failed });
  }
}

/** An entity fetch's answers merged into the entities they were asked for, in the order sent. */
function mergeEntities(entities: readonly JsonObject[], entityIndexes: readonly number[], data: JsonObject | null | undefined): void {
  if (!data) return;
  const received = data._entities;
  if (!Array.isArray(received)) throw new Error('Expected "data._entities" in response to be an array');
  if (received.length !== entityIndexes.length) throw new Error(`Expected "data._entities" to contain ${entityIndexes.length} elements`);
  for (let index = 0; index < received.length; index += 1) {
    const entity = entities[entityIndexes[index] as number] as JsonObject;
    const answer = received[index] as JsonObject | null;
    if (answer && !answer.__typename) answer.__typename = entity.__typename;
    deepMerge(entity, answer);
  }
}

async function send(
  run: PlanRun,
  service: GraphQLDataSource,
  fetch: FetchNode,
  cursor: Cursor,
  variables: JsonObject,
  entityIndexes: number[] | null,
): Promise<JsonObject | null | undefined> {
  const options = {
    // GraphQLDataSourceRequestKind.INCOMING_OPERATION (a string enum @apollo/gateway keeps in dist/).
    kind: 'incoming operation',
    request: { query: fetch.operation, variables, operationName: fetch.operationName },
    incomingRequestContext: run.requestContext,
    context: run.requestContext.context,
    document: fetch.operationDocumentNode,
    pathInIncomingRequest: cursor.path,
  } as unknown as GraphQLDataSourceProcessOptions;
  const response = await service.process(options);
  if (response.errors) {
    const pathOf = errorPathMapper(run, cursor, entityIndexes);
    for (const error of response.errors) run.errors.push(downstreamError(error, fetch.serviceName, pathOf(error.path)));
  }
  return response.data as JsonObject | null | undefined;
}

/** Maps a subgraph error's path (`_entities.i…` for entity fetches) to the partner's path. */
function errorPathMapper(run: PlanRun, cursor: Cursor, entityIndexes: number[] | null): (path: GraphQLFormattedError['path']) => ResponsePath | undefined {
  let entityPaths: ResponsePath[] | null = null;
  return (path) => {
    if (!path) return undefined;
    if (entityIndexes !== null && typeof path[1] === 'number') {
      if (entityPaths === null) {
        entityPaths = [];
        responsePathsAt(run.root, cursor.path, 0, [], entityPaths);
      }
      const entityIndex = entityIndexes[path[1]];
      const base = entityIndex === undefined ? [] : (entityPaths[entityIndex] ?? []);
      return [...base, ...path.slice(2)];
    }
    return [...cursor.path, ...path];
  };
}

function downstreamError(error: GraphQLFormattedError, serviceName: string, path: ResponsePath | undefined): GraphQLError {
  const extensions = { ...(error.extensions ?? {}), serviceName } as Record<string, unknown>;
  if (extensions.code === undefined) extensions.code = 'DOWNSTREAM_SERVICE_ERROR';
  const message = error.message || `Error while fetching subquery from service "${serviceName}"`;
  return new GraphQLError(message, { originalError: error as unknown as Error, path, extensions });
}
