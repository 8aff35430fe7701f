/** The sandbox medical-insurance platform: infno 1101 over the national envelope. */
import { formatShanghai } from '@huimin/schema';
import {
  MemoryReplayGuard,
  ProtocolError,
  medicalPath,
  openMedicalRequest,
  sealMedicalResponse,
  systemClock,
  type Clock,
  type MedicalServerKeys,
  type ReplayGuard,
} from '@huimin/adapters';
import { startBureauServer, type RunningBureau } from '../http/bureau-server';
import type { MedicalInsuranceStore } from '../stores/types';
import { idNumbersIn } from './batch-keys';

export interface MedicalInsuranceBureauOptions {
  store: MedicalInsuranceStore;
  keys: MedicalServerKeys;
  clock?: Clock;
  host?: string;
  port?: number;
  replayGuard?: ReplayGuard;
}

export function startMedicalInsuranceBureau(options: MedicalInsuranceBureauOptions): Promise<RunningBureau> {
  const { store, keys } = options;
  const clock = options.clock ?? systemClock;
  const replayGuard = options.replayGuard ?? new MemoryReplayGuard();
  return startBureauServer({
    host: options.host,
    port: options.port,
    handler: async (request, record) => {
      if (request.method !== 'POST' || request.path !== medicalPath('1101')) throw new ProtocolError('NOT_FOUND', 'no such infno');
      const opened = await openMedicalRequest(keys, request.body, { clock, replayGuard });
      const idNumbers = idNumbersIn(opened.request);
      record('1101', idNumbers.length);
      const found = store.findInsured(idNumbers);
      const results = idNumbers.map((idNumber, i) => {
        const insured = found[i] ?? null;
        return insured === null ? { idNumber, status: 'NOT_FOUND', record: null } : { idNumber, status: 'FOUND', record: insured };
      });
      const answer = { asOf: formatShanghai(clock()), results };
      return { status: 200, body: JSON.stringify(sealMedicalResponse(keys, opened, answer, { clock })) };
    },
  });
}
