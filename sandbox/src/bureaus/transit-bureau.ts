/**
 * The sandbox transit bureau's HTTPS side: AES-GCM envelopes and HMAC-signed requests and answers
 * (upstream-protocols.md, "Cards and top-ups over HTTPS"), answered from a TransitStore. Every
 * request is authenticated before it is routed.
 */
import {
  MAX_BATCH_KEYS,
  MemoryReplayGuard,
  ProtocolError,
  readKeys,
  TRANSIT_CARDS_BY_OWNER_PATH,
  TRANSIT_CARDS_QUERY_PATH,
  TRANSIT_TOPUPS_PATH,
  isTopUpRequest,
  openTransitRequest,
  sealTransitResponse,
  systemClock,
  type CardsByOwnerAnswer,
  type CardsQueryAnswer,
  type Clock,
  type KeySource,
  type ReplayGuard,
  type TopUpRequest,
  type TopUpState,
  type TransitServerKeys,
} from '@huimin/adapters';
import { formatShanghai, isValidCardNumber } from '@huimin/schema';
import { startBureauServer, type BureauServerTls, type BureauHttpRequest, type RunningBureau } from '../http/bureau-server';
import type { TransitStore } from '../stores/types';
import { idNumbersIn } from './batch-keys';

export interface TransitBureauOptions {
  store: TransitStore;
  /** Fixed keys, or a function read once per request so keys can be switched at run time (a rotation). */
  keys: KeySource<TransitServerKeys>;
  clock?: Clock;
  host?: string;
  port?: number;
  /** Serve HTTPS with this identity; plain HTTP without. */
  tls?: BureauServerTls;
  replayGuard?: ReplayGuard;
  /** Each top-up credited, once (the transaction pusher turns it into a TOP_UP record). */
  onTopUpCredited?: (state: TopUpState) => void;
}

type RecordCall = (operation: string, keys: number) => void;
type TransitAnswer = CardsQueryAnswer | CardsByOwnerAnswer | TopUpState;

const TOP_UP_PATH = /^\/topups\/([A-Za-z0-9_-]{1,64})$/;

// Shape only, like the ID numbers (batch-keys.ts): a well-formed but unknown card is NOT_FOUND.
const CARD_NO_SHAPE = /^\d{16,19}$/;

function cardNosIn(payload: unknown): string[] {
  const cardNos = typeof payload === 'object' && payload !== null ? (payload as { cardNos?: unknown }).cardNos : undefined;
  if (!Array.isArray(cardNos)) throw new ProtocolError('MALFORMED', 'cardNos must be an array');
  if (cardNos.length > MAX_BATCH_KEYS) throw new ProtocolError('MALFORMED', `at most ${MAX_BATCH_KEYS} cardNos per call`);
  if (!cardNos.every((cardNo): cardNo is string => typeof cardNo === 'string' && CARD_NO_SHAPE.test(cardNo))) {
    throw new ProtocolError('MALFORMED', 'cardNos holds an invalid card number');
  }
  return cardNos;
}

function payloadObject(payload: unknown): Readonly<Record<string, unknown>> {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw new ProtocolError('MALFORMED', 'payload must be an object');
  return payload as Readonly<Record<string, unknown>>;
}

/**
 * Top-ups, idempotent on topUpId. Kept deliberately small (one process, in memory); the
 * check-and-record below runs without an await, so two concurrent repeats cannot both credit.
 */
class TopUpLedger {
  private readonly byId = new Map<string, TopUpState>();

  constructor(
    private readonly store: TransitStore,
    private readonly clock: Clock,
    private readonly onCredited?: (state: TopUpState) => void,
  ) {}

  apply(request: TopUpRequest): TopUpState {
    const existing = this.byId.get(request.topUpId);
    if (existing) {
      const same = existing.cardNo === request.cardNo && existing.amountFen === request.amountFen && existing.channel === request.channel;
      if (!same) throw new ProtocolError('MALFORMED', 'topUpId already used for a different top-up');
      return existing;
    }
    const [card] = this.store.findCards([request.cardNo]);
    if (!card) throw new ProtocolError('NOT_FOUND', 'no such card');
    const accepted = { ...request, acceptedAt: formatShanghai(this.clock()) };
    let state: TopUpState;
    if (card.status !== 'ACTIVE') {
      state = { ...accepted, status: 'REJECTED', reason: 'CARD_NOT_ACTIVE', balanceAfterFen: null };
    } else {
      const credited = this.store.creditCard(request.cardNo, request.amountFen);
      if (!credited) throw new ProtocolError('NOT_FOUND', 'no such card');
      state = { ...accepted, status: 'SUCCEEDED', reason: null, balanceAfterFen: credited.balanceFen };
    }
    this.byId.set(request.topUpId, state);
    if (state.status === 'SUCCEEDED') this.onCredited?.(state);
    return state;
  }

  get(topUpId: string): TopUpState {
    const state = this.byId.get(topUpId);
    if (!state) throw new ProtocolError('NOT_FOUND', 'no such top-up');
    return state;
  }
}

function route(store: TransitStore, ledger: TopUpLedger, clock: Clock, request: BureauHttpRequest, payload: unknown, record: RecordCall): TransitAnswer {
  const { method, path } = request;
  if (method === 'POST' && path === TRANSIT_CARDS_QUERY_PATH) {
    const cardNos = cardNosIn(payload);
    const cards = store.findCards(cardNos);
    record('cards.query', cardNos.length);
    return {
      asOf: formatShanghai(clock()),
      results: cardNos.map((cardNo, i) => {
        const card = cards[i];
        return card ? { cardNo, status: 'FOUND', card } : { cardNo, status: 'NOT_FOUND' };
      }),
    };
  }
  if (method === 'POST' && path === TRANSIT_CARDS_BY_OWNER_PATH) {
    const idNumbers = idNumbersIn(payloadObject(payload));
    const owned = store.cardsOwnedBy(idNumbers);
    record('cards.byOwner', idNumbers.length);
    return { asOf: formatShanghai(clock()), results: idNumbers.map((idNumber, i) => ({ idNumber, cards: owned[i] ?? [] })) };
  }
  if (method === 'POST' && path === TRANSIT_TOPUPS_PATH) {
    if (!isTopUpRequest(payload) || !isValidCardNumber(payload.cardNo)) throw new ProtocolError('MALFORMED', 'invalid top-up request');
    const { topUpId, cardNo, amountFen, channel } = payload;
    record('topups.create', 1);
    return ledger.apply({ topUpId, cardNo, amountFen, channel });
  }
  const topUpId = method === 'GET' ? TOP_UP_PATH.exec(path)?.[1] : undefined;
  if (topUpId !== undefined) {
    record('topups.get', 1);
    return ledger.get(topUpId);
  }
  throw new ProtocolError('NOT_FOUND', 'no such operation');
}

export function startTransitBureau(options: TransitBureauOptions): Promise<RunningBureau> {
  const clock = options.clock ?? systemClock;
  const replayGuard = options.replayGuard ?? new MemoryReplayGuard();
  const ledger = new TopUpLedger(options.store, clock, options.onTopUpCredited);
  return startBureauServer({
    host: options.host,
    port: options.port,
    tls: options.tls,
    handler: async (request, record) => {
      const keys = readKeys(options.keys);
      const { context, payload } = await openTransitRequest({
        headers: request.headers,
        body: request.body,
        keys,
        replayGuard,
        nowMs: clock(),
      });
      if ((request.method === 'GET') !== (payload === null)) throw new ProtocolError('MALFORMED', 'GET carries no body; POST carries an envelope');
      const answer = route(options.store, ledger, clock, request, payload, record);
      const sealed = sealTransitResponse({ payloadJson: JSON.stringify(answer), request: context, keys, nowMs: clock() });
      return { status: 200, headers: sealed.headers, body: sealed.body };
    },
  });
}
