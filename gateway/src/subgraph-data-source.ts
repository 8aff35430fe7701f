/**
 * How the gateway calls one subgraph, for our plan executor and @apollo/gateway's alike (it
 * replaces RemoteGraphQLDataSource). The request body is serialised once, before the features'
 * hooks run, so a hook that signs the request (features/subgraph-context.ts) signs exactly the
 * bytes that are sent and the subgraph can check them as received, without re-serialising.
 * Failures surface as RemoteGraphQLDataSource's did: a non-2xx answer is a GraphQLError with
 * extensions.response { status, body } (401 → UNAUTHENTICATED, 403 → FORBIDDEN), and every
 * failure goes through `onError` (the bureau-naming UPSTREAM_* mapping).
 */
import { STATUS_CODES } from 'node:http';
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { Fetcher, FetcherHeaders } from '@apollo/utils.fetcher';
import { GraphQLError } from 'graphql';
import type { GatewayContext, SubgraphRequestHook } from './pipeline';

/** Request headers as a plain record (lower-case names): all a hook does is set(). */
export class HeaderBag implements FetcherHeaders {
  readonly record: Record<string, string> = Object.create(null) as Record<string, string>;

  constructor(initial: Record<string, string> = {}) {
    for (const [name, value] of Object.entries(initial)) this.set(name, value);
  }
  append(name: string, value: string): void {
    const key = name.toLowerCase();
    this.record[key] = key in this.record ? `${this.record[key]}, ${value}` : value;
  }
  delete(name: string): void {
    delete this.record[name.toLowerCase()];
  }
  get(name: string): string | null {
    return this.record[name.toLowerCase()] ?? null;
  }
  has(name: string): boolean {
    return name.toLowerCase() in this.record;
  }
  set(name: string, value: string): void {
    this.record[name.toLowerCase()] = value;
  }
  entries(): IterableIterator<[string, string]> {
    return Object.entries(this.record)[Symbol.iterator]();
  }
  keys(): IterableIterator<string> {
    return Object.keys(this.record)[Symbol.iterator]();
  }
  values(): IterableIterator<string> {
    return Object.values(this.record)[Symbol.iterator]();
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

export interface SubgraphDataSourceOptions {
  name: string;
  url: string;
  fetcher: Fetcher;
  hooks: readonly SubgraphRequestHook[];
  /** Whether the request context is a partner request's (health checks and schema loads are not). */
  isGatewayContext(context: unknown): context is GatewayContext;
  onError(error: unknown): unknown;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export class SubgraphDataSource implements GraphQLDataSource<GatewayContext> {
  constructor(private readonly options: SubgraphDataSourceOptions) {}

  async process(processOptions: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const { name, url, fetcher, hooks } = this.options;
    const { request, context } = processOptions;
    if (!request.query) throw new Error('Missing query');
    const headers = new HeaderBag({ 'content-type': 'application/json' });
    request.http = { method: 'POST', url, headers };
    const body = JSON.stringify({ query: request.query, variables: request.variables, operationName: request.operationName, extensions: request.extensions });
    if (this.options.isGatewayContext(context)) for (const hook of hooks) await hook({ subgraph: name, request, context, body });
    try {
      const response = await fetcher(url, { method: 'POST', headers: headers.record, body });
      const text = await response.text();
      if (!response.ok) {
        const extensions: Record<string, unknown> = {
          response: { url, status: response.status, statusText: STATUS_CODES[response.status] ?? '', body: parseJson(text) },
        };
        if (response.status === 401) extensions.code = 'UNAUTHENTICATED';
        else if (response.status === 403) extensions.code = 'FORBIDDEN';
        throw new GraphQLError(`${response.status}: ${STATUS_CODES[response.status] ?? ''}`, { extensions });
      }
      const answer = parseJson(text);
      if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) throw new Error(`Expected JSON response body, but received: ${text.slice(0, 200)}`);
      return answer as GatewayGraphQLResponse;
    } catch (error) {
      throw this.options.onError(error);
    }
  }
}
