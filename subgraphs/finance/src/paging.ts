/**
 * Filtering, ordering and cursor paging of one person's disbursements. Cursors name a position
 * (period, id) rather than an offset so a page boundary survives new disbursements arriving.
 */
import { GraphQLError } from 'graphql';
import type { DisbursementRecord, DisbursementStatus, ProgramCode } from '@huimin/schema';

export const MAX_PAGE_SIZE = 100;
const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;
const CURSOR = /^v1\|(\d{4}-(?:0[1-9]|1[0-2]))\|([^|]{1,64})$/;

export interface SubsidyArgs {
  status?: readonly DisbursementStatus[] | null;
  programCode?: ProgramCode | null;
  period?: string | null;
  first?: number | null;
  after?: string | null;
}

interface Position {
  period: string;
  id: string;
}

export interface ValidSubsidyArgs {
  status: ReadonlySet<DisbursementStatus> | null;
  programCode: ProgramCode | null;
  period: string | null;
  first: number;
  after: Position | null;
}

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

export function encodeCursor(record: DisbursementRecord): string {
  return Buffer.from(`v1|${record.period}|${record.disbursementId}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): Position {
  const match = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8')) : null;
  if (!match || match[1] === undefined || match[2] === undefined) throw badInput('Malformed cursor');
  return { period: match[1], id: match[2] };
}

export function validateSubsidyArgs(args: SubsidyArgs): ValidSubsidyArgs {
  const first = args.first ?? 20;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) throw badInput(`first must be 0..${MAX_PAGE_SIZE}`);
  if (args.period != null && !PERIOD.test(args.period)) throw badInput('period must be YYYY-MM');
  return {
    status: args.status ? new Set(args.status) : null,
    programCode: args.programCode ?? null,
    period: args.period ?? null,
    first,
    after: args.after != null ? decodeCursor(args.after) : null,
  };
}

/** Newest period first, then disbursementId. */
export function compareDisbursements(a: Position, b: Position): number {
  if (a.period !== b.period) return a.period < b.period ? 1 : -1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export interface Page {
  nodes: DisbursementRecord[];
  totalCount: number;
  hasNextPage: boolean;
}

export function pageDisbursements(all: readonly DisbursementRecord[], args: ValidSubsidyArgs): Page {
  const matching = all
    .filter((d) => (args.status === null || args.status.has(d.status))
      && (args.programCode === null || d.programCode === args.programCode)
      && (args.period === null || d.period === args.period))
    .sort((a, b) => compareDisbursements({ period: a.period, id: a.disbursementId }, { period: b.period, id: b.disbursementId }));
  const after = args.after;
  const rest = after === null
    ? matching
    : matching.filter((d) => compareDisbursements({ period: d.period, id: d.disbursementId }, after) > 0);
  return { nodes: rest.slice(0, args.first), totalCount: matching.length, hasNextPage: rest.length > args.first };
}
