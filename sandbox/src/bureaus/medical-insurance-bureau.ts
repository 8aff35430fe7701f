/** The sandbox medical-insurance platform: infno 1101 over the national envelope. */
import { formatShanghai } from '@huimin/schema';
import {
  MemoryReplayGuard,
  ProtocolError,
  readKeys,
  medicalPath,
  openMedicalRequest,
  sealMedicalResponse,
  systemClock,
  type Clock,
  type KeySource,
  type MedicalServerKeys,
  type ReplayGuard,
} from '@huimin/adapters';
import { startBureauServer, type BureauServerTls, type RunningBureau } from '../http/bureau-server';
import type { MedicalInsuranceStore } from '../stores/types';
import { idNumbersIn } from './batch-keys';

export interface MedicalInsuranceBureauOptions {
  store: MedicalInsuranceStore;
  /** Fixed keys, or a function read once per request so keys can be switched at run time (a rotation). */
  keys: KeySource<MedicalServerKeys>;
  clock?: Clock;
  host?: string;
  port?: number;
  /** Serve HTTPS with this identity; plain HTTP without. */
  tls?: BureauServerTls;
  replayGuard?: ReplayGuard;
}

export function startMedicalInsuranceBureau(options: MedicalInsuranceBureauOptions): Promise<RunningBureau> {
  const { store } = options;
  const clock = options.clock ?? systemClock;
  const replayGuard = options.replayGuard ?? new MemoryReplayGuard();
  return startBureauServer({
    host: options.host,
    port: options.port,
    tls: options.tls,
    handler: async (request, record) => {
      const keys = readKeys(options.keys);
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
