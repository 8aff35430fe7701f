/** Citizen.eligibility: the programme rules over civil affairs and (required) insurance standing. */
import { PROGRAM_CODES, type ProgramCode } from '@huimin/schema';
import { createShanghaiToday, determineEligibilities, type Determination, type InsuranceFacts } from '@huimin/subgraph-kit';
import type { CivilContext, CivilDeps } from './context';
import { loadCivilFacts } from './standing';

interface EligibilityParent {
  idNumber: string;
  /** From medical insurance through @requires; absent only if the query plan could not fetch it. */
  insuranceStanding?: InsuranceFacts | null;
}

export function createEligibilityResolvers(deps: CivilDeps) {
  const today = createShanghaiToday(deps.clock);
  return {
    Citizen: {
      async eligibility(
        citizen: EligibilityParent,
        args: { on?: string | null; programs?: readonly ProgramCode[] | null },
        context: CivilContext,
      ): Promise<Determination[]> {
        const on = args.on ?? today();
        const programs = args.programs ? [...new Set(args.programs)] : PROGRAM_CODES;
        const civil = await loadCivilFacts(context, citizen.idNumber);
        const facts = { civil, insurance: citizen.insuranceStanding ?? null };
        return determineEligibilities(programs, facts, on);
      },
    },
  };
}
