import { randomBytes } from 'node:crypto';
import { citizenKeyOf, resolveCitizenKey } from './citizen-key';
import { createPseudonyms } from './pseudonyms';

const pseudonyms = createPseudonyms({ idKey: randomBytes(32), refKey: randomBytes(16) });
const ID = '11010519491231002X';
const OTHER = '110105194912310021';

describe('citizen keys', () => {
  it('resolves a representation to its ID number and keeps its @requires fields', () => {
    const { id, ref } = citizenKeyOf(ID, pseudonyms);
    const representation = { __typename: 'Citizen', id, ref, insuranceStanding: null };
    expect(resolveCitizenKey(representation, pseudonyms)).toEqual({ ...representation, idNumber: ID });
    expect(representation).not.toHaveProperty('idNumber');
  });

  it("refuses one person's id with another's ref", () => {
    const mixed = { id: pseudonyms.idOf(OTHER), ref: pseudonyms.refOf(ID) };
    expect(() => resolveCitizenKey(mixed, pseudonyms)).toThrow(expect.objectContaining({
      message: 'Citizen id and reference do not match', extensions: { code: 'BAD_USER_INPUT' },
    }));
  });
});
