/**
 * The sandbox civil-affairs bureau: RSA-signed requests, sealed answers (upstream-protocols.md,
 * "Civil affairs"), answered from a CivilAffairsStore. Every request is authenticated before it
 * is routed, so an unsigned caller learns nothing, not even which paths exist.
 */
import {
  CIVIL_DAILY_EXPORT_PATH,
  CIVIL_PERSONS_BATCH_PATH,
  MemoryReplayGuard,
  ProtocolError,
  readKeys,
  sealCivilResponse,
  systemClock,
  verifyCivilRequest,
  type CivilServerKeys,
  type Clock,
  type KeySource,
  type DailyExportAnswer,
  type PersonsBatchAnswer,
  type ReplayGuard,
} from '@huimin/adapters';
import { formatShanghai } from '@huimin/schema';
import { startBureauServer, type BureauServerTls, type BureauHttpRequest, type RunningBureau } from '../http/bureau-server';
import type { CivilAffairsStore } from '../stores/types';
import { idNumbersIn } from './batch-keys';

export interface CivilAffairsBureauOptions {
  store: CivilAffairsStore;
  /** Fixed keys, or a function read once per request so keys can be switched at run time (a rotation). */
  keys: KeySource<CivilServerKeys>;
  clock?: Clock;
  host?: string;
  port?: number;
  /** Serve HTTPS with this identity; plain HTTP without. */
  tls?: BureauServerTls;
  replayGuard?: ReplayGuard;
}

type RecordCall = (operation: string, keys: number) => void;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isCalendarDate(value: string | null): value is string {
  const match = value === null ? null : DATE.exec(value);
  if (!match) return false;
  const [, year, month, day] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function readIdNumbers(body: Buffer): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ProtocolError('MALFORMED', 'body is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ProtocolError('MALFORMED', 'body must be an object');
  return idNumbersIn(parsed as Readonly<Record<string, unknown>>);
}

function personsBatch(store: CivilAffairsStore, clock: Clock, body: Buffer, record: RecordCall): PersonsBatchAnswer {
  const idNumbers = readIdNumbers(body);
  const found = store.findPersons(idNumbers);
  record('persons.batch', idNumbers.length);
  return {
    asOf: formatShanghai(clock()),
    results: idNumbers.map((idNumber, i) => {
      const person = found[i];
      return person ? { idNumber, status: 'FOUND', person } : { idNumber, status: 'NOT_FOUND' };
    }),
  };
}

function dailyExport(store: CivilAffairsStore, clock: Clock, query: URLSearchParams, record: RecordCall): DailyExportAnswer {
  const date = query.get('date');
  if (!isCalendarDate(date)) throw new ProtocolError('MALFORMED', 'date must be YYYY-MM-DD');
  const records = store.changedOn(date);
  record('exports.daily', 1);
  return { date, asOf: formatShanghai(clock()), records };
}

function route(options: CivilAffairsBureauOptions, clock: Clock, request: BureauHttpRequest, record: RecordCall): PersonsBatchAnswer | DailyExportAnswer {
  if (request.method === 'POST' && request.path === CIVIL_PERSONS_BATCH_PATH) return personsBatch(options.store, clock, request.body, record);
  if (request.method === 'GET' && request.path === CIVIL_DAILY_EXPORT_PATH) return dailyExport(options.store, clock, request.query, record);
  throw new ProtocolError('NOT_FOUND', 'no such operation');
}

export function startCivilAffairsBureau(options: CivilAffairsBureauOptions): Promise<RunningBureau> {
  const clock = options.clock ?? systemClock;
  const replayGuard = options.replayGuard ?? new MemoryReplayGuard();
  return startBureauServer({
    host: options.host,
    port: options.port,
    tls: options.tls,
    handler: async (request, record) => {
      const keys = readKeys(options.keys);
      // The shell hands us the parsed query; the client serialises it with URLSearchParams too,
      // so re-serialising here reproduces the signed bytes.
      const query = request.query.toString();
      const target = query === '' ? request.path : `${request.path}?${query}`;
      const context = await verifyCivilRequest({
        method: request.method,
        path: target,
        headers: request.headers,
        body: request.body,
        keys,
        replayGuard,
        nowMs: clock(),
      });
      const answer = route(options, clock, request, record);
      return { status: 200, body: JSON.stringify(sealCivilResponse({ body: JSON.stringify(answer), request: context, keys })) };
    },
  });
}
