/**
 * One question per person with each bureau's fields under an alias of their own (a failed
 * non-null field nulls its parent up to the alias, never the rest), and the check of its answer
 * while one bureau may be failing: every other bureau's data exactly as the population says; the
 * failing bureau's fields either right, stale-marked from the last known value, or null with
 * UPSTREAM_UNAVAILABLE / UPSTREAM_TIMEOUT naming it; eligibility that needs it null with
 * SOURCE_UNAVAILABLE. Problems come back as lines, so one run reports them all.
 */
import type { BureauSource } from '@huimin/adapters';
import type { GraphQLResponse } from '../test-support/graphql-client';
import { expectedEligibility, type Person, type Program } from '../test-support/spec-oracle';

export const PROBE_PROGRAMS: Program[] = ['ELDERLY_TRANSIT', 'DISABILITY_LIVING_SUBSIDY', 'MEDICAL_ASSISTANCE'];

export const CITIZEN_PROBE = `query Probe($idNumber: String!, $on: Date!) {
  identity: citizen(idNumber: $idNumber) { identity { birthDate householdStatus disabilityLevel } }
  eligibility: citizen(idNumber: $idNumber) { eligibility(on: $on, programs: [${PROBE_PROGRAMS.join(', ')}]) { program eligible reasons sources { source available } } }
  insurance: citizen(idNumber: $idNumber) { medicalInsurance { status personalAccountBalanceFen } }
  account: citizen(idNumber: $idNumber) { balances { medicalAccount { amountFen asOf stale } } }
  cards: citizen(idNumber: $idNumber) { balances { transitCards { cardNo amountFen asOf stale } transitTotalFen } }
  subsidies: citizen(idNumber: $idNumber) { subsidies(first: 50) { totalCount } balances { pendingSubsidiesFen } }
  transit: citizen(idNumber: $idNumber) { transitCards { cardNo balanceFen } }
}`;

type Alias = 'identity' | 'eligibility' | 'insurance' | 'account' | 'cards' | 'subsidies' | 'transit';

/** The aliases a bureau's failure may null. Eligibility never fails: it says SOURCE_UNAVAILABLE. */
export const ALIASES_OF: Record<BureauSource, Alias[]> = {
  CIVIL_AFFAIRS: ['identity'],
  MEDICAL_INSURANCE: ['insurance', 'account'],
  FINANCE: ['subsidies'],
  TRANSIT: ['cards', 'transit'],
};

interface Determination {
  program: Program;
  eligible: boolean | null;
  reasons: string[];
  sources: Array<{ source: BureauSource; available: boolean }>;
}

interface CardBalance {
  cardNo: string;
  amountFen: number;
  asOf: string;
  stale: boolean;
}

type Answer = Partial<Record<Alias, Record<string, unknown> | null>>;

/** The medical account and cards' asOf seen live per person, below which no stale value may be. */
export type LiveStamps = Map<string, string>;

const sortedReasons = (reasons: readonly string[]): string[] => [...reasons].sort();

/** Structural equality by canonical JSON (answers come from fetch in another realm than the test's objects). */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as object).sort(([a], [b]) => a.localeCompare(b))) : v);
}
const isDeepStrictEqual = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b);

/** What the rule says when the sources flagged unavailable could not be asked. */
export function expectedWithOutage(program: Program, p: Person, on: string, civil: boolean, medical: boolean): { eligible: boolean | null; reasons: string[] } {
  const needsMedical = program === 'MEDICAL_ASSISTANCE';
  if (civil && (medical || !needsMedical)) return expectedEligibility(program, p, on);
  const reasons: string[] = [];
  if (civil) {
    // The civil conditions alone: the same person with an active insurance record.
    const active = { ...p, medical: { ...(p.medical ?? ({} as NonNullable<Person['medical']>)), status: 'ACTIVE' as const } };
    const civilOnly = expectedEligibility(program, active, on);
    if (civilOnly.eligible === false) reasons.push(...civilOnly.reasons);
  }
  if (needsMedical && medical) {
    if (!p.medical) reasons.push('NO_INSURANCE_RECORD');
    else if (p.medical.status !== 'ACTIVE') reasons.push('INSURANCE_NOT_ACTIVE');
  }
  return { eligible: null, reasons: sortedReasons([...reasons, 'SOURCE_UNAVAILABLE']) };
}

function checkEligibility(p: Person, on: string, got: Determination[] | undefined, failing: readonly BureauSource[], problems: string[]): void {
  if (!got) return void problems.push('eligibility missing');
  for (const program of PROBE_PROGRAMS) {
    const determination = got.find((d) => d.program === program);
    if (!determination) {
      problems.push(`eligibility ${program} missing`);
      continue;
    }
    const available = (source: BureauSource): boolean => determination.sources.find((s) => s.source === source)?.available ?? true;
    for (const source of ['CIVIL_AFFAIRS', 'MEDICAL_INSURANCE'] as const) {
      if (!available(source) && !failing.includes(source)) problems.push(`eligibility ${program}: ${source} unavailable but not failing`);
    }
    const want = expectedWithOutage(program, p, on, available('CIVIL_AFFAIRS'), available('MEDICAL_INSURANCE'));
    const have = { eligible: determination.eligible, reasons: sortedReasons(determination.reasons) };
    if (!isDeepStrictEqual(have, { eligible: want.eligible, reasons: sortedReasons(want.reasons) })) {
      problems.push(`eligibility ${program}: ${JSON.stringify(have)} want ${JSON.stringify(want)}`);
    }
  }
}

/** A value served from the last known one: stale, and no older than what was seen live. */
function checkStale(what: string, asOf: string, seenLive: string | undefined, problems: string[]): void {
  if (seenLive === undefined) problems.push(`${what}: stale without ever being seen live`);
  else if (Date.parse(asOf) < Date.parse(seenLive)) problems.push(`${what}: stale asOf ${asOf} older than the live ${seenLive}`);
  if (Date.parse(asOf) > Date.now() + 1000) problems.push(`${what}: asOf in the future`);
}

const byCard = (a: { cardNo: string }, b: { cardNo: string }): number => a.cardNo.localeCompare(b.cardNo);

/**
 * Checks one answer while the `failing` bureaus (none, one, or more) may fail; `live` records the
 * live asOf values seen, for later stale checks.
 */
export function checkProbe(p: Person, on: string, answer: GraphQLResponse<Answer>, failing: readonly BureauSource[], live: LiveStamps, problems: string[]): void {
  const who = `person …${p.idNumber.slice(-4)}`;
  const say = (line: string): void => void problems.push(`${who}: ${line}`);
  if (answer.status !== 200) say(`HTTP ${answer.status}`);
  const failed = new Set<string>();
  for (const error of answer.errors ?? []) {
    const { code, source } = error.extensions ?? {};
    const where = error.path?.join('.') ?? '(no path)';
    const bureau = failing.find((b) => b === source);
    if (bureau === undefined || (code !== 'UPSTREAM_UNAVAILABLE' && code !== 'UPSTREAM_TIMEOUT')) {
      say(`error ${String(code)} source ${String(source)} at ${where}`);
      continue;
    }
    // The gateway places a whole-fetch failure (the subgraph down or cut at the deadline) at the
    // fields it left empty. The copy without a path (what it may have emptied but cannot name,
    // or more than MAX_PLACED_ERRORS fields) may mean any field of that bureau.
    const aliases = error.path === undefined ? ALIASES_OF[bureau] : [String(error.path[0])];
    for (const alias of aliases) failed.add(alias);
    if (!aliases.every((alias) => ALIASES_OF[bureau].includes(alias as Alias))) say(`${bureau} failed ${aliases.join()}, which does not need it`);
  }
  const data: Answer = (answer.data ?? {}) as Answer;
  // An alias failed by the failing bureau may be null anywhere inside; every other must be whole.
  const whole = (alias: Alias): Record<string, unknown> | null => {
    const value = data[alias];
    if (failed.has(alias)) return null;
    if (value === undefined || value === null) say(`${alias} null without an error`);
    return value ?? null;
  };
  const same = (what: string, have: unknown, want: unknown): void => {
    if (!isDeepStrictEqual(have, want)) say(`${what}: ${JSON.stringify(have)} want ${JSON.stringify(want)}`);
  };

  const identity = whole('identity');
  if (identity) same('identity', identity['identity'], p.civil ? { birthDate: p.civil.birthDate, householdStatus: p.civil.householdStatus, disabilityLevel: p.civil.disabilityLevel } : null);
  const eligibility = whole('eligibility');
  if (eligibility) checkEligibility(p, on, eligibility['eligibility'] as Determination[], failing, problems);
  const insurance = whole('insurance');
  if (insurance) same('medicalInsurance', insurance['medicalInsurance'], p.medical ? { status: p.medical.status, personalAccountBalanceFen: p.medical.personalAccountBalanceFen } : null);

  const account = whole('account');
  if (account) {
    const item = (account['balances'] as { medicalAccount: { amountFen: number; asOf: string; stale: boolean } | null }).medicalAccount;
    same('medicalAccount amount', item?.amountFen ?? null, p.medical?.personalAccountBalanceFen ?? null);
    if (item?.stale) checkStale('medicalAccount', item.asOf, live.get(`account:${p.idNumber}`), problems);
    else if (item) live.set(`account:${p.idNumber}`, item.asOf);
  } else if (failing.includes('MEDICAL_INSURANCE') && p.medical && live.has(`account:${p.idNumber}`)) {
    say('medicalAccount failed although a last known value was there to serve');
  }

  const cards = whole('cards');
  if (cards) {
    const balances = cards['balances'] as { transitCards: CardBalance[]; transitTotalFen: number };
    same('card balances', balances.transitCards.map(({ cardNo, amountFen }) => ({ cardNo, amountFen })).sort(byCard),
      p.cards.map((c) => ({ cardNo: c.cardNo, amountFen: c.balanceFen })).sort(byCard));
    same('transitTotalFen', balances.transitTotalFen, p.cards.filter((c) => c.status !== 'CANCELLED').reduce((sum, c) => sum + c.balanceFen, 0));
    for (const card of balances.transitCards) {
      if (card.stale) checkStale(`card ${card.cardNo}`, card.asOf, live.get(`cards:${p.idNumber}`), problems);
      else live.set(`cards:${p.idNumber}`, card.asOf);
    }
  } else if (failing.includes('TRANSIT') && p.cards.length > 0 && live.has(`cards:${p.idNumber}`)) {
    say('card balances failed although last known values were there to serve');
  }

  const subsidies = whole('subsidies');
  if (subsidies) {
    same('subsidies', (subsidies['subsidies'] as { totalCount: number }).totalCount, p.disbursements.length);
    same('pendingSubsidiesFen', (subsidies['balances'] as { pendingSubsidiesFen: number }).pendingSubsidiesFen,
      p.disbursements.filter((d) => d.status === 'APPROVED' || d.status === 'DISBURSING').reduce((sum, d) => sum + d.amountFen, 0));
  }
  const transit = whole('transit');
  if (transit) {
    same('transitCards', [...(transit['transitCards'] as Array<{ cardNo: string; balanceFen: number }>)].sort(byCard),
      p.cards.map((c) => ({ cardNo: c.cardNo, balanceFen: c.balanceFen })).sort(byCard));
  }
}

/** True when the answer is whole and live: no error, nothing stale. */
export function isWholeAndLive(answer: GraphQLResponse<Answer>): boolean {
  if (answer.status !== 200 || (answer.errors?.length ?? 0) > 0) return false;
  return !JSON.stringify(answer.data ?? {}).includes('"stale":true');
}
