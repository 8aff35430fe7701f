/**
 * The civil-affairs bureau over its RSA REST protocol: signs each call, opens the sealed answer
 * and checks its shape before anything reaches a subgraph.
 */
import type { CivilAffairsRecord } from '@huimin/schema';
import { openCivilResponse, signCivilRequest, type CivilClientKeys } from '../protocols/civil-affairs';
import { CIVIL_DAILY_EXPORT_PATH, CIVIL_PERSONS_BATCH_PATH, isDailyExportAnswer, isPersonsBatchAnswer } from '../protocols/civil-affairs-operations';
import { systemClock, type Clock } from '../protocols/freshness';
import { bureauFetch } from '../transport/bureau-fetch';
import { createBureauDispatcher, type BureauTlsOptions } from '../transport/bureau-tls';
import { readKeys, type KeySource } from '../keys/key-source';
import { UpstreamError } from '../errors';
import { deadlineOnlyPolicy, type BureauCallPolicy } from '../resilience/bureau-policy';
import { asUpstream, inBatches } from './batching';
import type { BatchAnswer, CallOptions, CivilAffairsClient, DailyExport } from './types';

export interface CivilAffairsClientOptions {
  baseUrl: string;
  /** Fixed keys, or a function read once per call so keys can be switched at run time (a rotation). */
  keys: KeySource<CivilClientKeys>;
  /** Trust for the bureau's HTTPS certificate; without it, the system roots (or plain HTTP). */
  tls?: BureauTlsOptions;
  /** Per-call timeout when the call does not set one; 3000 ms. */
  timeoutMs?: number;
  clock?: Clock;
  /** Retries, circuit breaker and deadlines of the reads (createBureauPolicy); deadlines only without it. */
  callPolicy?: BureauCallPolicy;
}

const SOURCE = 'CIVIL_AFFAIRS';
const malformed = (what: string): UpstreamError => new UpstreamError(SOURCE, 'MALFORMED', `bureau answer malformed: ${what}`);

export function createCivilAffairsClient(options: CivilAffairsClientOptions): CivilAffairsClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const clock = options.clock ?? systemClock;
  const defaultTimeoutMs = options.timeoutMs ?? 3000;
  const dispatcher = createBureauDispatcher(options.tls);
  const policy = options.callPolicy ?? deadlineOnlyPolicy(SOURCE);

  /** One signed exchange; `target` is the path plus query exactly as signed. */
  async function exchange(method: 'GET' | 'POST', target: string, body: string, call: CallOptions | undefined): Promise<unknown> {
    const keys = readKeys(options.keys);
    const { headers, nonce } = signCivilRequest({ method, path: target, body, keys, nowMs: clock() });
    const response = await bureauFetch({
      source: SOURCE,
      url: `${baseUrl}${target}`,
      method,
      headers,
      body: method === 'POST' ? body : undefined,
      timeoutMs: call?.timeoutMs ?? defaultTimeoutMs,
      signal: call?.signal,
      dispatcher,
    });
    return asUpstream(SOURCE, async () => openCivilResponse({ bodyText: response.bodyText, requestNonce: nonce, keys }));
  }

  async function personsChunk(idNumbers: readonly string[], call: CallOptions | undefined): Promise<BatchAnswer<CivilAffairsRecord>> {
    const answer = await exchange('POST', CIVIL_PERSONS_BATCH_PATH, JSON.stringify({ idNumbers }), call);
    // Every key answered, in the order asked: anything else would pair a person with the wrong ID.
    if (!isPersonsBatchAnswer(answer) || answer.results.length !== idNumbers.length || answer.results.some((r, i) => r.idNumber !== idNumbers[i])) {
      throw malformed('persons batch answer');
    }
    return { asOf: answer.asOf, items: answer.results.map((result) => (result.status === 'FOUND' ? result.person : null)) };
  }

  return {
    getPersons(idNumbers, call) {
      return inBatches(idNumbers, clock, (batch) => policy.read(call, defaultTimeoutMs, (attempt) => personsChunk(batch, attempt)));
    },

    async dailyExport(date, call): Promise<DailyExport> {
      // URLSearchParams on both sides: the bureau re-serialises the query the same way to check the signature.
      const target = `${CIVIL_DAILY_EXPORT_PATH}?${new URLSearchParams({ date }).toString()}`;
      return policy.read(call, defaultTimeoutMs, async (attempt) => {
        const answer = await exchange('GET', target, '', attempt);
        if (!isDailyExportAnswer(answer) || answer.date !== date) throw malformed('daily export');
        return { date: answer.date, asOf: answer.asOf, records: answer.records };
      });
    },
  };
}
