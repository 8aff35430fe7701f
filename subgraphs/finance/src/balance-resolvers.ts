/** Balances.pendingSubsidiesFen and Query.subsidyPrograms: finance's other answers. */
import type { ProgramInfo } from '@huimin/adapters';
import { loadStamped, toGraphQLError } from '@huimin/subgraph-kit';
import type { FinanceContext, FinanceDeps } from './context';

export function createBalanceResolvers(deps: FinanceDeps) {
  return {
    Balances: {
      __resolveReference: (balances: { ref: string }): { ref: string } => balances,
      async pendingSubsidiesFen(balances: { ref: string }, _: unknown, context: FinanceContext): Promise<number> {
        const idNumber = deps.pseudonyms.openRef(balances.ref);
        const { record } = await loadStamped(context.disbursements, idNumber);
        return (record ?? [])
          .filter((d) => d.status === 'APPROVED' || d.status === 'DISBURSING')
          .reduce((sum, d) => sum + d.amountFen, 0);
      },
    },
    Query: {
      async subsidyPrograms(_: unknown, __: unknown, context: FinanceContext): Promise<ProgramInfo[]> {
        try {
          const programs = await deps.client.listPrograms(context.call);
          return programs.map((p) => ({ code: p.code, name: p.name, nameZh: p.nameZh }));
        } catch (error) {
          throw toGraphQLError(error);
        }
      },
    },
  };
}
