/**
 * Cursor paging shared by TransitCard.transactions and Query.topUps. A cursor names a position
 * (a time and an id, newest first) rather than an offset, so a page boundary survives records
 * arriving in between — transaction records arrive late and out of order.
 */
import { GraphQLError } from 'graphql';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

const CURSOR = /^v1\|(\d{1,15})\|([A-Za-z0-9_-]{1,64})$/;

export function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

export function encodeCursor(atMs: number, id: string): string {
  return Buffer.from(`v1|${atMs}|${id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): { atMs: number; id: string } {
  const match = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8')) : null;
  if (!match || match[1] === undefined || match[2] === undefined) throw badInput('Malformed cursor');
  return { atMs: Number(match[1]), id: match[2] };
}

export function pageSize(first: number | null | undefined): number {
  const size = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) throw badInput(`first must be 0..${MAX_PAGE_SIZE}`);
  return size;
}

export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export function connectionOf<T>(nodes: readonly T[], hasNextPage: boolean, cursorOf: (node: T) => string): Connection<T> {
  const edges = nodes.map((node) => ({ cursor: cursorOf(node), node }));
  return { edges, pageInfo: { hasNextPage, endCursor: edges[edges.length - 1]?.cursor ?? null } };
}
