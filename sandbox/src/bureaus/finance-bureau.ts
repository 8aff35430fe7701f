/** The sandbox finance bureau: the GM envelope over its store of disbursements and programs. */
import { formatShanghai } from '@huimin/schema';
import {
  MemoryReplayGuard,
  ProtocolError,
  readKeys,
  financePath,
  openFinanceRequest,
  sealFinanceResponse,
  systemClock,
  type Clock,
  type KeySource,
  type FinanceOperation,
  type FinanceServerKeys,
  type ReplayGuard,
} from '@huimin/adapters';
import { startBureauServer, type BureauServerTls, type RunningBureau } from '../http/bureau-server';
import type { FinanceStore } from '../stores/types';
import { idNumbersIn } from './batch-keys';

export interface FinanceBureauOptions {
  store: FinanceStore;
  /** Fixed keys, or a function read once per request so keys can be switched at run time (a rotation). */
  keys: KeySource<FinanceServerKeys>;
  clock?: Clock;
  host?: string;
  port?: number;
  /** Serve HTTPS with this identity; plain HTTP without. */
  tls?: BureauServerTls;
  replayGuard?: ReplayGuard;
}

const OPERATIONS: readonly FinanceOperation[] = ['disbursements.query', 'programs.list'];

function operationAt(method: string, path: string): FinanceOperation {
  const operation = OPERATIONS.find((candidate) => financePath(candidate) === path);
  if (method !== 'POST' || operation === undefined) throw new ProtocolError('NOT_FOUND', 'no such operation');
  return operation;
}

export function startFinanceBureau(options: FinanceBureauOptions): Promise<RunningBureau> {
  const { store } = options;
  const clock = options.clock ?? systemClock;
  const replayGuard = options.replayGuard ?? new MemoryReplayGuard();
  return startBureauServer({
    host: options.host,
    port: options.port,
    tls: options.tls,
    handler: async (request, record) => {
      const keys = readKeys(options.keys);
      const operation = operationAt(request.method, request.path);
      const opened = await openFinanceRequest(keys, request.body, { clock, replayGuard });
      let answer: object;
      switch (operation) {
        case 'disbursements.query': {
          const idNumbers = idNumbersIn(opened.request);
          record(operation, idNumbers.length);
          const found = store.findDisbursements(idNumbers);
          const results = idNumbers.map((idNumber, i) => {
            const disbursements = found[i] ?? [];
            return { idNumber, status: disbursements.length > 0 ? 'FOUND' : 'NOT_FOUND', disbursements };
          });
          answer = { asOf: formatShanghai(clock()), results };
          break;
        }
        case 'programs.list':
          record(operation, 0);
          answer = { asOf: formatShanghai(clock()), programs: store.programs() };
          break;
      }
      return { status: 200, body: JSON.stringify(sealFinanceResponse(keys, opened, answer, { clock })) };
    },
  });
}
