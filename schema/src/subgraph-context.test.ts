import { createHmac, randomBytes } from 'node:crypto';
import {
  SubgraphContextKey,
  decodeSubgraphContext,
  encodeSubgraphContext,
  signSubgraphCall,
  subgraphContextDigest,
  verifySubgraphCall,
  type SubgraphContextPayload,
} from './subgraph-context';

const payload: SubgraphContextPayload = { v: 3, rid: 'r1', partner: 'demo-app', purpose: 'BENEFIT_SERVICE', scopes: ['balance:read'], identity: 'masked' };
const body = JSON.stringify({ query: '{ programs }', variables: { ids: ['一', 'b'] } });

describe('the gateway ↔ subgraph context', () => {
  it('MACs exactly as HMAC-SM3 does, for short, block-sized and long keys', () => {
    for (const size of [16, 32, 64, 65, 100]) {
      const key = randomBytes(size);
      for (const message of ['', 'abc', 'x'.repeat(1000), '混合 text']) {
        expect(new SubgraphContextKey(key).mac(message).toString('hex')).toBe(createHmac('sm3', key).update(message, 'utf8').digest('hex'));
      }
    }
    expect(() => new SubgraphContextKey(randomBytes(15))).toThrow(/16 bytes/);
  });

  it('verifies its own signature and nothing else: other key, subgraph, context, body, or outside the skew', () => {
    const key = new SubgraphContextKey(randomBytes(32));
    const encoded = encodeSubgraphContext(payload);
    expect(encoded.digest).toBe(subgraphContextDigest(encoded.header));
    const signature = signSubgraphCall(key, 'finance', 1_000_000, encoded, body);
    expect(signature).toMatch(/^1000000\.[0-9a-f]{64}$/);
    const verify = (overrides: Partial<{ key: SubgraphContextKey; subgraph: string; encoded: string; signature: string; body: string; now: number }> = {}): boolean =>
      verifySubgraphCall(
        overrides.key ?? key, overrides.subgraph ?? 'finance', subgraphContextDigest(overrides.encoded ?? encoded.header),
        overrides.signature ?? signature, overrides.body ?? body, overrides.now ?? 1_030_000, 60_000,
      );
    expect(verify()).toBe(true);
    expect(verify({ key: new SubgraphContextKey(randomBytes(32)) })).toBe(false);
    expect(verify({ subgraph: 'transit' })).toBe(false);
    expect(verify({ encoded: encodeSubgraphContext({ ...payload, scopes: ['identity:full'] }).header })).toBe(false);
    expect(verify({ body: body.replace('programs', 'secrets') })).toBe(false);
    expect(verify({ now: 1_000_000 + 60_001 })).toBe(false);
    expect(verify({ signature: signature.replace(/^1000000/, '1000001') })).toBe(false);
    for (const broken of ['', 'abc', `1000000.${'0'.repeat(63)}`, `x.${'0'.repeat(64)}`, `${signature}0`]) expect(verify({ signature: broken })).toBe(false);
  });

  it('decodes what it encodes, and only v3 contexts', () => {
    expect(decodeSubgraphContext(encodeSubgraphContext(payload).header)).toEqual(payload);
    expect(decodeSubgraphContext(Buffer.from(JSON.stringify({ ...payload, v: 2 })).toString('base64url'))).toBeNull();
    expect(decodeSubgraphContext('not base64 json')).toBeNull();
    expect(decodeSubgraphContext(Buffer.from('null').toString('base64url'))).toBeNull();
    expect(decodeSubgraphContext(Buffer.from(JSON.stringify({ v: 3, scopes: [1, 'a'], identity: 'all' })).toString('base64url'))).toEqual({
      v: 3, rid: '', partner: null, purpose: null, scopes: ['a'], identity: 'masked',
    });
  });
});
