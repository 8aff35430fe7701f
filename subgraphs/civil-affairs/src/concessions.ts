/** TransitCard.concessions: the free-ride programmes the card's owner is eligible for today. */
import type { ProgramCode } from '@huimin/schema';
import { createShanghaiToday, determineEligibility, loadStamped, resolveCitizenKey, type CitizenKey } from '@huimin/subgraph-kit';
import type { CivilContext, CivilDeps } from './context';
import { civilFactsOf } from './standing';

const TRANSIT_PROGRAMS: readonly ProgramCode[] = ['ELDERLY_TRANSIT', 'DISABILITY_TRANSIT'];

interface CardRepresentation {
  cardNo: string;
  /** From transit through @requires; null for a card whose owner is not known. */
  owner?: CitizenKey | null;
}

export function createConcessionResolvers(deps: CivilDeps) {
  const today = createShanghaiToday(deps.clock);
  return {
    TransitCard: {
      __resolveReference: (card: CardRepresentation): CardRepresentation => card,
      async concessions(card: CardRepresentation, _: unknown, context: CivilContext): Promise<ProgramCode[]> {
        if (!card.owner) return [];
        const owner = resolveCitizenKey(card.owner, deps.pseudonyms);
        // An outage throws (UPSTREAM_*) rather than answer [], which would read as "not eligible".
        const civil = civilFactsOf(await loadStamped(context.persons, owner.idNumber));
        const on = today();
        return TRANSIT_PROGRAMS.filter((program) => determineEligibility(program, { civil }, on).eligible === true);
      },
    },
  };
}
