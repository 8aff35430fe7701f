/** Test helpers for talking to a running subgraph over HTTP. */
import { randomBytes } from 'node:crypto';
import { createPseudonyms, type Pseudonyms } from '../pseudonyms';

export interface GraphQLAnswer<TData = Record<string, unknown>> {
  status: number;
  data?: TData | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

export async function postGraphQL<TData = Record<string, any>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLAnswer<TData>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLAnswer<TData>, 'status'>;
  return { status: response.status, ...body };
}

/** Fresh random keys: tests never share key material with any deployment. */
export function testPseudonyms(): Pseudonyms {
  return createPseudonyms({ idKey: randomBytes(32), refKey: randomBytes(16) });
}

/** The fixture's extraction moment is 2026-11-01 00:00 in Shanghai; tests run at noon that day. */
export const FIXTURE_NOW = Date.parse('2026-11-01T04:00:00Z');
