/** Query.transitCard and the TransitCard entity. */
import { GraphQLError } from 'graphql';
import { isValidCardNumber, type CardStatus } from '@huimin/schema';
import { citizenKeyOf, loadStamped, type CitizenKey } from '@huimin/subgraph-kit';
import type { CardView, TransitContext, TransitDeps } from './context';

async function loadCard(context: TransitContext, cardNo: string): Promise<CardView | null> {
  const { record, asOf } = await loadStamped(context.cards, cardNo);
  return record === null ? null : { ...record, asOf };
}

export function createCardResolvers(deps: TransitDeps) {
  return {
    Query: {
      transitCard(_: unknown, args: { cardNo: string }, context: TransitContext): Promise<CardView | null> {
        if (!isValidCardNumber(args.cardNo)) {
          throw new GraphQLError('Not a valid transit card number', { extensions: { code: 'INVALID_CARD_NUMBER' } });
        }
        return loadCard(context, args.cardNo);
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
      // Pseudonyms only: transit keeps no vault, so nothing is remembered here.
      owner: (card: CardView): CitizenKey => {
        const { id, ref } = citizenKeyOf(card.idNumber, deps.pseudonyms);
        return { id, ref };
      },
    },
  };
}
