/**
 * The bureau client interfaces answered straight from the sandbox stores: no network, no
 * envelopes, no crypto. For benchmarks of the layers above the adapters (subgraphs, gateway),
 * where the bureaus' protocols would otherwise be the bottleneck; everything else uses the real
 * bureaus over their protocols.
 */
import { formatShanghai } from '@huimin/schema';
import { systemClock, type BureauClients, type Clock } from '@huimin/adapters';
import type { SandboxStores } from './stores/types';

/**
 * Records are the stores' own objects (the transit store already snapshots its cards): callers
 * must treat them as read-only, as the subgraphs do. Keys are not validated; an unknown key is
 * answered like the bureau answers it (null, or [] for per-person lists).
 */
export function createInProcessClients(stores: SandboxStores, clock: Clock = systemClock): BureauClients {
  const asOf = (): string => formatShanghai(clock());
  return {
    civilAffairs: {
      getPersons: async (idNumbers) => ({ asOf: asOf(), items: stores.civilAffairs.findPersons(idNumbers) }),
      dailyExport: async (date) => ({ date, asOf: asOf(), records: stores.civilAffairs.changedOn(date) }),
    },
    medicalInsurance: {
      getInsuredPersons: async (idNumbers) => ({ asOf: asOf(), items: stores.medicalInsurance.findInsured(idNumbers) }),
    },
    finance: {
      queryDisbursements: async (idNumbers) => ({ asOf: asOf(), items: stores.finance.findDisbursements(idNumbers) }),
      listPrograms: async () => stores.finance.programs(),
    },
    transit: {
      queryCards: async (cardNos) => ({ asOf: asOf(), items: stores.transit.findCards(cardNos) }),
      cardsByOwner: async (idNumbers) => ({ asOf: asOf(), items: stores.transit.cardsOwnedBy(idNumbers) }),
    },
  };
}
