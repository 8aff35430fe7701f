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

const payload: SubgraphContextPayload = { v: 4, partner: 'demo-app', purpose: 'BENEFIT_SERVICE', scopes: ['balance:read'], identity: 'masked' };
const body = JSON.stringify({ query: '{ programs }', variables: { ids: ['一', 'b'] } });

describe('the gateway ↔ subgraph context', () => {
  it('MACs exactly as HMAC-SM3 does, for short, block-sized and long keys, over a message in parts', () => {
    for (const size of [16, 32, 64, 65, 100]) {
      const key = randomBytes(size);
      for (const message of ['', 'abc', 'x'.repeat(1000), '混合 text']) {
        const expected = createHmac('sm3', key).update(message, 'utf8').digest('hex');
        expect(new SubgraphContextKey(key).mac(message).toString('hex')).toBe(expected);
        expect(new SubgraphContextKey(key).mac(message.slice(0, 2), '', message.slice(2)).toString('hex')).toBe(expected);
      }
    }
    expect(() => new SubgraphContextKey(randomBytes(15))).toThrow(/16 bytes/);
  });

  it('verifies its own signature and nothing else: other key, subgraph, context, body, or outside the skew', () => {
    const key = new SubgraphContextKey(randomBytes(32));
    const encoded = encodeSubgraphContext(payload);
    expect(encoded.digest).toBe(subgraphContextDigest(encoded.header));
    const signature = signSubgraphCall(key, 'finance', 1_000_000, 'r1', encoded, body);
    expect(signature).toMatch(/^1000000\.[0-9a-f]{64}$/);
    type Overrides = Partial<{ key: SubgraphContextKey; subgraph: string; requestId: string; encoded: string; signature: string; body: string; now: number }>;
    const verify = (overrides: Overrides = {}): boolean =>
      verifySubgraphCall(
        overrides.key ?? key, overrides.subgraph ?? 'finance', overrides.requestId ?? 'r1', subgraphContextDigest(overrides.encoded ?? encoded.header),
        overrides.signature ?? signature, overrides.body ?? body, overrides.now ?? 1_030_000, 60_000,
      );
    expect(verify()).toBe(true);
    expect(verify({ key: new SubgraphContextKey(randomBytes(32)) })).toBe(false);
    expect(verify({ subgraph: 'transit' })).toBe(false);
    expect(verify({ requestId: 'r2' })).toBe(false);
    expect(verify({ requestId: '' })).toBe(false);
    expect(verify({ encoded: encodeSubgraphContext({ ...payload, scopes: ['identity:full'] }).header })).toBe(false);
    expect(verify({ body: body.replace('programs', 'secrets') })).toBe(false);
    expect(verify({ now: 1_000_000 + 60_001 })).toBe(false);
    expect(verify({ signature: signature.replace(/^1000000/, '1000001') })).toBe(false);
    for (const broken of ['', 'abc', `1000000.${'0'.repeat(63)}`, `x.${'0'.repeat(64)}`, `${signature}0`]) expect(verify({ signature: broken })).toBe(false);
  });

  it('signs only request ids that cannot run into the next signed field', () => {
    const key = new SubgraphContextKey(randomBytes(32));
    const encoded = encodeSubgraphContext(payload);
    for (const bad of ['', 'a\nb', 'a b', 'x'.repeat(129), '请求']) expect(() => signSubgraphCall(key, 'finance', 1, bad, encoded, body)).toThrow(/request id/);
    expect(signSubgraphCall(key, 'finance', 1, '0b6c4f3e-5d7a-4c1b-9f00-1234567890ab', encoded, body)).toMatch(/^1\./);
  });

  it('encodes the same header for every request of one caller', () => {
    expect(encodeSubgraphContext({ ...payload }).header).toBe(encodeSubgraphContext(payload).header);
  });

  it('decodes what it encodes, and only v4 contexts', () => {
    expect(decodeSubgraphContext(encodeSubgraphContext(payload).header)).toEqual(payload);
    expect(decodeSubgraphContext(Buffer.from(JSON.stringify({ ...payload, v: 3 })).toString('base64url'))).toBeNull();
    expect(decodeSubgraphContext('not base64 json')).toBeNull();
    expect(decodeSubgraphContext(Buffer.from('null').toString('base64url'))).toBeNull();
    expect(decodeSubgraphContext(Buffer.from(JSON.stringify({ v: 4, scopes: [1, 'a'], identity: 'all' })).toString('base64url'))).toEqual({
      v: 4, partner: null, purpose: null, scopes: ['a'], identity: 'masked',
    });
  });
});
