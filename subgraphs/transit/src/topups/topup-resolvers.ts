/** Mutation.topUpTransitCard / confirmTopUpRefund and Query.topUp / topUps. */
import { TOP_UP_ID, UpstreamError, type TopUpState } from '@huimin/adapters';
import { isValidCardNumber, type CardStatus } from '@huimin/schema';
import { callerOfContext, loadStamped, toGraphQLError } from '@huimin/subgraph-kit';
import { GraphQLError } from 'graphql';
import type { CardStatusView } from '../card-status-feed';
import type { TransitContext } from '../context';
import { badInput, connectionOf, decodeCursor, encodeCursor, pageSize, type Connection } from '../transactions/paging-args';
import { OFFLINE_LOOKBACK_MS, offlineTopUpFromState } from './offline-topups';
import { validateTopUpInput, type TopUpInput } from './topup-input';
import type { TopUpCardSystem, TopUpService } from './topup-service';
import type { TopUpLedger, TopUpRecord } from './topup-types';

export interface TopUpDeps {
  service: TopUpService;
  ledger: TopUpLedger;
  cardSystem: TopUpCardSystem;
  clock: () => number;
  cardStatusFeed?: CardStatusView;
}

/** Idempotency keys are scoped per partner; a subgraph without the gateway's trust (tests) has one caller. */
const DIRECT_CALLER = '-';
const partnerOf = (context: unknown): string => callerOfContext(context)?.partner ?? DIRECT_CALLER;

const cursorOf = (record: TopUpRecord): string => encodeCursor(Date.parse(record.createdAt), record.id);

function configured(deps: TopUpDeps | null): TopUpDeps {
  if (!deps) throw new Error('top-ups are not configured on this transit subgraph');
  return deps;
}

/** The card's status for a top-up: not ACTIVE in the card system's answer or in the status feed's view is refused. */
async function cardStatusOf(context: TransitContext, feed: CardStatusView | undefined, cardNo: string): Promise<CardStatus | null> {
  const { record } = await loadStamped(context.cards, cardNo);
  if (!record) return null;
  if (record.status !== 'ACTIVE') return record.status;
  return feed?.status(cardNo)?.status ?? 'ACTIVE';
}

/** A top-up the ledger does not hold: the card system answers for those made in the last 72 hours. */
async function offlineTopUp(deps: TopUpDeps, id: string): Promise<TopUpRecord | null> {
  if (!TOP_UP_ID.test(id)) return null;
  let state: TopUpState;
  try {
    state = await deps.cardSystem.getTopUp(id);
  } catch (error) {
    if (error instanceof UpstreamError && error.failure === 'NOT_FOUND') return null;
    throw toGraphQLError(error);
  }
  return deps.clock() - Date.parse(state.acceptedAt) <= OFFLINE_LOOKBACK_MS ? offlineTopUpFromState(state) : null;
}

export function createTopUpResolvers(topUps: TopUpDeps | null) {
  return {
    Mutation: {
      async topUpTransitCard(_: unknown, args: { input: TopUpInput }, context: TransitContext): Promise<TopUpRecord> {
        const deps = configured(topUps);
        const input = validateTopUpInput(args.input);
        return deps.service.submit(partnerOf(context), input, (cardNo) => cardStatusOf(context, deps.cardStatusFeed, cardNo));
      },
      async confirmTopUpRefund(_: unknown, args: { id: string; refundRef: string }, context: TransitContext): Promise<TopUpRecord> {
        if (!/^[\x21-\x7e]{1,64}$/.test(args.refundRef)) throw badInput('refundRef must be 1–64 printable ASCII characters');
        return configured(topUps).service.confirmRefund(partnerOf(context), args.id, args.refundRef);
      },
    },
    Query: {
      async topUp(_: unknown, args: { id: string }): Promise<TopUpRecord | null> {
        const deps = configured(topUps);
        return (await deps.ledger.get(args.id)) ?? offlineTopUp(deps, args.id);
      },
      async topUps(_: unknown, args: { cardNo: string; first?: number | null; after?: string | null }): Promise<Connection<TopUpRecord> & { totalCount: number }> {
        const deps = configured(topUps);
        if (!isValidCardNumber(args.cardNo)) throw new GraphQLError('Not a valid transit card number', { extensions: { code: 'INVALID_CARD_NUMBER' } });
        const first = pageSize(args.first);
        const after = args.after != null ? decodeCursor(args.after) : null;
        const page = await deps.ledger.listByCard(args.cardNo, first, after === null ? null : { createdAtMs: after.atMs, id: after.id });
        return { ...connectionOf(page.records, page.hasNextPage, cursorOf), totalCount: page.totalCount };
      },
    },
    TopUp: {
      // Only the partner that made the top-up sees its payment reference.
      paymentRef: (record: TopUpRecord, _: unknown, context: unknown): string | null =>
        record.partner !== null && record.partner === partnerOf(context) ? record.paymentRef : null,
    },
  };
}
