/**
 * What the subgraphs see of the bureaus: one typed client per bureau. The subgraphs depend on
 * these interfaces only; the HTTP clients implement them over each bureau's protocol.
 */
import type {
  CivilAffairsRecord,
  DisbursementRecord,
  MedicalInsuranceRecord,
  ProgramCode,
  TransitCardRecord,
} from '@huimin/schema';

/** The most keys one batch call may carry (upstream-protocols.md). */
export const MAX_BATCH_KEYS = 200;

export interface CallOptions {
  /** Aborts the call (the request's deadline). */
  signal?: AbortSignal;
  /** This call's own timeout; the client's configured default when absent. */
  timeoutMs?: number;
  /**
   * Epoch ms by which the request needs its answer: no attempt starts after it and none runs past
   * it (each attempt's timeout is cut to what is left).
   */
  deadline?: number;
}

/** A batch answer: one item per key, in the order asked; null where the bureau said NOT_FOUND. */
export interface BatchAnswer<T> {
  /** When the bureau's data was current (ISO-8601 with offset). */
  asOf: string;
  items: Array<T | null>;
}

export interface ProgramInfo {
  code: ProgramCode;
  name: string;
  nameZh: string;
}

export interface DailyExport {
  /** YYYY-MM-DD in Asia/Shanghai. */
  date: string;
  asOf: string;
  records: CivilAffairsRecord[];
}

export interface CivilAffairsClient {
  getPersons(idNumbers: readonly string[], options?: CallOptions): Promise<BatchAnswer<CivilAffairsRecord>>;
  /** Every record changed on the date. */
  dailyExport(date: string, options?: CallOptions): Promise<DailyExport>;
}

export interface MedicalInsuranceClient {
  getInsuredPersons(idNumbers: readonly string[], options?: CallOptions): Promise<BatchAnswer<MedicalInsuranceRecord>>;
}

export interface FinanceClient {
  /** Each person's disbursements with their full status history; [] for a person with none. */
  queryDisbursements(idNumbers: readonly string[], options?: CallOptions): Promise<BatchAnswer<DisbursementRecord[]>>;
  listPrograms(options?: CallOptions): Promise<ProgramInfo[]>;
}

export interface TransitClient {
  queryCards(cardNos: readonly string[], options?: CallOptions): Promise<BatchAnswer<TransitCardRecord>>;
  /** Each person's cards (every status); [] for a person with none. */
  cardsByOwner(idNumbers: readonly string[], options?: CallOptions): Promise<BatchAnswer<TransitCardRecord[]>>;
}

export interface BureauClients {
  civilAffairs: CivilAffairsClient;
  medicalInsurance: MedicalInsuranceClient;
  finance: FinanceClient;
  transit: TransitClient;
}
