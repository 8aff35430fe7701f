/**
 * The transit bureau's cards and top-ups over its HTTPS envelope: seals each call, checks the
 * answer's MAC against our nonce, opens it and checks its shape.
 */
import type { TransitCardRecord } from '@huimin/schema';
import { systemClock, type Clock } from '../protocols/freshness';
import { openTransitResponse, sealTransitRequest, type TransitClientKeys } from '../protocols/transit';
import {
  TOP_UP_ID,
  TRANSIT_CARDS_BY_OWNER_PATH,
  TRANSIT_CARDS_QUERY_PATH,
  TRANSIT_TOPUPS_PATH,
  isCardsByOwnerAnswer,
  isCardsQueryAnswer,
  isTopUpState,
  type TopUpRequest,
  type TopUpState,
} from '../protocols/transit-operations';
import { bureauFetch } from '../transport/bureau-fetch';
import { createBureauDispatcher, type BureauTlsOptions } from '../transport/bureau-tls';
import { readKeys, type KeySource } from '../keys/key-source';
import { UpstreamError } from '../errors';
import { deadlineOnlyPolicy, type BureauCallPolicy } from '../resilience/bureau-policy';
import { asUpstream, inBatches } from './batching';
import type { BatchAnswer, CallOptions, TransitClient } from './types';

export interface TransitClientOptions {
  baseUrl: string;
  /** Fixed keys, or a function read once per call so keys can be switched at run time (a rotation). */
  keys: KeySource<TransitClientKeys>;
  /** Trust for the bureau's HTTPS certificate; without it, the system roots (or plain HTTP). */
  tls?: BureauTlsOptions;
  /** Per-call timeout when the call does not set one; 3000 ms. */
  timeoutMs?: number;
  clock?: Clock;
  /** Retries (reads only), circuit breaker and deadlines (createBureauPolicy); deadlines only without it. */
  callPolicy?: BureauCallPolicy;
}

/** The card reads every subgraph uses, plus top-ups for the callers allowed to make them. */
export interface TransitHttpClient extends TransitClient {
  /** Idempotent on topUpId: a repeat answers the top-up's current state. */
  topUp(request: TopUpRequest, options?: CallOptions): Promise<TopUpState>;
  getTopUp(topUpId: string, options?: CallOptions): Promise<TopUpState>;
}

const SOURCE = 'TRANSIT';
const malformed = (what: string): UpstreamError => new UpstreamError(SOURCE, 'MALFORMED', `bureau answer malformed: ${what}`);

export function createTransitClient(options: TransitClientOptions): TransitHttpClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const clock = options.clock ?? systemClock;
  const defaultTimeoutMs = options.timeoutMs ?? 3000;
  const dispatcher = createBureauDispatcher(options.tls);
  // Reads are retried; a top-up moves money and gets one attempt (policy.once).
  const policy = options.callPolicy ?? deadlineOnlyPolicy(SOURCE);

  /** One sealed exchange; no payload means GET with an empty (still signed) body. */
  async function exchange(path: string, payload: unknown, call: CallOptions | undefined): Promise<unknown> {
    const method = payload === undefined ? 'GET' : 'POST';
    const keys = readKeys(options.keys);
    const sealed = sealTransitRequest({ payload, keys, nowMs: clock() });
    const response = await bureauFetch({
      source: SOURCE,
      url: `${baseUrl}${path}`,
      method,
      headers: sealed.headers,
      body: method === 'POST' ? sealed.body : undefined,
      timeoutMs: call?.timeoutMs ?? defaultTimeoutMs,
      signal: call?.signal,
      dispatcher,
    });
    return asUpstream(SOURCE, async () =>
      openTransitResponse({ headers: response.headers, bodyText: response.bodyText, requestNonce: sealed.nonce, keys, nowMs: clock() }),
    );
  }

  async function cardsChunk(cardNos: readonly string[], call: CallOptions | undefined): Promise<BatchAnswer<TransitCardRecord>> {
    const answer = await exchange(TRANSIT_CARDS_QUERY_PATH, { cardNos }, call);
    if (!isCardsQueryAnswer(answer) || answer.results.length !== cardNos.length || answer.results.some((r, i) => r.cardNo !== cardNos[i])) {
      throw malformed('cards query answer');
    }
    return { asOf: answer.asOf, items: answer.results.map((result) => (result.status === 'FOUND' ? result.card : null)) };
  }

  async function ownersChunk(idNumbers: readonly string[], call: CallOptions | undefined): Promise<BatchAnswer<TransitCardRecord[]>> {
    const answer = await exchange(TRANSIT_CARDS_BY_OWNER_PATH, { idNumbers }, call);
    if (!isCardsByOwnerAnswer(answer) || answer.results.length !== idNumbers.length || answer.results.some((r, i) => r.idNumber !== idNumbers[i])) {
      throw malformed('cards by owner answer');
    }
    return { asOf: answer.asOf, items: answer.results.map((result) => result.cards) };
  }

  async function topUpAnswer(answer: Promise<unknown>, topUpId: string): Promise<TopUpState> {
    const state = await answer;
    if (!isTopUpState(state) || state.topUpId !== topUpId) throw malformed('top-up answer');
    return state;
  }

  return {
    queryCards: (cardNos, call) => inBatches(cardNos, clock, (batch) => policy.read(call, defaultTimeoutMs, (attempt) => cardsChunk(batch, attempt))),
    cardsByOwner: (idNumbers, call) => inBatches(idNumbers, clock, (batch) => policy.read(call, defaultTimeoutMs, (attempt) => ownersChunk(batch, attempt))),
    // Moves money: one attempt (the deadline and the breaker still apply), never a retry here;
    // the caller asks getTopUp, which is a read, to learn what became of it.
    topUp: (request, call) => policy.once(call, defaultTimeoutMs, (attempt) => topUpAnswer(exchange(TRANSIT_TOPUPS_PATH, request, attempt), request.topUpId)),
    getTopUp: (topUpId, call) => {
      // The id goes into the path, which the spec's MAC does not cover: refuse anything but the id alphabet.
      if (!TOP_UP_ID.test(topUpId)) return Promise.reject(new RangeError('topUpId must be 1–64 of A–Z a–z 0–9 _ -'));
      return policy.read(call, defaultTimeoutMs, (attempt) => topUpAnswer(exchange(`${TRANSIT_TOPUPS_PATH}/${topUpId}`, undefined, attempt), topUpId));
    },
  };
}
