/**
 * `--upstream sandbox`: the four sandbox bureaus over their real protocols (signatures, envelopes,
 * encryption), wired as in stack/src/stack.ts, with the bench's clock on both sides.
 */
import {
  createCivilAffairsClient,
  createFinanceClient,
  createMedicalInsuranceClient,
  createTransitClient,
  generateCivilKeyMaterial,
  generateFinanceKeyMaterial,
  generateMedicalKeyMaterial,
  generateTransitKeyMaterial,
  type BureauClients,
  type Clock,
} from '@huimin/adapters';
import {
  startCivilAffairsBureau,
  startFinanceBureau,
  startMedicalInsuranceBureau,
  startTransitBureau,
  type SandboxStores,
} from '@huimin/sandbox';

const HOST = '127.0.0.1';
const APP_ID = 'HUIMIN-GATEWAY-BENCH-0001';
const TIMEOUT_MS = 10_000;

export async function startSandboxBureauClients(
  stores: SandboxStores,
  clock: Clock,
): Promise<{ clients: BureauClients; close(): Promise<void> }> {
  const civil = generateCivilKeyMaterial(APP_ID);
  const medical = generateMedicalKeyMaterial(APP_ID);
  const finance = generateFinanceKeyMaterial(APP_ID);
  const transit = generateTransitKeyMaterial(APP_ID);
  const bureaus = [
    await startCivilAffairsBureau({ store: stores.civilAffairs, keys: civil.server, clock, host: HOST }),
    await startMedicalInsuranceBureau({ store: stores.medicalInsurance, keys: medical.server, clock, host: HOST }),
    await startFinanceBureau({ store: stores.finance, keys: finance.server, clock, host: HOST }),
    await startTransitBureau({ store: stores.transit, keys: transit.server, clock, host: HOST }),
  ] as const;
  const [civilBureau, medicalBureau, financeBureau, transitBureau] = bureaus;
  return {
    clients: {
      civilAffairs: createCivilAffairsClient({ baseUrl: civilBureau.url, keys: civil.client, timeoutMs: TIMEOUT_MS, clock }),
      medicalInsurance: createMedicalInsuranceClient({ baseUrl: medicalBureau.url, keys: medical.client, timeoutMs: TIMEOUT_MS, clock }),
      finance: createFinanceClient({ baseUrl: financeBureau.url, keys: finance.client, timeoutMs: TIMEOUT_MS, clock }),
      transit: createTransitClient({ baseUrl: transitBureau.url, keys: transit.client, timeoutMs: TIMEOUT_MS, clock }),
    },
    close: async () => {
      for (const bureau of bureaus) await bureau.close().catch(() => undefined);
    },
  };
}
