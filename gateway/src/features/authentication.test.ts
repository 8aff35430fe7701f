import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { RequestRejected } from '../http/graphql-http';
import type { GatewayContext } from '../pipeline';
import { useAuthentication } from './authentication';
import { SIGNATURE_WINDOW_MS, checkSignature, signPartnerRequest } from './authentication-hmac';
import { MemoryNonceStore, RedisNonceStore, openNonceStore } from './authentication-nonces';
import { partnerOf } from './partner-context';
import { DEV_PARTNERS_FILE, loadPartnersFile } from './partners';

const NOW = 1_800_000_000_000;
const partners = loadPartnersFile(DEV_PARTNERS_FILE, { production: false, env: {} });
const BODY = Buffer.from('{"query":"{ subsidyPrograms { code } }"}');

interface FakeSocket {
  encrypted?: boolean;
  authorized?: boolean;
  getPeerCertificate?: () => object;
}

function context(headers: Record<string, string>, options: { body?: Buffer; socket?: FakeSocket; url?: string } = {}): GatewayContext {
  const req = { method: 'POST', url: options.url ?? '/graphql', headers, socket: options.socket ?? {} } as unknown as IncomingMessage;
  return { requestId: randomUUID(), receivedAt: NOW, http: { req, rawBody: options.body ?? BODY } };
}

function signed(partner: string, secret: string, overrides: Partial<Parameters<typeof signPartnerRequest>[0]> = {}): Record<string, string> {
  return signPartnerRequest({ partner, secret, purpose: 'BENEFIT_SERVICE', method: 'POST', path: '/graphql', body: BODY, timestamp: NOW, ...overrides });
}

async function refusal(guard: ReturnType<typeof useAuthentication>, ctx: GatewayContext): Promise<{ status: number; code: string; message: string }> {
  try {
    await guard.check(ctx);
  } catch (error) {
    if (error instanceof RequestRejected) return { status: error.status, code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('HMAC-SM3 request signatures', () => {
  it('verify what signPartnerRequest signs, and nothing altered', () => {
    const headers = signed('demo-app', 'demo-app-dev-secret');
    const check = (body: Buffer, path = '/graphql', now = NOW) => checkSignature({
      secret: Buffer.from('demo-app-dev-secret'), method: 'POST', path, body, now,
      timestamp: headers['x-huimin-timestamp'], nonce: headers['x-huimin-nonce'], signature: headers['x-huimin-signature'],
    });
    expect(check(BODY)).toMatchObject({ ok: true });
    expect(check(Buffer.from('{"query":"{ citizens(ids: []) { id } }"}'))).toEqual({ ok: false, reason: 'bad-signature' });
    expect(check(BODY, '/graphql?x=1')).toEqual({ ok: false, reason: 'bad-signature' });
    expect(check(BODY, '/graphql', NOW + SIGNATURE_WINDOW_MS + 1)).toEqual({ ok: false, reason: 'stale' });
  });
});

describe('useAuthentication', () => {
  const guard = (production = false) => useAuthentication({ partners, nonces: new MemoryNonceStore(() => NOW), production, clock: () => NOW });

  it('accepts a signed request once and sets the partner with its purpose and scopes', async () => {
    const auth = guard();
    const headers = signed('demo-app', 'demo-app-dev-secret');
    const ctx = context(headers);
    await auth.check(ctx);
    expect(partnerOf(ctx)).toMatchObject({ id: 'demo-app', method: 'hmac', purpose: 'BENEFIT_SERVICE', priorityClass: 'standard' });
    expect(await refusal(auth, context(headers))).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', message: expect.stringMatching(/replayed/) });
  });

  it('refuses unsigned, badly signed, stale and unknown-partner requests with UNAUTHENTICATED', async () => {
    const auth = guard();
    const cases: Array<[string, GatewayContext]> = [
      ['not signed', context({ 'x-huimin-purpose': 'BENEFIT_SERVICE' })],
      ['does not match', context(signed('demo-app', 'counter-full-dev-secret'))],
      ['does not match', context(signed('demo-app', 'demo-app-dev-secret'), { body: Buffer.from('{"query":"{ x }"}') })],
      ['outside', context(signed('demo-app', 'demo-app-dev-secret', { timestamp: NOW - SIGNATURE_WINDOW_MS - 1 }))],
      ['Unknown partner', context(signed('nobody', 'nobody-secret-value'))],
      ['required', context({ ...signed('demo-app', 'demo-app-dev-secret'), 'x-huimin-nonce': 'short' })],
    ];
    for (const [message, ctx] of cases) {
      expect(await refusal(auth, ctx)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', message: expect.stringContaining(message) });
    }
  });

  it('requires a purpose registered for the partner', async () => {
    const auth = guard();
    const missing = signed('demo-app', 'demo-app-dev-secret');
    delete missing['x-huimin-purpose'];
    expect(await refusal(auth, context(missing))).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    expect(await refusal(auth, context(signed('demo-app', 'demo-app-dev-secret', { purpose: 'STATISTICS' })))).toMatchObject({ status: 403, code: 'FORBIDDEN' });
  });

  it('takes bearer keys over plain HTTP in development only, and over TLS in production', async () => {
    const headers = { authorization: 'Bearer analytics-dev-key', 'x-huimin-purpose': 'STATISTICS' };
    const dev = context(headers);
    await guard().check(dev);
    expect(partnerOf(dev)).toMatchObject({ id: 'analytics', method: 'bearer', purpose: 'STATISTICS' });
    expect(await refusal(guard(true), context(headers))).toMatchObject({ status: 401, message: expect.stringMatching(/only over TLS/) });
    const overTls = context(headers, { socket: { encrypted: true, getPeerCertificate: () => ({}) } });
    await guard(true).check(overTls);
    expect(partnerOf(overTls)?.id).toBe('analytics');
    expect(await refusal(guard(), context({ ...headers, authorization: 'Bearer guessed-key' }))).toMatchObject({ status: 401 });
  });

  it('takes a client certificate from the deployment CA for a partner registered for mutual TLS', async () => {
    const socket = (cn: string, authorized = true): FakeSocket => ({ encrypted: true, authorized, getPeerCertificate: () => ({ subject: { CN: cn } }) });
    const purpose = { 'x-huimin-purpose': 'BENEFIT_SERVICE' };
    const ok = context(purpose, { socket: socket('transit-interconnect') });
    await guard().check(ok);
    expect(partnerOf(ok)).toMatchObject({ id: 'transit-interconnect', method: 'mtls' });
    expect(await refusal(guard(), context(purpose, { socket: socket('transit-interconnect', false) }))).toMatchObject({ status: 401, message: expect.stringMatching(/deployment CA/) });
    expect(await refusal(guard(), context(purpose, { socket: socket('demo-app') }))).toMatchObject({ status: 401, message: 'Unknown partner' });
    const mismatch = context(signed('demo-app', 'demo-app-dev-secret'), { socket: socket('transit-interconnect') });
    expect(await refusal(guard(), mismatch)).toMatchObject({ status: 401, message: expect.stringMatching(/different partners/) });
  });
});

describe('nonce stores', () => {
  it('remember a nonce in memory until its time is up', async () => {
    let now = 0;
    const store = new MemoryNonceStore(() => now);
    expect(await store.claim('a', 1000)).toBe(true);
    expect(await store.claim('a', 1000)).toBe(false);
    now = 1000;
    expect(await store.claim('a', 1000)).toBe(true);
    now = 10_000;
    await store.claim('b', 1000);
    expect(store.size).toBe(1);
  });

  it('share nonces between two gateways on one Redis', async () => {
    const prefix = `huimin-test:${randomUUID()}:`;
    const first = await openNonceStore('redis://127.0.0.1:6379', prefix);
    const second = await openNonceStore('redis://127.0.0.1:6379', prefix);
    try {
      expect(first).toBeInstanceOf(RedisNonceStore);
      expect(await first.claim('demo-app:0123', 5_000)).toBe(true);
      expect(await second.claim('demo-app:0123', 5_000)).toBe(false);
      expect(await second.claim('demo-app:4567', 5_000)).toBe(true);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('fail to open, naming REDIS_URL, when Redis does not answer', async () => {
    await expect(openNonceStore('redis://127.0.0.1:1', 'x:')).rejects.toThrow(/REDIS_URL/);
  });
});
