/**
 * Each sandbox bureau's own holdings, indexed for its queries. The bureaus' HTTP servers answer
 * only from these; the stores know nothing of protocols.
 */
import type {
  CardStatus,
  CivilAffairsRecord,
  DisbursementRecord,
  MedicalInsuranceRecord,
  ProgramCode,
  TransitCardRecord,
} from '@huimin/schema';

export interface ProgramCatalogEntry {
  code: ProgramCode;
  name: string;
  nameZh: string;
}

export interface CivilAffairsStore {
  /** One entry per ID number asked, in order; null when the bureau has no record. */
  findPersons(idNumbers: readonly string[]): Array<CivilAffairsRecord | null>;
  /** Every record whose updatedAt falls on the date (YYYY-MM-DD, Asia/Shanghai). */
  changedOn(date: string): CivilAffairsRecord[];
}

export interface MedicalInsuranceStore {
  findInsured(idNumbers: readonly string[]): Array<MedicalInsuranceRecord | null>;
}

export interface FinanceStore {
  /** Each person's disbursements ([] for none), in order asked. */
  findDisbursements(idNumbers: readonly string[]): DisbursementRecord[][];
  programs(): ProgramCatalogEntry[];
}

export interface TransitStore {
  findCards(cardNos: readonly string[]): Array<TransitCardRecord | null>;
  /** Each person's cards ([] for none), in order asked. */
  cardsOwnedBy(idNumbers: readonly string[]): TransitCardRecord[][];
  /**
   * Adds a top-up to a card's balance and returns the card as it now stands; null for an unknown
   * card. Whether a card in its status may be topped up is the caller's rule, not the store's.
   */
  creditCard(cardNo: string, amountFen: number): TransitCardRecord | null;
}

/** The card system's register behind the card-status feed: read whole for snapshots, changed one card at a time. */
export interface TransitCardRegister extends TransitStore {
  /** Every card (copies), in a stable order. */
  allCards(): TransitCardRecord[];
  /** Sets a card's status and when it changed; the card as it now stands, null for an unknown card. */
  setCardStatus(cardNo: string, status: CardStatus, changedAt: string): TransitCardRecord | null;
}

export interface SandboxStores {
  /** The population's extraction time: what each bureau's data is current as of. */
  asOf: string;
  civilAffairs: CivilAffairsStore;
  medicalInsurance: MedicalInsuranceStore;
  finance: FinanceStore;
  transit: TransitCardRegister;
}
