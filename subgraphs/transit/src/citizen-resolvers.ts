/** Citizen.transitCards and the transit part of Balances. */
import { loadStamped, resolveCitizenKey, type CitizenKey, type ResolvedCitizen } from '@huimin/subgraph-kit';
import type { CardView, TransitContext, TransitDeps } from './context';
import { createCardBalances, type CardBalance } from './card-balances';

export type { CardBalance } from './card-balances';

async function cardsOf(context: TransitContext, idNumber: string): Promise<CardView[]> {
  const { record, asOf } = await loadStamped(context.cardsByOwner, idNumber);
  return (record ?? []).map((card) => ({ ...card, asOf }));
}

export function createCitizenResolvers(deps: TransitDeps) {
  const balancesOf = createCardBalances(deps, cardsOf);
  return {
    Citizen: {
      __resolveReference: (representation: CitizenKey): ResolvedCitizen => resolveCitizenKey(representation, deps.pseudonyms),
      transitCards: (citizen: ResolvedCitizen, _: unknown, context: TransitContext): Promise<CardView[]> =>
        cardsOf(context, citizen.idNumber),
      balances: (citizen: ResolvedCitizen): { ref: string } => ({ ref: citizen.ref }),
    },
    Balances: {
      __resolveReference: (balances: { ref: string }): { ref: string } => balances,
      // Live, or while the card system is unavailable the last known balances (stale: true).
      transitCards: (balances: { ref: string }, _: unknown, context: TransitContext): Promise<CardBalance[]> =>
        balancesOf(context, deps.pseudonyms.openRef(balances.ref)),
      // The same cards as transitCards in the same answer: stale exactly when they are.
      async transitTotalFen(balances: { ref: string }, _: unknown, context: TransitContext): Promise<number> {
        const cards = await balancesOf(context, deps.pseudonyms.openRef(balances.ref));
        return cards.filter((c) => c.status !== 'CANCELLED').reduce((sum, c) => sum + c.amountFen, 0);
      },
    },
  };
}
