/** Citizen.eligibility: the programme rules over civil affairs and (required) insurance standing. */
import { PROGRAM_CODES, shanghaiDate, type ProgramCode } from '@huimin/schema';
import { determineEligibility, type Determination, type InsuranceFacts } from '@huimin/subgraph-kit';
import type { CivilContext, CivilDeps } from './context';
import { loadCivilFacts } from './standing';

interface EligibilityParent {
  idNumber: string;
  /** From medical insurance through @requires; absent only if the query plan could not fetch it. */
  insuranceStanding?: InsuranceFacts | null;
}

export function createEligibilityResolvers(deps: CivilDeps) {
  return {
    Citizen: {
      async eligibility(
        citizen: EligibilityParent,
        args: { on?: string | null; programs?: readonly ProgramCode[] | null },
        context: CivilContext,
      ): Promise<Determination[]> {
        const on = args.on ?? shanghaiDate(deps.clock());
        const programs = args.programs ? [...new Set(args.programs)] : PROGRAM_CODES;
        const civil = await loadCivilFacts(context, citizen.idNumber);
        const facts = { civil, insurance: citizen.insuranceStanding ?? null };
        return programs.map((program) => determineEligibility(program, facts, on));
      },
    },
  };
}
