/** Citizen.transitCards and the transit part of Balances. */
import { loadStamped, resolveCitizenKey, type CitizenKey, type ResolvedCitizen } from '@huimin/subgraph-kit';
import type { CardStatus } from '@huimin/schema';
import type { CardView, TransitContext, TransitDeps } from './context';

export interface CardBalance {
  cardNo: string;
  status: CardStatus;
  amountFen: number;
  asOf: string;
  stale: boolean;
}

async function cardsOf(context: TransitContext, idNumber: string): Promise<CardView[]> {
  const { record, asOf } = await loadStamped(context.cardsByOwner, idNumber);
  return (record ?? []).map((card) => ({ ...card, asOf }));
}

export function createCitizenResolvers(deps: TransitDeps) {
  return {
    Citizen: {
      __resolveReference: (representation: CitizenKey): ResolvedCitizen => resolveCitizenKey(representation, deps.pseudonyms),
      transitCards: (citizen: ResolvedCitizen, _: unknown, context: TransitContext): Promise<CardView[]> =>
        cardsOf(context, citizen.idNumber),
      balances: (citizen: ResolvedCitizen): { ref: string } => ({ ref: citizen.ref }),
    },
    Balances: {
      __resolveReference: (balances: { ref: string }): { ref: string } => balances,
      async transitCards(balances: { ref: string }, _: unknown, context: TransitContext): Promise<CardBalance[]> {
        const cards = await cardsOf(context, deps.pseudonyms.openRef(balances.ref));
        // Live answers; a cache serving during outages would set stale: true.
        return cards.map((c) => ({ cardNo: c.cardNo, status: c.status, amountFen: c.balanceFen, asOf: c.asOf, stale: false }));
      },
      async transitTotalFen(balances: { ref: string }, _: unknown, context: TransitContext): Promise<number> {
        const cards = await cardsOf(context, deps.pseudonyms.openRef(balances.ref));
        return cards.filter((c) => c.status !== 'CANCELLED').reduce((sum, c) => sum + c.balanceFen, 0);
      },
    },
  };
}
