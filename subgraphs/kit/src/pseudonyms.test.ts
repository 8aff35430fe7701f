import { randomBytes } from 'node:crypto';
import { hmacSm3Hex } from '@huimin/adapters';
import { createPseudonyms } from './pseudonyms';

const keys = { idKey: randomBytes(32), refKey: randomBytes(16) };
const pseudonyms = createPseudonyms(keys);
const ID = '11010519491231002X';

describe('pseudonyms', () => {
  it('derives the id as hex HMAC-SM3 of the ID number', () => {
    expect(pseudonyms.idOf(ID)).toBe(hmacSm3Hex(keys.idKey, ID));
    expect(pseudonyms.idOf(ID)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('seals deterministically and opens the ref', () => {
    const ref = pseudonyms.refOf(ID);
    expect(pseudonyms.refOf(ID)).toBe(ref);
    expect(ref).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(ref).not.toContain(ID);
    expect(pseudonyms.openRef(ref)).toBe(ID);
  });

  it('gives different refs for different people and different keys', () => {
    expect(pseudonyms.refOf('110105194912310021')).not.toBe(pseudonyms.refOf(ID));
    const other = createPseudonyms({ idKey: randomBytes(32), refKey: randomBytes(16) });
    expect(other.refOf(ID)).not.toBe(pseudonyms.refOf(ID));
    expect(other.idOf(ID)).not.toBe(pseudonyms.idOf(ID));
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'abc+/='],
    ['too short', Buffer.alloc(16).toString('base64url')],
    ['random bytes', randomBytes(48).toString('base64url')],
  ])('rejects a %s ref with BAD_USER_INPUT', (_, ref) => {
    expect(() => pseudonyms.openRef(ref)).toThrow(expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT' } }));
  });

  it('rejects a ref sealed under another key or tampered with', () => {
    const foreign = createPseudonyms({ idKey: randomBytes(32), refKey: randomBytes(16) }).refOf(ID);
    expect(() => pseudonyms.openRef(foreign)).toThrow('Malformed citizen reference');
    const bytes = Buffer.from(pseudonyms.refOf(ID), 'base64url');
    bytes[3] = (bytes[3] ?? 0) ^ 1;
    expect(() => pseudonyms.openRef(bytes.toString('base64url'))).toThrow('Malformed citizen reference');
  });

  it('refuses keys of the wrong size', () => {
    expect(() => createPseudonyms({ idKey: randomBytes(8), refKey: randomBytes(16) })).toThrow(/idKey/);
    expect(() => createPseudonyms({ idKey: randomBytes(32), refKey: randomBytes(32) })).toThrow(/refKey/);
  });

  describe('memo', () => {
    const ids = Array.from({ length: 40 }, (_, i) => `1101051949123${String(10_000 + i)}`);

    it('answers exactly as without it, with hits and evictions', () => {
      const plain = createPseudonyms(keys, { memoSize: 0 });
      const small = createPseudonyms(keys, { memoSize: 8 });
      for (const round of [0, 1, 2]) {
        for (const id of round === 1 ? [...ids].reverse() : ids) {
          const ref = plain.refOf(id);
          expect(small.refOf(id)).toBe(ref);
          expect(small.idOf(id)).toBe(plain.idOf(id));
          expect(small.openRef(ref)).toBe(id);
          expect(pseudonyms.openRef(pseudonyms.refOf(id))).toBe(id);
        }
      }
    });

    it('never remembers a forged ref: it is rejected every time', () => {
      const bytes = Buffer.from(pseudonyms.refOf(ID), 'base64url');
      bytes[20] = (bytes[20] ?? 0) ^ 1;
      const forged = bytes.toString('base64url');
      for (let i = 0; i < 3; i += 1) expect(() => pseudonyms.openRef(forged)).toThrow('Malformed citizen reference');
      expect(() => pseudonyms.openRef(42 as unknown as string)).toThrow('Malformed citizen reference');
    });

    it('opens a key only when its id belongs to its ref, hit or miss', () => {
      for (const memoSize of [0, 4]) {
        const p = createPseudonyms(keys, { memoSize });
        const other = '110105194912310021';
        for (let round = 0; round < 2; round += 1) {
          expect(p.openKey(p.idOf(ID), p.refOf(ID))).toBe(ID);
          expect(() => p.openKey(p.idOf(other), p.refOf(ID))).toThrow('Citizen id and reference do not match');
          expect(() => p.openKey(p.idOf(ID), 'abc+/=')).toThrow('Malformed citizen reference');
        }
      }
    });

    it('refuses a negative memo size', () => {
      expect(() => createPseudonyms(keys, { memoSize: -1 })).toThrow(RangeError);
    });
  });
});
