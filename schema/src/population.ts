/**
 * The population file (`formatVersion: 1`): one section per bureau, exactly as each bureau holds
 * its records. The sandbox bureaus load it; the generator writes it.
 */
export type Gender = 'M' | 'F';
export type HouseholdStatus = 'NONE' | 'LOW_INCOME' | 'EXTREME_POVERTY';
export type LifeStatus = 'ALIVE' | 'DECEASED';
export type InsuranceType = 'URBAN_EMPLOYEE' | 'URBAN_RURAL_RESIDENT';
export type InsuranceStatus = 'ACTIVE' | 'SUSPENDED' | 'TERMINATED';
export type DisbursementStatus = 'APPROVED' | 'DISBURSING' | 'DISBURSED' | 'FAILED' | 'REVERSED';
export type CardType = 'STANDARD' | 'ELDERLY' | 'STUDENT' | 'DISABLED';
export type CardStatus = 'ACTIVE' | 'LOST' | 'FROZEN' | 'CANCELLED';
export type ProgramCode =
  | 'ELDERLY_TRANSIT'
  | 'DISABILITY_TRANSIT'
  | 'MINIMUM_LIVING_ALLOWANCE'
  | 'EXTREME_POVERTY_SUPPORT'
  | 'ELDERLY_CARE_SUBSIDY'
  | 'DISABILITY_LIVING_SUBSIDY'
  | 'MEDICAL_ASSISTANCE';

export const PROGRAM_CODES: readonly ProgramCode[] = [
  'ELDERLY_TRANSIT',
  'DISABILITY_TRANSIT',
  'MINIMUM_LIVING_ALLOWANCE',
  'EXTREME_POVERTY_SUPPORT',
  'ELDERLY_CARE_SUBSIDY',
  'DISABILITY_LIVING_SUBSIDY',
  'MEDICAL_ASSISTANCE',
];

export interface CivilAffairsRecord {
  idNumber: string;
  name: string;
  gender: Gender;
  /** YYYY-MM-DD */
  birthDate: string;
  district: string;
  phone: string | null;
  householdStatus: HouseholdStatus;
  /** 0 none, 1–4; 1 and 2 are severe. */
  disabilityLevel: number;
  lifeStatus: LifeStatus;
  diedOn: string | null;
  updatedAt: string;
}

export interface MedicalInsuranceRecord {
  idNumber: string;
  insuranceType: InsuranceType;
  status: InsuranceStatus;
  enrolledOn: string;
  personalAccountBalanceFen: number;
  annualOutOfPocketFen: number;
  updatedAt: string;
}

export interface StatusChangeRecord {
  status: DisbursementStatus;
  at: string;
  reason?: string;
}

export interface DisbursementRecord {
  disbursementId: string;
  idNumber: string;
  programCode: ProgramCode;
  /** YYYY-MM */
  period: string;
  amountFen: number;
  status: DisbursementStatus;
  statusHistory: StatusChangeRecord[];
  bankAccountMasked: string;
}

export interface TransitCardRecord {
  cardNo: string;
  idNumber: string;
  cardType: CardType;
  status: CardStatus;
  balanceFen: number;
  issuedOn: string;
  statusChangedAt: string;
}

export interface Population {
  formatVersion: 1;
  generatedFor?: string;
  /** The moment the data was extracted. */
  asOf: string;
  timezone: string;
  civilAffairs: CivilAffairsRecord[];
  medicalInsurance: MedicalInsuranceRecord[];
  finance: { disbursements: DisbursementRecord[] };
  transit: { cards: TransitCardRecord[] };
}
