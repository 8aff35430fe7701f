/** The finance bureau over its GM envelope: disbursements per person and the program catalogue. */
import { PROGRAM_CODES, type DisbursementRecord, type DisbursementStatus, type StatusChangeRecord } from '@huimin/schema';
import { bureauFetch } from '../transport/bureau-fetch';
import { createBureauDispatcher, type BureauTlsOptions } from '../transport/bureau-tls';
import { readKeys, type KeySource } from '../keys/key-source';
import { MemoryReplayGuard, systemClock, type Clock, type ReplayGuard } from '../protocols/freshness';
import { financePath, openFinanceResponse, sealFinanceRequest, type FinanceClientKeys, type FinanceOperation } from '../protocols/finance';
import { deadlineOnlyPolicy, type BureauCallPolicy } from '../resilience/bureau-policy';
import { AnswerShape, type Json } from './answer-shape';
import { asUpstream, inBatches } from './batching';
import type { BatchAnswer, CallOptions, FinanceClient, ProgramInfo } from './types';

export interface FinanceClientOptions {
  baseUrl: string;
  /** Fixed keys, or a function read once per call so keys can be switched at run time (a rotation). */
  keys: KeySource<FinanceClientKeys>;
  /** Trust for the bureau's HTTPS certificate; without it, the system roots (or plain HTTP). */
  tls?: BureauTlsOptions;
  /** Per-call timeout unless the call sets its own; 3000 ms. */
  timeoutMs?: number;
  clock?: Clock;
  /** Remembers the bureau's response nonces; in-memory by default. */
  replayGuard?: ReplayGuard;
  /** Retries, circuit breaker and deadlines of the reads (createBureauPolicy); deadlines only without it. */
  callPolicy?: BureauCallPolicy;
}

const DISBURSEMENT_STATUSES: readonly DisbursementStatus[] = ['APPROVED', 'DISBURSING', 'DISBURSED', 'FAILED', 'REVERSED'];
// Annotated so TypeScript narrows after shape.fail(), which never returns.
const shape: AnswerShape = new AnswerShape('FINANCE');

function statusChange(value: unknown, where: string): StatusChangeRecord {
  const change = shape.object(value, where);
  const reason = change['reason'];
  if (reason !== undefined && typeof reason !== 'string') shape.fail(`${where}.reason is not a string`);
  return {
    status: shape.oneOf(change, 'status', DISBURSEMENT_STATUSES, where),
    at: shape.string(change, 'at', where),
    ...(reason !== undefined ? { reason } : {}),
  };
}

function disbursement(value: unknown, idNumber: string, where: string): DisbursementRecord {
  const record = shape.object(value, where);
  if (shape.string(record, 'idNumber', where) !== idNumber) shape.fail(`${where}.idNumber is not the person asked`);
  return {
    disbursementId: shape.string(record, 'disbursementId', where),
    idNumber,
    programCode: shape.oneOf(record, 'programCode', PROGRAM_CODES, where),
    period: shape.string(record, 'period', where),
    amountFen: shape.integer(record, 'amountFen', where),
    status: shape.oneOf(record, 'status', DISBURSEMENT_STATUSES, where),
    statusHistory: shape.array(record['statusHistory'], `${where}.statusHistory`).map((change, i) => statusChange(change, `${where}.statusHistory[${i}]`)),
    bankAccountMasked: shape.string(record, 'bankAccountMasked', where),
  };
}

function disbursementsAnswer(answer: Json, asked: readonly string[]): BatchAnswer<DisbursementRecord[]> {
  const results = shape.array(answer['results'], 'results');
  if (results.length !== asked.length) shape.fail('results do not answer every key');
  const items = results.map((value, i) => {
    const where = `results[${i}]`;
    const result = shape.object(value, where);
    const idNumber = asked[i] ?? '';
    if (result['idNumber'] !== idNumber) shape.fail(`${where} is not in the order asked`);
    const status = shape.oneOf(result, 'status', ['FOUND', 'NOT_FOUND'] as const, where);
    const records = shape.array(result['disbursements'], `${where}.disbursements`);
    if (status === 'NOT_FOUND' && records.length > 0) shape.fail(`${where} is NOT_FOUND with disbursements`);
    // A person the bureau has no disbursements for is an empty list, not an absence (FinanceClient).
    return records.map((record, j) => disbursement(record, idNumber, `${where}.disbursements[${j}]`));
  });
  return { asOf: shape.string(answer, 'asOf', 'answer'), items };
}

function programsAnswer(answer: Json): ProgramInfo[] {
  return shape.array(answer['programs'], 'programs').map((value, i) => {
    const where = `programs[${i}]`;
    const program = shape.object(value, where);
    return {
      code: shape.oneOf(program, 'code', PROGRAM_CODES, where),
      name: shape.string(program, 'name', where),
      nameZh: shape.string(program, 'nameZh', where),
    };
  });
}

export function createFinanceClient(options: FinanceClientOptions): FinanceClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const clock = options.clock ?? systemClock;
  const replayGuard = options.replayGuard ?? new MemoryReplayGuard();
  const defaultTimeoutMs = options.timeoutMs ?? 3000;
  const dispatcher = createBureauDispatcher(options.tls);
  const policy = options.callPolicy ?? deadlineOnlyPolicy('FINANCE');

  async function call(operation: FinanceOperation, request: object, callOptions: CallOptions): Promise<Json> {
    const keys = readKeys(options.keys);
    const envelope = sealFinanceRequest(keys, request, { clock });
    const response = await bureauFetch({
      source: 'FINANCE',
      url: `${baseUrl}${financePath(operation)}`,
      method: 'POST',
      body: JSON.stringify(envelope),
      timeoutMs: callOptions.timeoutMs ?? defaultTimeoutMs,
      ...(callOptions.signal ? { signal: callOptions.signal } : {}),
      dispatcher,
    });
    return asUpstream('FINANCE', () => openFinanceResponse(keys, response.bodyText, envelope.nonce, { clock, replayGuard }));
  }

  return {
    queryDisbursements: (idNumbers, callOptions = {}) =>
      inBatches(idNumbers, clock, (batch) =>
        policy.read(callOptions, defaultTimeoutMs, async (attempt) => disbursementsAnswer(await call('disbursements.query', { idNumbers: batch }, attempt), batch)),
      ),
    listPrograms: (callOptions = {}) => policy.read(callOptions, defaultTimeoutMs, async (attempt) => programsAnswer(await call('programs.list', {}, attempt))),
  };
}
