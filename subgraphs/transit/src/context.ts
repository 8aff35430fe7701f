/** Per-request state of the transit subgraph. */
import type { CallOptions, TransitClient } from '@huimin/adapters';
import type { TransitCardRecord } from '@huimin/schema';
import { createStampedLoader, type LastKnownOptions, type Pseudonyms, type StampedLoader } from '@huimin/subgraph-kit';
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
  /** Where card balances are remembered, to serve stale while the card system is unavailable. */
  lastKnown?: LastKnownOptions;
}

/** `call` carries the request's deadline to every bureau call. */
export function createTransitContext(client: TransitClient, call: CallOptions = {}): TransitContext {
  return {
    cards: createStampedLoader((cardNos) => client.queryCards(cardNos, call)),
    cardsByOwner: createStampedLoader((ids) => client.cardsByOwner(ids, call)),
  };
}

/** A card with the time the transit bureau's view of it was current. */
export type CardView = TransitCardRecord & { asOf: string };
