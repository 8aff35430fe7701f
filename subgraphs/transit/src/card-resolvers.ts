/** Query.transitCard and the TransitCard entity. */
import { GraphQLError } from 'graphql';
import { isValidCardNumber, type CardStatus } from '@huimin/schema';
import { citizenKeyOf, loadStamped, type ResolvedCitizen } from '@huimin/subgraph-kit';
import type { CardView, TransitContext, TransitDeps } from './context';

async function loadCard(context: TransitContext, cardNo: string): Promise<CardView | null> {
  const { record, asOf } = await loadStamped(context.cards, cardNo);
  return record === null ? null : { ...record, asOf };
}

/** The contract's limit on transitCards(cardNos:), as for citizens(ids:). */
export const MAX_CARD_BATCH = 500;

export function createCardResolvers(deps: TransitDeps) {
  return {
    Query: {
      transitCard(_: unknown, args: { cardNo: string }, context: TransitContext): Promise<CardView | null> {
        if (!isValidCardNumber(args.cardNo)) {
          throw new GraphQLError('Not a valid transit card number', { extensions: { code: 'INVALID_CARD_NUMBER' } });
        }
        return loadCard(context, args.cardNo);
      },
      // The interconnection's batch: one card-system call per 200 cards (the loader), an invalid
      // number only nulls its own item.
      transitCards(_: unknown, args: { cardNos: readonly string[] }, context: TransitContext): Array<Promise<CardView | null> | GraphQLError> {
        if (args.cardNos.length > MAX_CARD_BATCH) {
          throw new GraphQLError(`At most ${MAX_CARD_BATCH} card numbers per request`, { extensions: { code: 'BAD_USER_INPUT' } });
        }
        return args.cardNos.map((cardNo) =>
          isValidCardNumber(cardNo) ? loadCard(context, cardNo) : new GraphQLError('Not a valid transit card number', { extensions: { code: 'INVALID_CARD_NUMBER' } }));
      },
    },
    TransitCard: {
      async __resolveReference(card: { cardNo: string }, context: TransitContext): Promise<CardView | null> {
        return isValidCardNumber(card.cardNo) ? loadCard(context, card.cardNo) : null;
      },
      // The card-status feed's view wins when it has the card; until then the card system's own
      // answer stands, with its asOf (the bureau answers status and balance in one view).
      status: (card: CardView): CardStatus => deps.cardStatusFeed?.status(card.cardNo)?.status ?? card.status,
      statusAsOf: (card: CardView): string => deps.cardStatusFeed?.status(card.cardNo)?.asOf ?? card.asOf,
      balanceAsOf: (card: CardView): string => card.asOf,
      // Pseudonyms only: transit keeps no vault, so nothing is remembered here. The opened ID
      // number rides along (never serialised: it is no schema field) so that the owner's own
      // transit fields, asked in the same fetch (owner { transitCards }), can be resolved.
      owner: (card: CardView): ResolvedCitizen => citizenKeyOf(card.idNumber, deps.pseudonyms),
    },
  };
}
