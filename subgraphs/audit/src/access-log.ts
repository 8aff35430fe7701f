/**
 * Citizen.accessLog: the audit trail's records for one pseudonymous id, newest first, paged by an
 * opaque cursor over the record's position in the chain.
 */
import { GraphQLError } from 'graphql';

export type AccessOutcome = 'SERVED' | 'PARTIAL' | 'REFUSED' | 'FAILED';

/** What the subgraph needs of a stored audit record (the gateway's AuditRecord has these fields). */
export interface AccessLogRecord {
  seq: number;
  partnerId: string;
  purpose: string | null;
  operationName: string | null;
  fields: readonly string[];
  outcome: AccessOutcome;
  at: string;
}

/** The audit trail as the subgraph reads it (the gateway's audit readers implement this). */
export interface AccessLogReader {
  accessesOf(citizenId: string, page: { first: number; beforeSeq: number | null }): Promise<{ records: readonly AccessLogRecord[]; hasMore: boolean }>;
}

export const MAX_ACCESS_LOG_PAGE = 100;

const CURSOR_PREFIX = 'access:';

export function encodeAccessCursor(seq: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${seq}`, 'utf8').toString('base64url');
}

export function decodeAccessCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const seq = Number(text.slice(CURSOR_PREFIX.length));
  if (!text.startsWith(CURSOR_PREFIX) || !Number.isSafeInteger(seq) || seq < 1) {
    throw new GraphQLError('after is not a cursor of this access log', { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return seq;
}

export interface AccessLogConnection {
  edges: Array<{ cursor: string; node: AccessLogEntry }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export interface AccessLogEntry {
  partner: string;
  purpose: string | null;
  operationName: string | null;
  fields: readonly string[];
  outcome: AccessOutcome;
  at: string;
}

export async function accessLogOf(reader: AccessLogReader, citizenId: string, args: { first?: number | null; after?: string | null }): Promise<AccessLogConnection> {
  const first = args.first ?? 20;
  if (!Number.isInteger(first) || first < 1 || first > MAX_ACCESS_LOG_PAGE) {
    throw new GraphQLError(`first must be from 1 to ${MAX_ACCESS_LOG_PAGE}`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  const beforeSeq = args.after ? decodeAccessCursor(args.after) : null;
  const page = await reader.accessesOf(citizenId, { first, beforeSeq });
  const edges = page.records.map((record) => ({
    cursor: encodeAccessCursor(record.seq),
    node: {
      partner: record.partnerId,
      purpose: record.purpose,
      operationName: record.operationName,
      fields: record.fields,
      outcome: record.outcome,
      at: record.at,
    },
  }));
  return { edges, pageInfo: { hasNextPage: page.hasMore, endCursor: edges[edges.length - 1]?.cursor ?? null } };
}
