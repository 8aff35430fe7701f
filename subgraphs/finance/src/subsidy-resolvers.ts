/** Citizen.subsidies: one person's disbursements, paged, each with its history and anomalies. */
import type { DisbursementRecord, DisbursementStatus, ProgramCode } from '@huimin/schema';
import {
  detectAnomalies, loadStamped, resolveCitizenKey, UNAVAILABLE_CIVIL,
  type CitizenKey, type CivilFacts, type DisbursementAnomaly, type InsuranceFacts, type ResolvedCitizen,
} from '@huimin/subgraph-kit';
import type { FinanceContext, FinanceDeps } from './context';
import { encodeCursor, pageDisbursements, validateSubsidyArgs, type SubsidyArgs } from './paging';

/** The representation finance receives: the key plus the @requires standings. */
interface FinanceCitizen extends ResolvedCitizen {
  civilStanding?: CivilFacts | null;
  insuranceStanding?: InsuranceFacts | null;
}

export interface DisbursementView {
  id: string;
  programCode: ProgramCode;
  period: string;
  amountFen: number;
  status: DisbursementStatus;
  history: Array<{ status: DisbursementStatus; at: string; reason: string | null }>;
  bankAccountMasked: string;
  anomalies: DisbursementAnomaly[];
}

export interface DisbursementConnection {
  edges: Array<{ cursor: string; node: DisbursementView }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

function view(record: DisbursementRecord, anomalies: DisbursementAnomaly[]): DisbursementView {
  return {
    id: record.disbursementId,
    programCode: record.programCode,
    period: record.period,
    amountFen: record.amountFen,
    status: record.status,
    history: record.statusHistory.map((change) => ({ status: change.status, at: change.at, reason: change.reason ?? null })),
    bankAccountMasked: record.bankAccountMasked,
    anomalies,
  };
}

export function createSubsidyResolvers(deps: FinanceDeps) {
  return {
    Citizen: {
      __resolveReference: (representation: CitizenKey): ResolvedCitizen => resolveCitizenKey(representation, deps.pseudonyms),

      async subsidies(citizen: FinanceCitizen, args: SubsidyArgs, context: FinanceContext): Promise<DisbursementConnection> {
        const valid = validateSubsidyArgs(args);
        const { record } = await loadStamped(context.disbursements, citizen.idNumber);
        const all = record ?? [];
        // Over every disbursement, not the page: a duplicate may sit on another page.
        const anomalies = detectAnomalies(all, {
          civil: citizen.civilStanding ?? UNAVAILABLE_CIVIL,
          insurance: citizen.insuranceStanding ?? null,
        });
        const page = pageDisbursements(all, valid);
        const edges = page.nodes.map((node) => ({
          cursor: encodeCursor(node),
          node: view(node, anomalies.get(node.disbursementId) ?? []),
        }));
        return {
          edges,
          pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges[edges.length - 1]?.cursor ?? null },
          totalCount: page.totalCount,
        };
      },

      balances: (citizen: ResolvedCitizen): { ref: string } => ({ ref: citizen.ref }),
    },
  };
}
