/** How many fetches a query plan makes to each subgraph, planned by Apollo's own query planner. */
import { Supergraph, operationFromDocument } from '@apollo/federation-internals';
import { QueryPlanner, type PlanNode, type QueryPlan } from '@apollo/query-planner';
import { parse } from 'graphql';

function countFetches(node: PlanNode | undefined, counts: Record<string, number>): void {
  if (!node) return;
  switch (node.kind) {
    case 'Fetch':
      counts[node.serviceName] = (counts[node.serviceName] ?? 0) + 1;
      return;
    case 'Sequence':
    case 'Parallel':
      for (const child of node.nodes) countFetches(child, counts);
      return;
    case 'Flatten':
      countFetches(node.node, counts);
      return;
    default:
      throw new Error(`plan node ${node.kind} not expected in this schema`);
  }
}

export function fetchesPerSubgraph(supergraphSdl: string, query: string): Record<string, number> {
  const supergraph = Supergraph.build(supergraphSdl);
  const planner = new QueryPlanner(supergraph);
  const operation = operationFromDocument(supergraph.schema, parse(query));
  const plan: QueryPlan = planner.buildQueryPlan(operation);
  const counts: Record<string, number> = {};
  countFetches(plan.node as PlanNode | undefined, counts);
  return counts;
}
