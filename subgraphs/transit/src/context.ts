/** Per-request state of the transit subgraph. */
import type { TransitClient } from '@huimin/adapters';
import type { TransitCardRecord } from '@huimin/schema';
import { createStampedLoader, type Pseudonyms, type StampedLoader } from '@huimin/subgraph-kit';
import type { CardStatusView } from './card-status-feed';

export interface TransitContext {
  /** By card number. */
  cards: StampedLoader<TransitCardRecord>;
  /** By owner ID number: every card, any status ([] for none). */
  cardsByOwner: StampedLoader<TransitCardRecord[]>;
}

export interface TransitDeps {
  pseudonyms: Pseudonyms;
  /** The card-status feed's view; TransitCard.status and statusAsOf come from it when it knows the card. */
  cardStatusFeed?: CardStatusView;
}

export function createTransitContext(client: TransitClient): TransitContext {
  return {
    cards: createStampedLoader((cardNos) => client.queryCards(cardNos)),
    cardsByOwner: createStampedLoader((ids) => client.cardsByOwner(ids)),
  };
}

/** A card with the time the transit bureau's view of it was current. */
export type CardView = TransitCardRecord & { asOf: string };
