/** The medical-insurance platform (infno 1101): insured persons by ID number. */
import type { InsuranceStatus, InsuranceType, MedicalInsuranceRecord } from '@huimin/schema';
import { bureauFetch } from '../transport/bureau-fetch';
import { createBureauDispatcher, type BureauTlsOptions } from '../transport/bureau-tls';
import { readKeys, type KeySource } from '../keys/key-source';
import { MemoryReplayGuard, systemClock, type Clock, type ReplayGuard } from '../protocols/freshness';
import { medicalPath, openMedicalResponse, sealMedicalRequest, type MedicalClientKeys } from '../protocols/medical-insurance';
import { deadlineOnlyPolicy, type BureauCallPolicy } from '../resilience/bureau-policy';
import { AnswerShape, type Json } from './answer-shape';
import { asUpstream, inBatches } from './batching';
import type { BatchAnswer, CallOptions, MedicalInsuranceClient } from './types';

export interface MedicalInsuranceClientOptions {
  baseUrl: string;
  /** Fixed keys, or a function read once per call so keys can be switched at run time (a rotation). */
  keys: KeySource<MedicalClientKeys>;
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

const INSURANCE_TYPES: readonly InsuranceType[] = ['URBAN_EMPLOYEE', 'URBAN_RURAL_RESIDENT'];
const INSURANCE_STATUSES: readonly InsuranceStatus[] = ['ACTIVE', 'SUSPENDED', 'TERMINATED'];
// Annotated so TypeScript narrows after shape.fail(), which never returns.
const shape: AnswerShape = new AnswerShape('MEDICAL_INSURANCE');

function insuredPerson(value: unknown, idNumber: string, where: string): MedicalInsuranceRecord {
  const record = shape.object(value, where);
  if (shape.string(record, 'idNumber', where) !== idNumber) shape.fail(`${where}.idNumber is not the person asked`);
  return {
    idNumber,
    insuranceType: shape.oneOf(record, 'insuranceType', INSURANCE_TYPES, where),
    status: shape.oneOf(record, 'status', INSURANCE_STATUSES, where),
    enrolledOn: shape.string(record, 'enrolledOn', where),
    personalAccountBalanceFen: shape.integer(record, 'personalAccountBalanceFen', where),
    annualOutOfPocketFen: shape.integer(record, 'annualOutOfPocketFen', where),
    updatedAt: shape.string(record, 'updatedAt', where),
  };
}

function insuredAnswer(answer: Json, asked: readonly string[]): BatchAnswer<MedicalInsuranceRecord> {
  const results = shape.array(answer['results'], 'results');
  if (results.length !== asked.length) shape.fail('results do not answer every key');
  const items = results.map((value, i) => {
    const where = `results[${i}]`;
    const result = shape.object(value, where);
    const idNumber = asked[i] ?? '';
    if (result['idNumber'] !== idNumber) shape.fail(`${where} is not in the order asked`);
    const status = shape.oneOf(result, 'status', ['FOUND', 'NOT_FOUND'] as const, where);
    if (status === 'NOT_FOUND') {
      if (result['record'] !== null) shape.fail(`${where} is NOT_FOUND with a record`);
      return null;
    }
    return insuredPerson(result['record'], idNumber, `${where}.record`);
  });
  return { asOf: shape.string(answer, 'asOf', 'answer'), items };
}

export function createMedicalInsuranceClient(options: MedicalInsuranceClientOptions): MedicalInsuranceClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const clock = options.clock ?? systemClock;
  const replayGuard = options.replayGuard ?? new MemoryReplayGuard();
  const defaultTimeoutMs = options.timeoutMs ?? 3000;
  const dispatcher = createBureauDispatcher(options.tls);
  const policy = options.callPolicy ?? deadlineOnlyPolicy('MEDICAL_INSURANCE');

  async function queryBatch(idNumbers: readonly string[], callOptions: CallOptions): Promise<BatchAnswer<MedicalInsuranceRecord>> {
    const keys = readKeys(options.keys);
    const envelope = sealMedicalRequest(keys, { idNumbers }, { clock });
    const response = await bureauFetch({
      source: 'MEDICAL_INSURANCE',
      url: `${baseUrl}${medicalPath('1101')}`,
      method: 'POST',
      body: JSON.stringify(envelope),
      timeoutMs: callOptions.timeoutMs ?? defaultTimeoutMs,
      ...(callOptions.signal ? { signal: callOptions.signal } : {}),
      dispatcher,
    });
    const answer = await asUpstream('MEDICAL_INSURANCE', () =>
      openMedicalResponse(keys, response.bodyText, envelope.nonce, { clock, replayGuard }),
    );
    return insuredAnswer(answer, idNumbers);
  }

  return {
    getInsuredPersons: (idNumbers, callOptions = {}) =>
      inBatches(idNumbers, clock, (batch) => policy.read(callOptions, defaultTimeoutMs, (attempt) => queryBatch(batch, attempt))),
  };
}
