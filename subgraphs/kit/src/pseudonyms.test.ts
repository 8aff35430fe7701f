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
});
