/**
 * A person's card balances for Balances: live from the card system, or — while it is unavailable
 * — the last known ones, each marked stale with the time it was current. Asked once per person
 * per request, however many Balances fields want them.
 */
import type { CardStatus } from '@huimin/schema';
import { LastKnown, serveLive } from '@huimin/subgraph-kit';
import type { CardView, TransitContext, TransitDeps } from './context';

export interface CardBalance {
  cardNo: string;
  status: CardStatus;
  amountFen: number;
  asOf: string;
  stale: boolean;
}

type KnownCard = Pick<CardBalance, 'cardNo' | 'status' | 'amountFen'>;

// A Record so that a new status does not compile until it is listed here.
const CARD_STATUSES: Record<CardStatus, true> = { ACTIVE: true, LOST: true, FROZEN: true, CANCELLED: true };

/** Only non-empty lists are remembered: "no cards" served from a cache would hide the outage. */
function isKnownCards(value: unknown): value is KnownCard[] {
  return Array.isArray(value) && value.length > 0 && value.every((card: unknown) => {
    const c = card as Partial<KnownCard> | null;
    return typeof c === 'object' && c !== null && typeof c.cardNo === 'string' && typeof c.amountFen === 'number'
      && typeof c.status === 'string' && Object.prototype.hasOwnProperty.call(CARD_STATUSES, c.status);
  });
}

export function createCardBalances(deps: TransitDeps, cardsOf: (context: TransitContext, idNumber: string) => Promise<CardView[]>) {
  const known = deps.lastKnown ? new LastKnown(deps.lastKnown, 'transit-cards', isKnownCards) : null;
  // Keyed by the request's loader: Apollo hands resolvers copies of the context, not the context.
  const asked = new WeakMap<object, Map<string, Promise<CardBalance[]>>>();

  async function serve(context: TransitContext, idNumber: string): Promise<CardBalance[]> {
    const live = async (): Promise<{ value: KnownCard[] | null; asOf: string }> => {
      const cards = await cardsOf(context, idNumber);
      const asOf = cards[0]?.asOf ?? '';
      return { value: cards.length > 0 ? cards.map((c) => ({ cardNo: c.cardNo, status: c.status, amountFen: c.balanceFen })) : null, asOf };
    };
    const served = known ? await known.serve(deps.pseudonyms.idOf(idNumber), live) : await serveLive(live);
    return (served.value ?? []).map((card) => ({ ...card, asOf: served.asOf, stale: served.stale }));
  }

  return (context: TransitContext, idNumber: string): Promise<CardBalance[]> => {
    let perRequest = asked.get(context.cardsByOwner);
    if (!perRequest) asked.set(context.cardsByOwner, (perRequest = new Map()));
    let balances = perRequest.get(idNumber);
    if (!balances) perRequest.set(idNumber, (balances = serve(context, idNumber)));
    return balances;
  };
}
