/** Header lookup: a plain record in any case, node's global Headers, and undici's own Headers class. */
import { Headers as UndiciHeaders } from 'undici';
import { headerOf, requireHeader } from './envelope-fields';

describe('headerOf', () => {
  it('finds a header whatever the source and the case of its name', () => {
    const sources = [{ 'X-Timestamp': '1700000000' }, new Headers({ 'x-timestamp': '1700000000' }), new UndiciHeaders({ 'X-Timestamp': '1700000000' })];
    for (const headers of sources) {
      expect(headerOf(headers, 'x-timestamp')).toBe('1700000000');
      expect(headerOf(headers, 'X-Nonce')).toBeUndefined();
    }
  });

  it('calls a missing or empty header MALFORMED', () => {
    expect(() => requireHeader(new UndiciHeaders(), 'X-Timestamp')).toThrow(expect.objectContaining({ code: 'MALFORMED' }));
    expect(() => requireHeader({ 'x-timestamp': '' }, 'X-Timestamp')).toThrow(expect.objectContaining({ code: 'MALFORMED' }));
  });
});
