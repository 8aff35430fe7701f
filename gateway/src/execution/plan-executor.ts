/**
 * The gateway's executor: Apollo's query planner, our plan runner and response shaper.
 *
 * Each distinct operation (query hash and operation name, as @apollo/gateway keys its plan
 * cache; features that swap the document change the hash) is planned and compiled once. Per
 * request only the fetches, the merges and the shaping run. Operations the runner does not
 * handle (introspection, @defer, subscriptions, plans with data rewrites) go to
 * @apollo/gateway's own executor, so behaviour there is exactly Apollo's.
 */
import type { ApolloGateway, GraphQLDataSource } from '@apollo/gateway';
import { Supergraph, operationFromDocument } from '@apollo/federation-internals';
import { QueryPlanner, type QueryPlan } from '@apollo/query-planner';
import type { GatewayExecutor, GatewayGraphQLRequestContext, GatewayInterface } from '@apollo/server-gateway-interface';
import { GraphQLError, getVariableValues, isAbstractType, type GraphQLSchema } from 'graphql';
import { compileResponseShape, type ResponseShape } from './response-shape';
import { shapeResponse } from './shape-response';
import { executePlanNode, planIsSupported, type PlanRun } from './execute-plan';
import { placeFetchFailure } from './fetch-failure';
import type { JsonObject, TypeConditionCheck } from './merge';

interface CompiledOperation {
  plan: QueryPlan;
  shape: ResponseShape;
}

/** Left to @apollo/gateway's executor. */
const FALLBACK = 'fallback' as const;

export interface PlanExecutorOptions {
  supergraphSdl: string;
  /** The subgraphs' data sources by name (the ones @apollo/gateway built, hooks and all). */
  dataSources: ReadonlyMap<string, GraphQLDataSource>;
  fallback: GatewayExecutor;
  /** How many compiled operations to keep (least recently used go first). */
  maxOperations?: number;
}

function typeConditionCheck(schema: GraphQLSchema): TypeConditionCheck {
  const answers = new Map<string, boolean>();
  return (typename, typeCondition) => {
    if (typename === typeCondition) return true;
    const key = `${typename}\u0000${typeCondition}`;
    let answer = answers.get(key);
    if (answer === undefined) {
      const type = schema.getType(typename);
      const condition = schema.getType(typeCondition);
      answer = !!type && !!condition && isAbstractType(condition) && schema.isSubType(condition, type as never);
      answers.set(key, answer);
    }
    return answer;
  };
}

export function createPlanExecutor(options: PlanExecutorOptions): GatewayExecutor {
  const supergraph = Supergraph.build(options.supergraphSdl);
  const apiSchema = supergraph.apiSchema();
  const planner = new QueryPlanner(supergraph);
  const covers = typeConditionCheck(supergraph.schema.toGraphQLJSSchema());
  const maxOperations = options.maxOperations ?? 2000;
  const compiled = new Map<string, CompiledOperation | typeof FALLBACK>();
  let compiledFor: GraphQLSchema | null = null;

  const compile = (requestContext: GatewayGraphQLRequestContext): CompiledOperation | typeof FALLBACK => {
    try {
      const operation = operationFromDocument(apiSchema, requestContext.document, { operationName: requestContext.operationName ?? undefined });
      const plan = planner.buildQueryPlan(operation);
      if (!planIsSupported(plan)) return FALLBACK;
      return { plan, shape: compileResponseShape(requestContext.schema, requestContext.document, requestContext.operation) };
    } catch {
      // Introspection, or anything Apollo's executor answers with its own error.
      return FALLBACK;
    }
  };

  const lookup = (requestContext: GatewayGraphQLRequestContext): CompiledOperation | typeof FALLBACK => {
    if (compiledFor !== requestContext.schema) {
      compiled.clear();
      compiledFor = requestContext.schema;
    }
    const key = `${requestContext.queryHash}\u0000${requestContext.operationName ?? ''}`;
    let entry = compiled.get(key);
    if (entry === undefined) {
      entry = compile(requestContext);
      if (compiled.size >= maxOperations) compiled.delete(compiled.keys().next().value as string);
    } else {
      compiled.delete(key);
    }
    compiled.set(key, entry);
    return entry;
  };

  return async (requestContext) => {
    const entry = lookup(requestContext);
    if (entry === FALLBACK) return options.fallback(requestContext);
    const variables = requestContext.request.variables;
    const definitions = requestContext.operation.variableDefinitions;
    if (definitions && definitions.length > 0) {
      const { errors } = getVariableValues(requestContext.schema, definitions, variables ?? {});
      if (errors) return { errors };
    }
    const root = Object.create(null) as JsonObject;
    const run: PlanRun = {
      dataSources: options.dataSources,
      requestContext,
      covers,
      conditionValue: (name) => (variables && variables[name] !== undefined ? variables[name] : entry.shape.variableDefaults[name]),
      errors: [],
      fetchFailures: [],
      root,
    };
    const node = entry.plan.node;
    if (node && node.kind !== 'Subscription') await executePlanNode(run, node, { path: [], data: root });
    // After the whole plan: whether another fetch filled a field is known only now.
    for (const { error, failed } of run.fetchFailures) run.errors.push(...placeFetchFailure(error, failed));
    let shaped;
    try {
      shaped = shapeResponse(entry.shape, root, variables);
    } catch (error) {
      return { errors: [new GraphQLError(error instanceof Error ? error.message : 'Unexpected error during query plan execution', { originalError: error instanceof Error ? error : undefined })] };
    }
    // As @apollo/gateway: shaping errors surface only when nothing else failed.
    if (run.errors.length === 0 && shaped.errors.length > 0) return { extensions: { valueCompletion: shaped.errors }, data: shaped.data };
    return run.errors.length === 0 ? { data: shaped.data } : { errors: run.errors, data: shaped.data };
  };
}

/**
 * @apollo/gateway with its executor swapped for createPlanExecutor; its own stays
 * behind for what ours leaves to it. Schema loading and stopping are @apollo/gateway's.
 */
export function withPlanExecutor(gateway: ApolloGateway, supergraphSdl: string, dataSources: ReadonlyMap<string, GraphQLDataSource>): GatewayInterface {
  return {
    onSchemaLoadOrUpdate: (callback) => gateway.onSchemaLoadOrUpdate(callback),
    stop: () => gateway.stop(),
    load: async (options) => {
      const loaded = await gateway.load(options);
      return { ...loaded, executor: createPlanExecutor({ supergraphSdl, dataSources, fallback: loaded.executor }) };
    },
  };
}
