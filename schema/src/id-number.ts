/** GB 11643-1999 resident identity numbers: 6-digit region, 8-digit birth date, 3-digit sequence, check digit. */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';
const SHAPE = /^\d{17}[\dX]$/;

/** The ISO-7064 MOD 11-2 check character for the first 17 digits. */
export function idNumberCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(first17[i]) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARS[sum % 11] ?? '';
}

/** A real calendar date, YYYYMMDD, not before 1900. */
function isRealBirthDate(yyyymmdd: string): boolean {
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  if (year < 1900 || month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

/** Normalises a lower-case trailing x; returns null when the number is not a valid resident ID. */
export function normalizeIdNumber(input: string): string | null {
  const candidate = input.trim().toUpperCase();
  if (!SHAPE.test(candidate)) return null;
  if (!isRealBirthDate(candidate.slice(6, 14))) return null;
  if (idNumberCheckChar(candidate.slice(0, 17)) !== candidate[17]) return null;
  return candidate;
}

export function isValidIdNumber(input: string): boolean {
  return normalizeIdNumber(input) !== null;
}
