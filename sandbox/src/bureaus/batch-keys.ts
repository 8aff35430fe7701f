/** The batch request body the sandbox bureaus take: `{ idNumbers: string[] }`, at most 200. */
import { MAX_BATCH_KEYS, ProtocolError } from '@huimin/adapters';

// Shape only, not the check character: a well-formed but unknown ID is NOT_FOUND, as at a bureau.
const ID_NUMBER_SHAPE = /^\d{17}[\dX]$/;

/** The request's idNumbers; MALFORMED when absent, too many or not ID-number shaped. */
export function idNumbersIn(request: Readonly<Record<string, unknown>>): string[] {
  const idNumbers = request['idNumbers'];
  if (!Array.isArray(idNumbers)) throw new ProtocolError('MALFORMED', 'idNumbers must be an array');
  if (idNumbers.length > MAX_BATCH_KEYS) throw new ProtocolError('MALFORMED', `at most ${MAX_BATCH_KEYS} idNumbers per call`);
  return idNumbers.map((idNumber: unknown, i) => {
    if (typeof idNumber !== 'string' || !ID_NUMBER_SHAPE.test(idNumber)) throw new ProtocolError('MALFORMED', `idNumbers[${i}] is not an ID number`);
    return idNumber;
  });
}
